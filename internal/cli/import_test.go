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

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
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
		err = run(ctx, o, Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard})
		var e *Error
		if !errors.As(err, &e) || e.Code != ExitInterrupted || e.Msg != msgInterrupted {
			t.Errorf("%q after Ctrl-C: %v, want exit %d %q", args, err, ExitInterrupted, msgInterrupted)
		}
		if got, _ := os.ReadFile(pw); !bytes.Equal(got, plain) {
			t.Errorf("%q after Ctrl-C changed the file", args)
		}
	}
}

// TestImportRace: an --if-changed import leaves alice alone because her
// password verified in the file it read; if the file changes before the
// rewrite, leaving her alone may be wrong, so the import fails with
// msgImportRace and writes nothing. Unchanged, the same plan is written.
func TestImportRace(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "passwd")
	src := filepath.Join(dir, "users")
	if err := os.WriteFile(src, []byte("alice:pw\ncarol:new\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}
	mustMain := func(args ...string) {
		t.Helper()
		var errOut strings.Builder
		if code := Main(args, Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: &errOut}); code != ExitOK {
			t.Fatalf("%q: exit %d: %s", args, code, errOut.String())
		}
	}
	plan := func() (*Options, *atomicfile.File, importPlan) {
		t.Helper()
		o, err := parse([]string{"--if-changed", "-I", "1", "--import", src, pw}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		readPlan, err := readImport(o, s)
		if err != nil {
			t.Fatal(err)
		}
		f, err := atomicfile.Open(pw, atomicfile.ForEditing)
		if err != nil {
			t.Fatal(err)
		}
		p, err := readPlan(t.Context(), f)
		if err != nil || p.unchanged != 1 || len(p.updates) != 1 || p.updates[0].User != "carol" {
			t.Fatalf("plan = %+v, %v; want carol updated and alice unchanged", p, err)
		}
		return o, f, p
	}

	mustMain("-I", "1", "-c", "-b", pw, "alice", "pw")
	o, f, p := plan()
	mustMain("-I", "1", "-b", pw, "alice", "changed") // another run, between the read and the rewrite
	before, err := os.ReadFile(pw)
	if err != nil {
		t.Fatal(err)
	}
	err = explain(writeImport(t.Context(), o, s, f, p), o, f)
	want := fmt.Sprintf(msgImportRace, f.Path())
	if e := (*Error)(nil); !errors.As(err, &e) || e.Code != ExitError || e.Msg != want {
		t.Errorf("import after a change: %v, want exit %d %q", err, ExitError, want)
	}
	if after, _ := os.ReadFile(pw); !bytes.Equal(after, before) {
		t.Errorf("the import wrote the changed file:\n%s", after)
	}

	mustMain("-I", "1", "-b", pw, "alice", "pw")
	o, f, p = plan()
	if err := writeImport(t.Context(), o, s, f, p); err != nil {
		t.Fatalf("import of an unchanged file: %v", err)
	}
	if got, _ := os.ReadFile(pw); !bytes.Contains(got, []byte("\ncarol:$7$1$")) {
		t.Errorf("carol not added:\n%s", got)
	}
}
