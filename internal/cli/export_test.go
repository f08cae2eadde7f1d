package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A hash of "secret" by the 2.0.11 tool.
const exportTestHash = "$7$101$w5rlZ4BSpL8XYcEO$HZpNOTloSy7EW1zSLLMuYYD3tgcTjzYrZC+YfXHzHMOvHhLW7bjqyQ8dxgfS8Qv6TO/syWpzbMnyvkkP5UAncw=="

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// TestExportStdoutError: an export that cannot be written to stdout is an
// error with the system's reason, not a success with lost output.
func TestExportStdoutError(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(pw, []byte("alice:"+exportTestHash+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"goauth", "dynsec"} {
		var errOut strings.Builder
		err := &os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}
		code := Main([]string{"--export", format, pw}, Streams{In: strings.NewReader(""), Out: failingWriter{err}, ErrOut: &errOut})
		want := "Error: Unable to write to standard output. No space left on device.\n"
		if code != ExitError || errOut.String() != want {
			t.Errorf("--export %s to a full stdout: exit %d, %q; want %d, %q", format, code, errOut.String(), ExitError, want)
		}
	}
}

// TestExportNames: a warning names the user as --list does, quoted when
// the name holds what a terminal must not be sent, which is also why the
// entry was left out.
func TestExportNames(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "passwd")
	file := "ok:" + exportTestHash + "\nbell\x07\x1b[2J:" + exportTestHash + "\nlatin\xe9:" + exportTestHash + "\n"
	if err := os.WriteFile(pw, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	code := Main([]string{"--export", "goauth", pw}, Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	want := `Warning: Line 2 (user "bell\a\x1b[2J") not exported: username must not contain control characters.
Warning: Line 3 (user "latin\xe9") not exported: username is not valid UTF-8.
Exported users: 1, left out: 2.
`
	if code != ExitError || errOut.String() != want || !strings.HasPrefix(out.String(), "ok:PBKDF2$") {
		t.Errorf("exit %d\nstderr:\n%s\nwant:\n%s\nstdout:\n%s", code, errOut.String(), want, out.String())
	}
}
