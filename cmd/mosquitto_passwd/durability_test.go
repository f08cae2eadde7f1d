package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
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
