package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeUsers writes n user:password lines to a new file in dir and returns
// its path.
func writeUsers(tb testing.TB, dir string, n int) string {
	tb.Helper()
	var users bytes.Buffer
	for i := range n {
		fmt.Fprintf(&users, "user%05d:password %d\n", i, i)
	}
	path := filepath.Join(dir, fmt.Sprintf("users%d.txt", n))
	if err := os.WriteFile(path, users.Bytes(), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkImport10000 runs --import of 10,000 new users into an empty
// file through Main, with -I 1 so that it measures the import itself
// (reading, checking, parallel hashing, one atomic rewrite) rather than
// PBKDF2; at the default 1000 iterations hashing dominates and the time
// grows about a thousandfold per user.
func BenchmarkImport10000(b *testing.B) {
	dir := b.TempDir()
	src := writeUsers(b, dir, 10_000)
	pw := filepath.Join(dir, "passwd")
	b.ReportAllocs()
	for b.Loop() {
		if err := os.WriteFile(pw, nil, 0o600); err != nil {
			b.Fatal(err)
		}
		var errOut strings.Builder
		code := Main([]string{"-I", "1", "--import", src, pw}, Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: &errOut})
		if code != ExitOK {
			b.Fatalf("exit %d: %s", code, errOut.String())
		}
	}
}
