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
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
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
// rewrite, leaving her alone may be wrong, so that plan fails with
// ErrChanged and writes nothing (importUsers then plans again:
// TestImportRetry). Unchanged, the same plan is written.
func TestImportRace(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "passwd")
	src := filepath.Join(dir, "users")
	if err := os.WriteFile(src, []byte("alice:pw\ncarol:new\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}
	plan := func() (*Options, *atomicfile.File, importPlan) {
		t.Helper()
		o, err := parse([]string{"--if-changed", "-I", "1", "--import", src, pw}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		src, err := readImport(o, s)
		if err != nil {
			t.Fatal(err)
		}
		f, err := atomicfile.Open(pw, atomicfile.ForEditing)
		if err != nil {
			t.Fatal(err)
		}
		p, err := src.plan(t.Context(), o, s, f, nil)
		if err != nil || p.unchanged != 1 || len(p.updates) != 1 || p.updates[0].User != "carol" {
			t.Fatalf("plan = %+v, %v; want carol updated and alice unchanged", p, err)
		}
		return o, f, p
	}

	mainOK(t, "-I", "1", "-c", "-b", pw, "alice", "pw")
	o, f, p := plan()
	mainOK(t, "-I", "1", "-b", pw, "alice", "changed") // another run, between the read and the rewrite
	before, err := os.ReadFile(pw)
	if err != nil {
		t.Fatal(err)
	}
	err = explain(writeImport(t.Context(), o, s, f, p), o, f)
	want := fmt.Sprintf(msgImportRace, f.Path(), editAttempts)
	if e := (*Error)(nil); !errors.As(err, &e) || e.Code != ExitError || e.Msg != want {
		t.Errorf("import after a change: %v, want exit %d %q", err, ExitError, want)
	}
	if after, _ := os.ReadFile(pw); !bytes.Equal(after, before) {
		t.Errorf("the import wrote the changed file:\n%s", after)
	}

	mainOK(t, "-I", "1", "-b", pw, "alice", "pw")
	o, f, p = plan()
	if err := writeImport(t.Context(), o, s, f, p); err != nil {
		t.Fatalf("import of an unchanged file: %v", err)
	}
	if got, _ := os.ReadFile(pw); !bytes.Contains(got, []byte("\ncarol:$7$1$")) {
		t.Errorf("carol not added:\n%s", got)
	}
}

// withBeforeEdit sets beforeConditionalEdit to fn for the test and returns
// how many times it was called.
func withBeforeEdit(t *testing.T, fn func(call int)) *int {
	t.Helper()
	calls := new(int)
	beforeConditionalEdit = func() {
		*calls++
		fn(*calls)
	}
	t.Cleanup(func() { beforeConditionalEdit = nil })
	return calls
}

// mainOK runs Main and fails the test unless it exits 0.
func mainOK(t *testing.T, args ...string) {
	t.Helper()
	var errOut strings.Builder
	if code := Main(args, Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: &errOut}); code != ExitOK {
		t.Fatalf("%q: exit %d: %s", args, code, errOut.String())
	}
}

// TestImportRetry: another run changes alice, whom an --if-changed import
// left alone, between its hashing and its rewrite. The import plans again
// for the changed file, sets alice's password after all, and writes; when
// the file changes before every attempt it gives up after editAttempts
// with msgImportRace, leaving the other run's change.
func TestImportRetry(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "passwd")
	src := filepath.Join(dir, "users")
	if err := os.WriteFile(src, []byte("alice:pw\nbob:pw\ncarol:new\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mainOK(t, "-I", "1", "-c", "-b", pw, "alice", "pw")
	mainOK(t, "-I", "1", "-b", pw, "bob", "pw")
	calls := withBeforeEdit(t, func(call int) {
		if call == 1 {
			mainOK(t, "-I", "1", "-b", pw, "alice", "changed")
		}
	})
	var out strings.Builder
	args := []string{"--if-changed", "-I", "1", "--import", src, pw}
	if code := Main(args, Streams{In: strings.NewReader(""), Out: &out, ErrOut: &out}); code != ExitOK {
		t.Fatalf("import with a change during it: exit %d: %s", code, out.String())
	}
	if *calls != 2 || out.String() != fmt.Sprintf(msgImportedIf+"\n", 1, 1, 1) {
		t.Errorf("%d attempts, output %q; want 2 and alice updated, bob unchanged, carol added", *calls, out.String())
	}
	for user, want := range map[string]string{"alice": "pw", "bob": "pw", "carol": "new"} {
		checkPassword(t, pw, user, want)
	}

	calls = withBeforeEdit(t, func(call int) {
		mainOK(t, "-I", "1", "-b", pw, "alice", fmt.Sprint("changed", call))
	})
	if err := os.WriteFile(src, []byte("alice:pw\ndave:new\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	code := Main(args, Streams{In: strings.NewReader(""), Out: &out, ErrOut: &out})
	want := fmt.Sprintf(msgImportRace, pw, editAttempts) + "\n"
	if code != ExitError || out.String() != want || *calls != editAttempts {
		t.Errorf("import of a file that keeps changing: exit %d, %d attempts, %q; want %d, %d, %q", code, *calls, out.String(), ExitError, editAttempts, want)
	}
	checkPassword(t, pw, "alice", fmt.Sprint("changed", editAttempts))
}

// TestUpgradeRetry: -U hashes without the lock, so another run's -b
// between its hashing and its rewrite succeeds at once, even with a lock
// timeout far below the hashing time; -U then reads the file again, hashes
// only the plaintext entry that is new, and writes. A file that changes
// before every attempt makes it give up with msgUpgradeRace.
func TestUpgradeRetry(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "passwd")
	if err := os.WriteFile(pw, []byte("alice:one\nbob:two\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	calls := withBeforeEdit(t, func(call int) {
		if call == 1 {
			mainOK(t, "--lock-timeout", "1ms", "-I", "1", "-b", pw, "carol", "three")
			f, err := os.OpenFile(pw, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteString("dave:four\n"); err != nil {
				t.Fatal(err)
			}
		}
	})
	mainOK(t, "-I", "1", "-U", pw)
	if *calls != 2 {
		t.Errorf("-U tried %d times, want 2", *calls)
	}
	for user, want := range map[string]string{"alice": "one", "bob": "two", "carol": "three", "dave": "four"} {
		checkPassword(t, pw, user, want)
	}

	calls = withBeforeEdit(t, func(call int) {
		mainOK(t, "-I", "1", "-b", pw, "carol", fmt.Sprint("changed", call))
	})
	if err := os.WriteFile(pw, []byte("alice:one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var errOut strings.Builder
	code := Main([]string{"-I", "1", "-U", pw}, Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: &errOut})
	want := fmt.Sprintf(msgUpgradeRace, pw, editAttempts) + "\n"
	if code != ExitError || errOut.String() != want || *calls != editAttempts {
		t.Errorf("-U of a file that keeps changing: exit %d, %d attempts, %q; want %d, %d, %q", code, *calls, errOut.String(), ExitError, editAttempts, want)
	}
	if got, _ := os.ReadFile(pw); !bytes.HasPrefix(got, []byte("alice:one\ncarol:$7$")) {
		t.Errorf("-U wrote the file it gave up on:\n%s", got)
	}
}

// checkPassword fails the test unless password verifies user's entry in
// the password file at path.
func checkPassword(t *testing.T, path, user, password string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if ok, err := pwfile.Authenticate(f, user, []byte(password)); !ok || err != nil {
		// Not the password itself, which may be 65535 bytes long.
		t.Errorf("the password of %s in %s is not the %d bytes given: %v", user, path, len(password), err)
	}
}

// TestImportBadSource: a source of 10,000 bad lines lists the first
// pwfile.MaxBadLines on stderr and counts them all; a device such as
// /dev/urandom is refused before it is read, by name or as stdin; stdin
// without end stops at pwfile.MaxImportSize. Nothing is written.
func TestImportBadSource(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "passwd")
	if err := os.WriteFile(pw, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "bad")
	if err := os.WriteFile(src, bytes.Repeat([]byte("no colon\n"), 10_000), 0o600); err != nil {
		t.Fatal(err)
	}
	var errOut strings.Builder
	code := Main([]string{"--import", src, pw}, Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: &errOut})
	lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
	want := fmt.Sprintf(msgImportBadMany, "10000 bad lines", src, pwfile.MaxBadLines)
	if code != ExitError || len(lines) != pwfile.MaxBadLines+1 || lines[len(lines)-1] != want {
		t.Errorf("import of 10,000 bad lines: exit %d, %d lines on stderr ending %q; want %d, %d ending %q",
			code, len(lines), lines[len(lines)-1], ExitError, pwfile.MaxBadLines+1, want)
	}

	if _, err := os.Stat("/dev/urandom"); err != nil {
		t.Skip("no /dev/urandom")
	}
	urandom, err := os.Open("/dev/urandom")
	if err != nil {
		t.Fatal(err)
	}
	defer urandom.Close()
	for _, tc := range []struct {
		src  string
		in   *os.File
		want string
	}{
		{"/dev/urandom", nil, fmt.Sprintf(msgImportNotFile, "/dev/urandom")},
		{"-", urandom, fmt.Sprintf(msgImportNotFile, msgStdinName)},
	} {
		errOut.Reset()
		s := NewStreams(strings.NewReader(""), io.Discard, &errOut)
		if tc.in != nil {
			s = NewStreams(tc.in, io.Discard, &errOut)
		}
		if code := Main([]string{"--import", tc.src, pw}, s); code != ExitError || errOut.String() != tc.want+"\n" {
			t.Errorf("--import %s from %v: exit %d, %q; want %d, %q", tc.src, tc.in, code, errOut.String(), ExitError, tc.want)
		}
	}

	// /dev/urandom through a pipe, as "cat /dev/urandom |" gives it.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		io.Copy(w, urandom)
		w.Close()
	}()
	defer r.Close() // ends the copy
	errOut.Reset()
	code = Main([]string{"--import", "-", pw}, NewStreams(r, io.Discard, &errOut))
	want = fmt.Sprintf(msgImportTooLarge, msgStdinName, pwfile.MaxImportSize>>20)
	if code != ExitError || errOut.String() != want+"\n" {
		t.Errorf("--import - from an endless pipe: exit %d, %q; want %d, %q", code, errOut.String(), ExitError, want)
	}
	if got, _ := os.ReadFile(pw); len(got) != 0 {
		t.Errorf("a failed import wrote %d bytes", len(got))
	}
}

// TestImportHashedRetry: an --if-changed --import-hashed leaves alice alone,
// whose entry holds her hash already; when another run changes her between
// the plan and the rewrite, the import reads the file again and writes her
// hash after all, as --import does with a password.
func TestImportHashedRetry(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "passwd")
	src := filepath.Join(dir, "hashes")
	mainOK(t, "-I", "1", "-c", "-b", pw, "alice", "pw")
	line, err := os.ReadFile(pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, append(line, "carol:"+exportTestHash+"\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	calls := withBeforeEdit(t, func(call int) {
		if call == 1 {
			mainOK(t, "-I", "1", "-b", pw, "alice", "changed")
		}
	})
	var out strings.Builder
	args := []string{"--if-changed", "--import-hashed", src, pw}
	if code := Main(args, Streams{In: strings.NewReader(""), Out: &out, ErrOut: &out}); code != ExitOK {
		t.Fatalf("import with a change during it: exit %d: %s", code, out.String())
	}
	if *calls != 2 || out.String() != fmt.Sprintf(msgImportedIf+"\n", 1, 1, 0) {
		t.Errorf("%d attempts, output %q; want 2 and alice updated, carol added", *calls, out.String())
	}
	checkPassword(t, pw, "alice", "pw")
	checkPassword(t, pw, "carol", "secret")
}
