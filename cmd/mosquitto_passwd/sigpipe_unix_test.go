//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestClosedStdoutNoSignal runs the binary with stdout a pipe whose read end
// is closed, as "mosquitto_passwd ... | head -0" gives it: the Go runtime
// kills a process with SIGPIPE for such a write on fd 1 unless SIGPIPE is
// handled. An edit must write the file and exit 0; --list, whose output is
// its result, exits 1; none dies by a signal.
func TestClosedStdoutNoSignal(t *testing.T) {
	bin := registeredBinary(t)
	file := filepath.Join(t.TempDir(), "passwd")
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"-I", "1", "-c", "-b", file, "alice", "secret"}, 0},
		{[]string{"-I", "1", "-b", file, "bob", "secret"}, 0},
		{[]string{"--list", file}, 1},
	} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
		cmd := exec.Command(bin, tc.args...)
		cmd.Stdout = w
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err = cmd.Run()
		w.Close()
		if st := cmd.ProcessState; st == nil || !st.Exited() || st.ExitCode() != tc.code {
			t.Errorf("%q with a closed stdout: %v (%v), stderr %q; want exit %d", tc.args, st, err, stderr.String(), tc.code)
		}
	}
	checkPassword(t, file, "bob", "secret")
}
