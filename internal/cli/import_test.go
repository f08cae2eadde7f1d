package cli

import (
	"bytes"
	"context"
	"errors"
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

// TestInterruptedHashing runs --import and -U with a context that is
// already done, as after Ctrl-C: they must stop before hashing rather than
// after (400 users at -I 4000000 would take minutes), with the message and
// exit code of an interrupt, and leave the file as it was.
func TestInterruptedHashing(t *testing.T) {
	dir := t.TempDir()
	src := writeUsers(t, dir, 400)
	pw := filepath.Join(dir, "passwd")
	plain, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-I", "4000000", "--import", src, pw},
		{"-I", "4000000", "-U", pw},
	} {
		if err := os.WriteFile(pw, plain, 0o600); err != nil {
			t.Fatal(err)
		}
		o, err := parse(args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		err = o.run(ctx, Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard})
		var e *Error
		if !errors.As(err, &e) || e.Code != ExitInterrupted || e.Msg != msgInterrupted {
			t.Errorf("%q after Ctrl-C: %v, want exit %d %q", args, err, ExitInterrupted, msgInterrupted)
		}
		if got, _ := os.ReadFile(pw); !bytes.Equal(got, plain) {
			t.Errorf("%q after Ctrl-C changed the file", args)
		}
	}
}
