// Package nobodytest lets root's tests meet what other accounts meet:
// directories every user can reach, and the test binary run as nobody.
// Only tests import it.
package nobodytest

import (
	"os"
	"path/filepath"
	"testing"
)

// UID is nobody's user and group id on Debian and in its Docker images.
const UID = 65534

// Dir returns a new temporary directory that every user may search down
// to: it opens t.TempDir's two 0700 levels to 0755, and only those.
func Dir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Setup returns a new directory that nobody can reach (Dir) and, in it,
// bin, a copy of the running test binary that nobody can run. It skips the
// test when a directory above Dir's keeps nobody out.
func Setup(t *testing.T) (dir, bin string) {
	t.Helper()
	dir = Dir(t)
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
