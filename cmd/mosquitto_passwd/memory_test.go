package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// gnuTime reports a command's peak RSS (%M, KiB). A Go program cannot read that from its own
// child: Go starts children with vfork, and Linux then counts the parent's peak in the child's
// ru_maxrss.
const gnuTime = "/usr/bin/time"

// maxEditRSS is the bound on an edit of a 1,000,000-user file: the file streams through
// fixed buffers, so memory must not grow with it.
const maxEditRSS = 16 << 10 // KiB

// TestEditMemoryIsFlat updates, adds and deletes a user in a 1,000,000-user file (142 MB) and
// checks that each run's peak RSS stays under maxEditRSS. It is a memory bound, not a timing.
// The command is this test binary registered as mosquitto_passwd, a little larger than the real
// one, so the figure is an upper bound.
func TestEditMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 142 MB file")
	}
	requireGNUTime(t)
	bin := registeredBinary(t)

	const users = 1_000_000
	user := func(i int) string { return fmt.Sprintf("user-%07d@devices.example", i) }
	dir := t.TempDir()
	file := filepath.Join(dir, "passwd")
	writeUsers(t, file, users, user)
	middle := user(users / 2)

	for _, tc := range []struct {
		name string
		args []string
		user string // its entry after the run; "" for none
	}{
		{"update", []string{"-I", "1", "-b", file, middle, "new secret"}, middle},
		{"add", []string{"-I", "1", "-b", file, "newuser", "new secret"}, "newuser"},
		{"delete", []string{"-D", file, middle}, ""},
	} {
		rss := peakRSS(t, dir, bin, tc.args...)
		t.Logf("%s: peak RSS %d KiB", tc.name, rss)
		if rss > maxEditRSS {
			t.Errorf("%s of a %d-user file: peak RSS %d KiB, want at most %d KiB", tc.name, users, rss, maxEditRSS)
		}
		if tc.user != "" {
			checkPassword(t, file, tc.user, "new secret")
		} else if _, err := lookup(file, middle); !errors.Is(err, pwfile.ErrUserNotFound) {
			t.Errorf("%s: %s still in the file (%v)", tc.name, middle, err)
		}
	}
}

// maxImportRSS bounds an import of /dev/urandom through a pipe: it reads up to
// pwfile.MaxImportSize, but keeps no line of a source once a line was bad.
const maxImportRSS = 32 << 10 // KiB

// TestImportMemoryIsBounded imports /dev/urandom through a pipe, as
// "cat /dev/urandom | mosquitto_passwd --import - FILE" does: the run must end
// with its size error, in bounded memory, and write nothing.
func TestImportMemoryIsBounded(t *testing.T) {
	requireGNUTime(t)
	urandom, err := os.Open("/dev/urandom")
	if err != nil {
		t.Skip(err)
	}
	defer urandom.Close()
	bin := registeredBinary(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "passwd")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// Not the *os.File itself, which the child would get as its stdin
	// (a device, refused before it is read): exec copies a Reader into a pipe.
	rss, msg, err := runMeasured(t, dir, struct{ io.Reader }{urandom}, bin, "--import", "-", file)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(msg), "is larger than") {
		t.Fatalf("--import - from /dev/urandom: %v\n%s", err, msg)
	}
	t.Logf("peak RSS %d KiB", rss)
	if rss > maxImportRSS {
		t.Errorf("--import - from /dev/urandom: peak RSS %d KiB, want at most %d KiB", rss, maxImportRSS)
	}
	if got, _ := os.ReadFile(file); len(got) != 0 {
		t.Errorf("the failed import wrote %d bytes", len(got))
	}
}

// writeUsers writes n users with one shared hash, as mosquitto_passwd 2.0 writes it.
func writeUsers(t *testing.T, path string, n int, user func(int) string) {
	t.Helper()
	hash, err := pwhash.Hash([]byte("secret"), pwhash.Params{Algorithm: pwhash.PBKDF2, Iterations: 101})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i := range n {
		w.WriteString(user(i) + ":" + hash + "\n")
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// requireGNUTime skips the test, or fails it with CI=true, unless GNU time
// can measure peak RSS here.
func requireGNUTime(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("peak RSS is read with GNU time on Linux")
	}
	if _, err := os.Stat(gnuTime); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is not installed (apt-get install time)", gnuTime)
		}
		t.Skipf("%s is not installed (apt-get install time)", gnuTime)
	}
}

// peakRSS runs bin under GNU time and returns its peak RSS in KiB; the run
// must succeed.
func peakRSS(t *testing.T, dir, bin string, args ...string) int64 {
	t.Helper()
	kib, msg, err := runMeasured(t, dir, nil, bin, args...)
	if err != nil {
		t.Fatalf("mosquitto_passwd %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	return kib
}

// runMeasured runs bin under GNU time with stdin, and returns its peak RSS
// in KiB, its output and how it ended.
func runMeasured(t *testing.T, dir string, stdin io.Reader, bin string, args ...string) (kib int64, msg []byte, err error) {
	t.Helper()
	out := filepath.Join(dir, "rss")
	cmd := exec.Command(gnuTime, append([]string{"-f", "%M", "-o", out, bin}, args...)...)
	cmd.Stdin = stdin
	msg, err = cmd.CombinedOutput()
	b, readErr := os.ReadFile(out)
	if readErr != nil {
		t.Fatalf("mosquitto_passwd %s: %v\n%s\n%v", strings.Join(args, " "), err, msg, readErr)
	}
	// The figure comes last, after "Command exited with non-zero status N"
	// for a run that failed.
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		t.Fatal("GNU time wrote nothing")
	}
	kib, parseErr := strconv.ParseInt(fields[len(fields)-1], 10, 64)
	if parseErr != nil {
		t.Fatalf("GNU time wrote %q: %v", b, parseErr)
	}
	return kib, msg, err
}

func lookup(path, user string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return pwfile.Lookup(f, user)
}

func checkPassword(t *testing.T, path, user, password string) {
	t.Helper()
	hash, err := lookup(path, user)
	if err != nil {
		t.Fatalf("%s: %v", user, err)
	}
	if ok, err := pwhash.Verify([]byte(password), hash); !ok || err != nil {
		t.Errorf("%s: password does not verify (%v)", user, err)
	}
}
