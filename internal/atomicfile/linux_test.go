//go:build linux

package atomicfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/nobodytest"
	"github.com/mqpasswd/mqpasswd/internal/owner"
)

// requireRoot skips a test that needs root, except in CI, where not being root is a failure.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("this test needs root, and CI must run it")
	}
	t.Skip("needs root (mount, chown, setuid)")
}

// withMount mounts and unmounts at the end of the test. A root without CAP_SYS_ADMIN (an
// unprivileged container) skips, except in CI.
func withMount(t *testing.T, source, target, fstype string, flags uintptr, data string) {
	t.Helper()
	requireRoot(t)
	if err := syscall.Mount(source, target, fstype, flags, data); err != nil {
		if errors.Is(err, syscall.EPERM) && os.Getenv("CI") != "true" {
			t.Skipf("mount %s: %v (no CAP_SYS_ADMIN?)", target, err)
		}
		t.Fatalf("mount %s on %s: %v", source, target, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(target, 0); err != nil {
			t.Errorf("umount %s: %v", target, err)
			syscall.Unmount(target, syscall.MNT_DETACH)
		}
	})
}

// withTmpfs mounts a tmpfs of the given size on a new directory and returns it.
func withTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	withMount(t, "tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0755")
	return dir
}

func withUmask(t *testing.T, mask int) {
	t.Helper()
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

func ownerOf(t *testing.T, path string) (uid, gid int) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	uid, gid, _ = owner.Of(fi)
	return uid, gid
}

func TestModeOwnerGroupKept(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	writeFile(t, path, []byte("a:b\n"))
	if err := os.Chown(path, 1883, 1883); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	ctx := context.Background()
	if err := editPath(ctx, path, appendLine("c:d")); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if os.SameFile(before, after) {
		t.Error("the file kept its inode: it was not replaced by a rename")
	}
	if err := createPath(ctx, path, func(w io.Writer) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if m := fileMode(t, path); m != 0o640 {
		t.Errorf("mode %v, want 0640", m)
	}
	if uid, gid := ownerOf(t, path); uid != 1883 || gid != 1883 {
		t.Errorf("owner %d:%d, want 1883:1883", uid, gid)
	}
	assertOnly(t, dir, "passwd")
}

func TestWithOwner(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	ctx := context.Background()
	if err := createPath(ctx, path, func(w io.Writer) error { return nil }, WithOwner(owner.User(1883, 1884))); err != nil {
		t.Fatal(err)
	}
	if uid, gid := ownerOf(t, path); uid != 1883 || gid != 1884 {
		t.Errorf("owner %d:%d, want 1883:1884", uid, gid)
	}
	if err := editPath(ctx, path, appendLine("a:b"), WithOwner(owner.Spec{GID: 0, HasGID: true})); err != nil {
		t.Fatal(err)
	}
	if uid, gid := ownerOf(t, path); uid != 1883 || gid != 0 {
		t.Errorf("owner %d:%d, want 1883:0", uid, gid)
	}
}

func TestNewFileMode(t *testing.T) {
	for _, tc := range []struct {
		umask int
		opts  []Option
		want  os.FileMode
	}{
		{0o000, nil, 0o600},
		{0o022, nil, 0o600},
		{0o077, nil, 0o600},
	} {
		t.Run(fmt.Sprintf("umask %03o", tc.umask), func(t *testing.T) {
			withUmask(t, tc.umask)
			dir := t.TempDir()
			path := filepath.Join(dir, "passwd")
			if err := createPath(context.Background(), path, func(w io.Writer) error { return nil }, tc.opts...); err != nil {
				t.Fatal(err)
			}
			if m := fileMode(t, path); m != tc.want {
				t.Errorf("mode %v, want %v", m, tc.want)
			}
		})
	}
}

// TestKilledAtEachStep kills a process that prepends a line to a file at each named step of a
// replacement and of an in-place rewrite, with SIGKILL from the fault hook, so that no deferred
// cleanup runs. Where the kill landed shows in what it left: the file old, new or torn, and which
// of our files beside it. The next run must then leave exactly the old or the new content plus its
// own line, and nothing beside the file.
func TestKilledAtEachStep(t *testing.T) {
	old := passwdLines(3000) // several copy buffers, so that "inplace" tears the file
	newContent := append([]byte("new:1\n"), old...)
	lock, rec := ".passwd"+lockSuffix, ".passwd"+rewriteSuffix
	for _, tc := range []struct {
		step    string
		inPlace bool
		file    string   // "old", "new" or "torn" right after the kill
		left    []string // our files beside it, "temp" for a temporary file
		after   []byte   // the content the next run must start from
	}{
		{"locked", false, "old", []string{lock}, old},
		{"write", false, "old", []string{lock, "temp"}, old},
		{"sealed", false, "old", []string{lock, "temp"}, old},
		{"renamed", false, "new", []string{lock}, newContent},
		{"staged", true, "old", []string{lock, rec}, newContent},
		{"inplace", true, "torn", []string{lock, rec}, newContent},
		{"copied", true, "new", []string{lock, rec}, newContent},
	} {
		t.Run(tc.step, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "passwd")
			writeFile(t, path, old)
			env := []string{killEnv + "=" + tc.step}
			if tc.inPlace {
				env = append(env, inPlaceEnv+"=1")
			}
			out, err := helper("prepend", path, "new:1", env...).CombinedOutput()
			ws, _ := exitStatus(err)
			if !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("the helper was not killed at %s: %v %s", tc.step, err, out)
			}
			switch got := readFile(t, path); {
			case bytes.Equal(got, old):
				checkLanded(t, tc.file, "old")
			case bytes.Equal(got, newContent):
				checkLanded(t, tc.file, "new")
			default:
				checkLanded(t, tc.file, "torn")
			}
			var left []string
			for _, e := range entriesOf(t, dir) {
				switch {
				case e == "passwd":
				case isTemp(e, "passwd"):
					left = append(left, "temp")
				default:
					left = append(left, e)
				}
			}
			slices.Sort(left)
			if !slices.Equal(left, slices.Sorted(slices.Values(tc.left))) {
				t.Errorf("left beside the file: %q, want %q", left, tc.left)
			}

			if out, err := helper("append", path, "next:2").CombinedOutput(); err != nil {
				t.Fatalf("the next run: %v %s", err, out)
			}
			assertContent(t, path, append(slices.Clone(tc.after), "next:2\n"...))
			assertOnly(t, dir, "passwd")
		})
	}
}

func checkLanded(t *testing.T, want, got string) {
	t.Helper()
	if got != want {
		t.Errorf("the file is %s after the kill, want %s", got, want)
	}
}

// exitStatus digs the wait status out of a helper's error.
func exitStatus(err error) (syscall.WaitStatus, bool) {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return 0, false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ws, ok
}

func TestFullDisk(t *testing.T) {
	dir := withTmpfs(t, "1m")
	path := filepath.Join(dir, "passwd")
	old := passwdLines(2500) // about 300 KiB
	writeFile(t, path, old)
	filler, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer filler.Close()
	full, err := io.Copy(filler, zeros{})
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("filling the disk: %v", err)
	}
	leaveFree := func(n int) {
		t.Helper()
		if err := filler.Truncate(full - int64(n)); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()

	// Room to start the temporary file, not to finish it.
	leaveFree(64 << 10)
	assertErrno(t, editPath(ctx, path, appendLine("new:1")), (*WriteError)(nil), syscall.ENOSPC)
	assertErrno(t, createPath(ctx, path, func(w io.Writer) error {
		_, err := w.Write(old)
		return err
	}), (*WriteError)(nil), syscall.ENOSPC)
	assertContent(t, path, old)
	assertOnly(t, dir, "filler", "passwd")

	// Room for the whole temporary file, but not for the file to grow in place beside it: the
	// in-place rewrite must find that out before it overwrites anything.
	big := strings.Repeat("y", 80<<10)
	leaveFree(len(old) + len(big) + 16<<10)
	err = editPath(ctx, path, prependLine(big), withRenameError(syscall.EBUSY))
	assertErrno(t, err, (*WriteError)(nil), syscall.ENOSPC)
	assertContent(t, path, old)
	assertOnly(t, dir, "filler", "passwd")
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestReadOnlyFileSystem(t *testing.T) {
	dir := withTmpfs(t, "1m")
	path := filepath.Join(dir, "passwd")
	writeFile(t, path, []byte("a:b\n"))
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount %s read-only: %v", dir, err)
	}
	ctx := context.Background()
	// Open asks for write access, as the original's fopen does, so an edit stops there.
	assertErrno(t, editPath(ctx, path, appendLine("c:d")), (*OpenError)(nil), syscall.EROFS)
	assertErrno(t, createPath(ctx, filepath.Join(dir, "new"), func(w io.Writer) error { return nil }), (*WriteError)(nil), syscall.EROFS)
	assertContent(t, path, []byte("a:b\n"))
	assertOnly(t, dir, "passwd")
}

// TestRealBindMount edits a file that is bind-mounted on another, as Docker's -v does.
func TestRealBindMount(t *testing.T) {
	base := t.TempDir()
	host := filepath.Join(base, "host")
	config := filepath.Join(base, "config")
	for _, d := range []string{host, config} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	src := filepath.Join(host, "passwd")
	path := filepath.Join(config, "passwd")
	old := passwdLines(3000)
	writeFile(t, src, old)
	if err := os.Chmod(src, 0o640); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, nil)
	withMount(t, src, path, "", syscall.MS_BIND, "")
	if err := os.Rename(src, path); !errors.Is(err, syscall.EBUSY) && !errors.Is(err, syscall.EXDEV) {
		t.Fatalf("rename over a bind mount: %v, want EBUSY or EXDEV", err)
	}

	ctx := context.Background()
	if err := editPath(ctx, path, prependLine("new:1")); err != nil {
		t.Fatal(err)
	}
	want := append([]byte("new:1\n"), old...)
	assertContent(t, path, want)
	assertContent(t, src, want)
	if err := createPath(ctx, path, func(w io.Writer) error {
		_, err := io.WriteString(w, "only:1\n")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	assertContent(t, src, []byte("only:1\n"))
	if m := fileMode(t, path); m != 0o640 {
		t.Errorf("mode %v, want 0640", m)
	}
	assertOnly(t, config, "passwd")
	assertOnly(t, host, "passwd")
}

// TestUnprivileged runs the helper as nobody to meet permission errors, which root never sees.
func TestUnprivileged(t *testing.T) {
	requireRoot(t)
	const nobody = nobodytest.UID
	base, bin := nobodytest.Setup(t)
	run := func(mode, path string) string {
		cmd := helper(mode, path, "nobody:1")
		cmd.Path, cmd.Args[0] = bin, bin
		if err := nobodytest.Drop(cmd, base); err != nil {
			t.Fatal(err)
		}
		out, _ := cmd.Output()
		return strings.TrimSpace(string(out))
	}
	mkdir := func(name string, perm os.FileMode) string {
		d := filepath.Join(base, name)
		if err := os.Mkdir(d, 0); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, perm); err != nil { // whatever the umask
			t.Fatal(err)
		}
		return d
	}
	file := func(dir string, perm os.FileMode, uid int) string {
		p := filepath.Join(dir, "passwd")
		writeFile(t, p, []byte("a:b\n"))
		if err := os.Chmod(p, perm); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(p, uid, uid); err != nil {
			t.Fatal(err)
		}
		return p
	}

	for _, tc := range []struct {
		name, mode, want string
		path             string
	}{
		// Root's 0600 file: cannot even be read.
		{"unreadable", "append", "open: permission denied", file(mkdir("a", 0o777), 0o600, 0)},
		{"check", "check", "open: permission denied", filepath.Join(base, "a", "passwd")},
		// nobody's file in root's directory: no temporary file can be made.
		{"directory not writable", "append", "write: permission denied", file(mkdir("b", 0o755), 0o644, nobody)},
		// root's file, writable by all, in a directory writable by all: nobody cannot give the new
		// file root as its owner, and we do not hand the file over to nobody.
		{"owner cannot be kept", "append", "write: operation not permitted", file(mkdir("c", 0o777), 0o666, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := run(tc.mode, tc.path); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			assertContent(t, tc.path, []byte("a:b\n"))
			assertOnly(t, filepath.Dir(tc.path), "passwd")
		})
	}
}

// TestCreateStream checks that Create writes to a FIFO (as to /dev/stdout)
// instead of replacing it with a regular file.
func TestCreateStream(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	got := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(path)
		got <- b
	}()
	f, err := Open(path, ForCreating)
	if err != nil || !f.IsStream() {
		t.Fatalf("Open(fifo, ForCreating) = %v, IsStream false", err)
	}
	err = f.Create(context.Background(), func(w io.Writer) error {
		_, err := io.WriteString(w, "a:b\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if b := <-got; string(b) != "a:b\n" {
		t.Errorf("the reader got %q", b)
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v, %v", fi, err)
	}
}
