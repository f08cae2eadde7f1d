package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// fullWriter fails every write, as /dev/full does.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestStdoutFailure: in every mode that writes to stdout, a failed write
// (here at the final flush of a buffer, for --list and --check) is an error
// with exit 1, not a silent success.
func TestStdoutFailure(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	if code := Main([]string{"-c", "-b", pw, "alice", "secret"}, Streams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, args := range []string{
		"--list PW", "--list --json PW", "--check PW", "--check --json PW",
		"-n -b bob secret", "-c -b - bob secret", "-b PW bob secret", "-v -b PW alice secret",
		"--version", "--help", "--completion bash",
	} {
		t.Run(args, func(t *testing.T) {
			var errOut bytes.Buffer
			argv := strings.Fields(strings.ReplaceAll(args, "PW", pw))
			code := Main(argv, Streams{In: strings.NewReader(""), Out: fullWriter{}, ErrOut: &errOut})
			if want := "Error: Unable to write to standard output: No space left on device.\n"; code != ExitError || !strings.HasSuffix(errOut.String(), want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, &errOut, ExitError, want)
			}
		})
	}
}
