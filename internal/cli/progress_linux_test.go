package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProgressOnTerminal: --import and -U draw a progress bar when stderr
// is a terminal (TestScripts shows they draw none into a pipe).
func TestProgressOnTerminal(t *testing.T) {
	dir := t.TempDir()
	src := writeUsers(t, dir, 300)
	plain := filepath.Join(dir, "plain")
	if err := os.Link(src, plain); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-I", "1", "-c", "--import", src, filepath.Join(dir, "pw")},
		{"-I", "1", "-U", plain},
	} {
		c, tty := withPty(t)
		screen := readScreen(c)
		var out bytes.Buffer
		if code := Main(args, NewStreams(strings.NewReader(""), &out, tty)); code != ExitOK {
			t.Fatalf("%q: exit %d: %s", args, code, out.String())
		}
		tty.Close()
		if s := <-screen; !strings.Contains(s, "Hashing") || !strings.Contains(s, "users") {
			t.Errorf("%q: no progress bar on the terminal: %q", args, s)
		}
	}
}
