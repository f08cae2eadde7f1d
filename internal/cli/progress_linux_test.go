package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProgressOnTerminal: --import and -U draw a progress bar when stderr
// is a terminal (TestScripts shows they draw none into a pipe).
func TestProgressOnTerminal(t *testing.T) {
	dir := t.TempDir()
	var users bytes.Buffer
	for i := range 300 {
		fmt.Fprintf(&users, "user%d:pw%d\n", i, i)
	}
	src := filepath.Join(dir, "users.txt")
	plain := filepath.Join(dir, "plain")
	for _, f := range []string{src, plain} {
		if err := os.WriteFile(f, users.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"-I", "1", "-c", "--import", src, filepath.Join(dir, "pw")},
		{"-I", "1", "-U", plain},
	} {
		c, tty := withPty(t)
		screen := make(chan string, 1)
		go func() {
			var b bytes.Buffer
			buf := make([]byte, 4096)
			for {
				n, err := c.Read(buf)
				b.Write(buf[:n])
				if err != nil {
					screen <- b.String()
					return
				}
			}
		}()
		var out bytes.Buffer
		if code := Main(args, Streams{In: strings.NewReader(""), Out: &out, ErrOut: tty}); code != ExitOK {
			t.Fatalf("%q: exit %d: %s", args, code, out.String())
		}
		tty.Close()
		if s := <-screen; !strings.Contains(s, "Hashing") || !strings.Contains(s, "users") {
			t.Errorf("%q: no progress bar on the terminal: %q", args, s)
		}
	}
}
