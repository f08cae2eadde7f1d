package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// registeredBinary is the mosquitto_passwd that testscript put first in PATH.
func registeredBinary(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("mosquitto_passwd")
	if err != nil || bin == realTool {
		t.Fatalf("the registered mosquitto_passwd is not first in PATH: %q, %v", bin, err)
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// TestCrashLeavesOldOrNew kills runs that add a user to a 200,000-user file
// with SIGKILL at random moments over their whole run time: afterwards the
// file is exactly the old one or the old one plus the new entry, and the next
// run cleans up any temp file the killed one left.
func TestCrashLeavesOldOrNew(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 60 runs on a 25 MB file")
	}
	bin := registeredBinary(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "passwd")
	writeUsers(t, file, 200_000, func(i int) string { return fmt.Sprintf("user%06d", i) })
	old, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	restore := func() {
		if err := os.WriteFile(file, old, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	add := func() *exec.Cmd { return exec.Command(bin, "-I", "1", "-b", file, "newuser", "new secret") }

	// How long one run takes, to spread the kills over all of it.
	var runs []time.Duration
	for range 3 {
		restore()
		start := time.Now()
		if out, err := add().CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		runs = append(runs, time.Since(start))
	}
	slices.Sort(runs)
	span := runs[1]
	t.Logf("one run takes %v", span)

	outcomes := map[string]int{}
	for i := range 60 {
		restore()
		cmd := add()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(span) + 1)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()

		got, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		switch {
		case bytes.Equal(got, old):
			outcomes["old"]++
		case bytes.HasPrefix(got, old) && bytes.Count(got[len(old):], []byte("\n")) == 1:
			checkPassword(t, file, "newuser", "new secret")
			outcomes["new"]++
		default:
			t.Fatalf("kill %d after %v: the file is neither the old one nor the old one plus the new user (%d bytes, old %d)", i, span, len(got), len(old))
		}
		if strays := entries(t, dir); len(strays) > 1 {
			outcomes["stray temp"]++
		}
	}
	t.Logf("outcomes over 60 kills: %v", outcomes)

	// The next run removes what a killed run left.
	if out, err := add().CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got := entries(t, dir); !slices.Equal(got, []string{"passwd"}) {
		t.Errorf("after the next run the directory holds %q, want only passwd", got)
	}
}

// TestConcurrentAddsLoseNothing runs 40 processes adding 40 different users
// to one file at once, 5 rounds: every user is there exactly once and
// verifies.
func TestConcurrentAddsLoseNothing(t *testing.T) {
	bin := registeredBinary(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "passwd")
	if out, err := exec.Command(bin, "-c", "-b", file, "first", "pw").CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var want []string
	for round := range 5 {
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for p := range 40 {
			user := fmt.Sprintf("r%d-p%02d", round, p)
			want = append(want, user)
			wg.Go(func() {
				out, err := exec.Command(bin, "-I", "1", "-b", file, user, "pw-"+user).CombinedOutput()
				if err != nil {
					errs <- fmt.Errorf("%s: %v: %s", user, err, out)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		user, _, _ := strings.Cut(line, ":")
		count[user]++
	}
	for _, user := range want {
		if count[user] != 1 {
			t.Errorf("%s is in the file %d times, want once", user, count[user])
			continue
		}
		checkPassword(t, file, user, "pw-"+user)
	}
	if len(count) != len(want)+1 {
		t.Errorf("the file has %d users, want %d", len(count), len(want)+1)
	}
	if got := entries(t, dir); !slices.Equal(got, []string{"passwd"}) {
		t.Errorf("the directory holds %q, want only passwd", got)
	}
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	sort.Strings(names)
	return names
}
