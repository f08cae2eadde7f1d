//go:build unix

// Package nobodytest runs a test's own binary as the account nobody, to meet
// the permission errors root never sees. Only tests import it, as root.
package nobodytest

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// UID is nobody's user and group id on Debian and in its Docker images.
const UID = 65534

// Setup returns a new directory that nobody can reach and, in it, bin, a
// copy of the running test binary that nobody can run. It opens
// t.TempDir's two 0700 levels to 0755, and only those; it skips the test
// when a directory above them keeps nobody out.
func Setup(t *testing.T) (dir, bin string) {
	t.Helper()
	dir = t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for d := filepath.Dir(filepath.Dir(dir)); d != filepath.Dir(d); d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm()&0o001 == 0 {
			t.Skipf("nobody cannot reach %s: %v", d, err)
		}
	}
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(dir, "helper")
	if err := os.WriteFile(bin, self, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, bin
}

// Drop has cmd run as nobody, user and group.
func Drop(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: UID, Gid: UID}}
}
