package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestListEscapes: --list prints a name a terminal could act on, or a
// reader could not see, quoted; every other name as it is, to a terminal
// or a pipe alike.
func TestListEscapes(t *testing.T) {
	names := []struct{ in, out string }{
		{"alice", "alice"},
		{"DOMAIN\\bob", "DOMAIN\\bob"},
		{"with space", "with space"},
		{"ünïcödé-用户", "ünïcödé-用户"},
		{"red\x1b[31m", `"red\x1b[31m"`},
		{"bell\a", `"bell\a"`},
		{"tab\tname", `"tab\tname"`},
		{"cr\rname", `"cr\rname"`},
		{"csi\u009b2J", `"csi\u009b2J"`},
		{"nbsp\u00a0x", `"nbsp\u00a0x"`},
		{"rtl\u202eevil", `"rtl\u202eevil"`},
		{"bad\xffutf8", `"bad\xffutf8"`},
		{`"quoted"`, `"\"quoted\""`},
		{`mid"quote`, `mid"quote`},
	}
	var file, want strings.Builder
	for _, n := range names {
		fmt.Fprintf(&file, "%s:$7$101$c2FsdHNhbHRzYWx0$aGFzaA==\n", n.in)
		want.WriteString(n.out + "\n")
	}
	pw := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(pw, []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	if code := Main([]string{"--list", pw}, Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}); code != ExitOK {
		t.Fatalf("--list: exit %d: %s", code, errOut.String())
	}
	got, wantLines := strings.Split(out.String(), "\n"), strings.Split(want.String(), "\n")
	if len(got) != len(wantLines) {
		t.Fatalf("--list printed %q, want %q", out.String(), want.String())
	}
	for i := range got {
		if got[i] != wantLines[i] {
			t.Errorf("--list printed %q, want %q", got[i], wantLines[i])
		}
	}
}

// TestClosedStdout: with stdout a pipe nobody reads, an edit still writes
// the file and exits 0 (its message is not its result), while --list and
// -n, whose output is their result, exit 1 without a word, as a tool
// killed by SIGPIPE would but for the exit code. (Only fds 1 and 2 raise
// SIGPIPE; cmd/mosquitto_passwd checks the real process.)
func TestClosedStdout(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "passwd")
	mainOK(t, "-I", "1", "-c", "-b", pw, "alice", "pw")
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"-I", "1", "-b", pw, "bob", "pw"}, ExitOK},
		{[]string{"--list", pw}, ExitError},
		{[]string{"--list", "--json", pw}, ExitError},
		{[]string{"-I", "1", "-n", "-b", "carol", "pw"}, ExitError},
	} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
		var errOut strings.Builder
		code := Main(tc.args, Streams{In: strings.NewReader(""), Out: w, ErrOut: &errOut})
		w.Close()
		if code != tc.code || errOut.Len() != 0 {
			t.Errorf("%q with a closed stdout: exit %d, stderr %q; want %d and nothing", tc.args, code, errOut.String(), tc.code)
		}
	}
	checkPassword(t, pw, "bob", "pw")
	var errOut strings.Builder
	want := fmt.Sprintf(msgStdoutWrite, "No space left on device") + "\n"
	if code := Main([]string{"--list", pw}, Streams{In: strings.NewReader(""), Out: fullWriter{}, ErrOut: &errOut}); code != ExitError || errOut.String() != want {
		t.Errorf("--list to a full disk: exit %d, %q; want %d, %q", code, errOut.String(), ExitError, want)
	}
	// An edit's message that cannot be written is an error too, which says
	// that the file was changed all the same.
	for _, args := range [][]string{
		{"-I", "1", "-b", pw, "dave", "pw"},
		{"-I", "1", "-c", "-b", pw + ".new", "erin", "pw"},
	} {
		errOut.Reset()
		want := fmt.Sprintf(msgStdoutChanged, "No space left on device") + "\n"
		if code := Main(args, Streams{In: strings.NewReader(""), Out: fullWriter{}, ErrOut: &errOut}); code != ExitError || errOut.String() != want {
			t.Errorf("%q to a full disk: exit %d, %q; want %d, %q", args, code, errOut.String(), ExitError, want)
		}
	}
	checkPassword(t, pw, "dave", "pw")
	checkPassword(t, pw+".new", "erin", "pw")
}

// fullWriter fails as a file on a full disk does.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) {
	return 0, &os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}
}
