package cli

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestStdoutFailure: in every mode whose output is its result, a failed
// write to stdout (for --list and --check at the final flush of a buffer)
// is an error with exit 1, not a silent success. (An edit's message after
// the file was written is not a result; TestClosedStdout has that.)
func TestStdoutFailure(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	if code := Main([]string{"-c", "-b", pw, "alice", "secret"}, Streams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, args := range []string{
		"--list PW", "--list --json PW", "--check PW", "--check --json PW",
		"-n -b bob secret", "-c -b - bob secret",
		"--version", "--help", "--completion bash",
	} {
		t.Run(args, func(t *testing.T) {
			var errOut bytes.Buffer
			argv := strings.Fields(strings.ReplaceAll(args, "PW", pw))
			code := Main(argv, Streams{In: strings.NewReader(""), Out: fullWriter{}, ErrOut: &errOut})
			if want := fmt.Sprintf(msgStdoutWrite, "No space left on device") + "\n"; code != ExitError || !strings.HasSuffix(errOut.String(), want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, &errOut, ExitError, want)
			}
		})
	}
}
