package atomicfile

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mqpasswd/mqpasswd/internal/owner"
)

// The attacks of issue 15, each by an unprivileged account that can write the directory of a
// file root edits: what it plants beside or on the way to the file must never redirect, block or
// feed root's edit.

// attackerUID is an ordinary account for the attacker: nobody, or one made for the test.
func attackerUID(t *testing.T) int {
	t.Helper()
	requireRoot(t)
	u, err := user.Lookup("nobody")
	if err != nil {
		const name = "mqpasswd-attacker"
		if out, err := exec.Command("useradd", "--system", "--no-create-home", name).CombinedOutput(); err != nil {
			t.Fatalf("useradd: %v %s", err, out)
		}
		t.Cleanup(func() { exec.Command("userdel", name).Run() })
		if u, err = user.Lookup(name); err != nil {
			t.Fatal(err)
		}
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		t.Fatal(err)
	}
	return uid
}

// attackScene is root's password file in a directory the attacker owns (as the Docker image
// chowns /mosquitto to the broker), and a root-only secret elsewhere.
type attackScene struct {
	attacker     int
	conf, path   string
	secretDir    string
	secret       string
	old, private []byte
}

func newAttackScene(t *testing.T) *attackScene {
	t.Helper()
	s := &attackScene{attacker: attackerUID(t), old: []byte("a:b\nc:d\n"), private: []byte("root:topsecret\n")}
	base := t.TempDir()
	s.conf = filepath.Join(base, "conf")
	s.secretDir = filepath.Join(base, "root-only")
	for _, d := range []string{s.conf, s.secretDir} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(s.conf, s.attacker, s.attacker); err != nil {
		t.Fatal(err)
	}
	s.path = filepath.Join(s.conf, "passwd")
	writeFile(t, s.path, s.old)
	s.secret = filepath.Join(s.secretDir, "secret")
	writeFile(t, s.secret, s.private)
	return s
}

// plant makes what the attacker makes: fn creates name, which then belongs to the attacker.
func (s *attackScene) plant(t *testing.T, name string, fn func(string) error) {
	t.Helper()
	if err := fn(name); err != nil {
		t.Fatal(err)
	}
	if err := os.Lchown(name, s.attacker, s.attacker); err != nil {
		t.Fatal(err)
	}
}

func (s *attackScene) assertUntouched(t *testing.T) {
	t.Helper()
	assertContent(t, s.path, s.old)
	assertContent(t, s.secret, s.private)
	assertOnly(t, s.secretDir, "secret")
}

// within fails the test when fn takes more than a few seconds: a FIFO or a lock held forever.
func within[T any](t *testing.T, fn func() (T, error)) (T, error) {
	t.Helper()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-time.After(5 * time.Second):
		t.Fatal("blocked")
		panic("unreachable")
	}
}

func withinErr(t *testing.T, fn func() error) error {
	t.Helper()
	_, err := within(t, func() (struct{}, error) { return struct{}{}, fn() })
	return err
}

func asPlanted(t *testing.T, err error) {
	t.Helper()
	if pe := (*PlantedFileError)(nil); !errors.As(err, &pe) {
		t.Fatalf("got %v (%T), want *PlantedFileError", err, err)
	}
}

// TestPlantedRecoveryFile plants the rewrite-recovery file: nothing of it may reach the target.
func TestPlantedRecoveryFile(t *testing.T) {
	valid := WithValidate(func(r io.Reader) error {
		b, err := io.ReadAll(r)
		if err == nil && !strings.HasSuffix(string(b), "\n") {
			err = errors.New("no final newline")
		}
		return err
	})
	for _, tc := range []struct {
		name  string
		plant func(s *attackScene, rec string) error
	}{
		{"symlink to a root-only file", func(s *attackScene, rec string) error { return os.Symlink(s.secret, rec) }},
		{"empty file", func(_ *attackScene, rec string) error { return os.WriteFile(rec, nil, 0o600) }},
		{"FIFO", func(_ *attackScene, rec string) error { return syscall.Mkfifo(rec, 0o600) }},
		{"directory", func(_ *attackScene, rec string) error { return os.Mkdir(rec, 0o700) }},
		{"link to /dev/zero", func(_ *attackScene, rec string) error { return os.Symlink("/dev/zero", rec) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newAttackScene(t)
			rec := filepath.Join(s.conf, ".passwd"+rewriteSuffix)
			s.plant(t, rec, func(name string) error { return tc.plant(s, name) })
			asPlanted(t, withinErr(t, func() error { return editPath(context.Background(), s.path, appendLine("new:1"), valid) }))
			s.assertUntouched(t)
			if _, err := os.Lstat(rec); err != nil {
				t.Errorf("the planted file was not left alone: %v", err)
			}
		})
	}

	// Root's own files that are not what a rewrite leaves: a hard link to a root-only file
	// (protected_hardlinks off), and content the validator rejects.
	for _, tc := range []struct {
		name  string
		plant func(s *attackScene, rec string) error
	}{
		{"hard link", func(s *attackScene, rec string) error { return os.Link(s.secret, rec) }},
		{"invalid content", func(_ *attackScene, rec string) error { return os.WriteFile(rec, []byte("torn"), 0o600) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newAttackScene(t)
			rec := filepath.Join(s.conf, ".passwd"+rewriteSuffix)
			if err := tc.plant(s, rec); err != nil {
				t.Fatal(err)
			}
			asPlanted(t, editPath(context.Background(), s.path, appendLine("new:1"), valid))
			s.assertUntouched(t)
		})
	}
}

// TestPlantedLink plants links to a root-only file where root's edit looks for the password file.
func TestPlantedLink(t *testing.T) {
	ctx := context.Background()
	asUnsafe := func(t *testing.T, err error) {
		t.Helper()
		if ule := (*UnsafeLinkError)(nil); !errors.As(err, &ule) {
			t.Fatalf("got %v (%T), want *UnsafeLinkError", err, err)
		}
	}

	t.Run("link to a root-only file", func(t *testing.T) {
		s := newAttackScene(t)
		link := filepath.Join(s.conf, "evil")
		s.plant(t, link, func(name string) error { return os.Symlink(s.secret, name) })
		for _, p := range []Purpose{ForReading, ForEditing, ForCreating} {
			_, err := Open(link, p)
			asUnsafe(t, err)
		}
		asUnsafe(t, editPath(ctx, link, appendLine("new:1")))
		asUnsafe(t, createPath(ctx, link, func(w io.Writer) error { return nil }))
		s.assertUntouched(t)

		// The explicit option follows it, and owner and mode are set on the file, not the link.
		f, err := Open(link, ForEditing, WithFollowUnsafeLinks())
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Edit(ctx, appendLine("new:1")); err != nil {
			t.Fatal(err)
		}
		assertContent(t, s.secret, append(s.private, "new:1\n"...))
		if uid, _, _ := owner.Of(lstat(t, link)); uid != s.attacker {
			t.Errorf("the link's owner changed to %d", uid)
		}
	})

	t.Run("dangling link with an owner", func(t *testing.T) {
		s := newAttackScene(t)
		link := filepath.Join(s.conf, "new")
		s.plant(t, link, func(name string) error { return os.Symlink(filepath.Join(s.secretDir, "created"), name) })
		f, err := Open(link, ForCreating, WithOwner(owner.User(s.attacker, s.attacker)))
		asUnsafe(t, err)
		if f != nil {
			t.Fatal("Open returned a File with its error")
		}
		asUnsafe(t, createPath(ctx, link, func(w io.Writer) error { return nil }, WithOwner(owner.User(s.attacker, s.attacker))))
		s.assertUntouched(t)
	})

	t.Run("directory on the way", func(t *testing.T) {
		// Another user's link in root's directory is followed only when no directory above
		// lets a third user swap that directory.
		s := newAttackScene(t)
		for _, tc := range []struct {
			parent string
			unsafe bool
		}{{s.conf, true}, {s.secretDir, false}} {
			sub := filepath.Join(tc.parent, "sub")
			if err := os.Mkdir(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			real := filepath.Join(sub, "real")
			writeFile(t, real, s.old)
			link := filepath.Join(sub, "passwd")
			if err := os.Symlink("real", link); err != nil {
				t.Fatal(err)
			}
			if err := os.Lchown(link, 102, 102); err != nil {
				t.Fatal(err)
			}
			_, err := Open(link, ForEditing)
			if tc.unsafe {
				asUnsafe(t, err)
			} else if err != nil {
				t.Errorf("a link in root's directories: %v", err)
			}
		}
	})

	t.Run("the running user's own link", func(t *testing.T) {
		s := newAttackScene(t)
		link := filepath.Join(s.conf, "mine")
		if err := os.Symlink("passwd", link); err != nil {
			t.Fatal(err)
		}
		if err := editPath(ctx, link, appendLine("new:1")); err != nil {
			t.Fatal(err)
		}
		assertContent(t, s.path, append(s.old, "new:1\n"...))
	})
}

func lstat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// TestNonRegularRefused gives Open and Edit a FIFO, a directory and a device: they refuse before
// anything blocks. A FIFO for ForCreating is a stream, as /dev/stdout is.
func TestNonRegularRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		path string
		want error
	}{{fifo, errNotRegular}, {"/dev/zero", errNotRegular}, {dir, syscall.EISDIR}} {
		for _, p := range []Purpose{ForReading, ForEditing} {
			_, err := within(t, func() (*File, error) { return Open(tc.path, p) })
			if !errors.Is(err, tc.want) {
				t.Errorf("Open(%s, %d): %v, want %v", tc.path, p, err, tc.want)
			}
		}
		if err := withinErr(t, func() error { return editPath(ctx, tc.path, appendLine("a:b")) }); !errors.Is(err, tc.want) {
			t.Errorf("editPath(%s): %v, want %v", tc.path, err, tc.want)
		}
	}
	if f, err := Open(fifo, ForCreating); err != nil || !f.IsStream() {
		t.Errorf("Open(fifo, ForCreating) = %v, %v; want a stream", f, err)
	}

	// Swapped for a FIFO between Open and Read.
	path := filepath.Join(dir, "passwd")
	writeFile(t, path, []byte("a:b\n"))
	f, err := Open(path, ForReading)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(fifo, path); err != nil {
		t.Fatal(err)
	}
	_, err = within(t, func() (Snapshot, error) { return f.Read(ctx, func(io.Reader) error { return nil }) })
	if !errors.Is(err, errNotRegular) {
		t.Errorf("Read of a FIFO: %v, want %v", err, errNotRegular)
	}
}

// TestReaderCannotBlockWriters holds flock on the file and on its directory through read-only
// descriptors, as any account that may read them can: edits go on. The lock file they do use
// is open only to the file's writers.
func TestReaderCannotBlockWriters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	writeFile(t, path, []byte("a:b\n"))
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	// As root: the broker's file, readable by the group of the reader, nobody.
	uid, gid, reader := os.Geteuid(), os.Getegid(), -1
	if uid == 0 {
		uid, reader = 1883, attackerUID(t)
		gid = reader
		if err := os.Chown(path, uid, gid); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	asReader := func(name string) error {
		cmd := exec.Command("cat", name)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(reader), Gid: uint32(reader)}}
		return cmd.Run()
	}
	for _, name := range []string{path, dir} {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	err := editPath(ctx, path, func(r io.Reader, w io.Writer) error {
		lock := filepath.Join(dir, ".passwd"+lockSuffix)
		fi := lstat(t, lock)
		if m := fi.Mode(); m != 0o600 {
			t.Errorf("lock file mode %v, want -rw------- (the group may only read the file)", m)
		}
		if luid, lgid, _ := owner.Of(fi); luid != uid || lgid != gid {
			t.Errorf("lock file owner %d:%d, want the file's %d:%d", luid, lgid, uid, gid)
		}
		if reader >= 0 {
			if err := asReader(path); err != nil {
				t.Errorf("the reader cannot read the file: %v", err)
			}
			if err := asReader(lock); err == nil {
				t.Error("the reader can open the lock file")
			}
		}
		return appendLine("new:1")(r, w)
	}, WithLockTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	err = createPath(ctx, filepath.Join(dir, "other"), func(io.Writer) error { return nil }, WithLockTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	assertContent(t, path, []byte("a:b\nnew:1\n"))
	assertOnly(t, dir, "other", "passwd")
}

// TestPlantedLockFile plants what the lock file's name could hold: none of it is followed, opened
// in a blocking way, or used.
func TestPlantedLockFile(t *testing.T) {
	for _, tc := range []struct {
		name  string
		plant func(s *attackScene, lock string) error
	}{
		{"symlink to a root-only file", func(s *attackScene, lock string) error { return os.Symlink(s.secret, lock) }},
		{"FIFO", func(_ *attackScene, lock string) error { return syscall.Mkfifo(lock, 0o600) }},
		{"the attacker's file", func(_ *attackScene, lock string) error { return os.WriteFile(lock, nil, 0o600) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newAttackScene(t)
			lock := filepath.Join(s.conf, ".passwd"+lockSuffix)
			s.plant(t, lock, func(name string) error { return tc.plant(s, name) })
			asPlanted(t, withinErr(t, func() error { return editPath(context.Background(), s.path, appendLine("new:1")) }))
			s.assertUntouched(t)
		})
	}
	t.Run("open to readers", func(t *testing.T) {
		s := newAttackScene(t)
		lock := filepath.Join(s.conf, ".passwd"+lockSuffix)
		if err := os.WriteFile(lock, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		asPlanted(t, editPath(context.Background(), s.path, appendLine("new:1")))
		s.assertUntouched(t)
	})
}

// TestBindMountedElsewhere bind-mounts a file on another path, as docker run -v does, and edits it
// through its own path: the edit must reach the other path too, so the inode must stay.
func TestBindMountedElsewhere(t *testing.T) {
	base := t.TempDir()
	src := filepath.Join(base, "passwd")
	other := filepath.Join(base, "container-passwd")
	writeFile(t, src, []byte("alice:1\nbob:2\n"))
	writeFile(t, other, nil)
	withMount(t, src, other, "", syscall.MS_BIND, "")
	before := lstat(t, src)
	ctx := context.Background()
	if err := editPath(ctx, src, func(r io.Reader, w io.Writer) error {
		_, err := io.WriteString(w, "alice:1\n") // bob deleted on the host
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, lstat(t, src)) {
		t.Error("the file got a new inode: the other mount still shows the old one")
	}
	assertContent(t, other, []byte("alice:1\n"))
	assertOnly(t, base, "container-passwd", "passwd")
}

// TestWithInPlace forces the in-place rewrite on a file detection cannot see as bind-mounted.
func TestWithInPlace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	writeFile(t, path, []byte("a:b\n"))
	before := lstat(t, path)
	f, err := Open(path, ForEditing, WithInPlace())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Edit(context.Background(), appendLine("c:d")); err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, lstat(t, path)) {
		t.Error("WithInPlace replaced the inode")
	}
	assertContent(t, path, []byte("a:b\nc:d\n"))
	assertOnly(t, dir, "passwd")
}

// TestNotDurable fails the directory fsync after the rename: the change is made, and the error
// says so rather than that nothing could be written.
func TestNotDurable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	writeFile(t, path, []byte("a:b\n"))
	err := editPath(context.Background(), path, appendLine("c:d"), func(c *config) {
		c.syncDir = func(string) error { return syscall.EIO }
	})
	var nd *NotDurableError
	if !errors.As(err, &nd) || nd.Err != syscall.EIO || nd.Path != path {
		t.Fatalf("got %v (%T), want *NotDurableError for %s with EIO", err, err, path)
	}
	if we := (*WriteError)(nil); errors.As(err, &we) {
		t.Error("a NotDurableError is also a WriteError")
	}
	assertContent(t, path, []byte("a:b\nc:d\n"))
	assertOnly(t, dir, "passwd")
}

// getfacl prints the ACL of path, with the file name left out.
func getfacl(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("getfacl", "--omit-header", "--absolute-names", path).CombinedOutput()
	if err != nil {
		t.Fatalf("getfacl: %v %s", err, out)
	}
	return string(out)
}

func setfacl(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("setfacl", args...).CombinedOutput(); err != nil {
		t.Fatalf("setfacl %q: %v %s", args, err, out)
	}
}

// TestACLAndXattrsKept edits files with a POSIX ACL, a user attribute, and none in a directory
// with a default ACL: the new file grants exactly what the old one did.
func TestACLAndXattrsKept(t *testing.T) {
	if _, err := exec.LookPath("setfacl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("setfacl is missing")
		}
		t.Skip("needs setfacl and getfacl")
	}
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	writeFile(t, path, []byte("a:b\n"))
	// The group has no access, a named user may read: the mode shows the mask, r--, as group bits.
	setfacl(t, "-m", "u:nobody:r,g::-,m::r,o::-", path)
	if err := unix.Setxattr(path, "user.origin", []byte("host"), 0); err != nil {
		t.Fatal(err)
	}
	want := getfacl(t, path)
	if err := editPath(ctx, path, appendLine("c:d")); err != nil {
		t.Fatal(err)
	}
	if got := getfacl(t, path); got != want {
		t.Errorf("ACL after the edit:\n%s\nwant:\n%s", got, want)
	}
	val := make([]byte, 16)
	if n, err := unix.Getxattr(path, "user.origin", val); err != nil || string(val[:n]) != "host" {
		t.Errorf("user.origin = %q, %v; want host", val[:max(n, 0)], err)
	}

	// A file without an ACL in a directory that has a default one: the new file must not take
	// the default ACL with it.
	plain := filepath.Join(dir, "plain")
	writeFile(t, plain, []byte("a:b\n"))
	if err := os.Chmod(plain, 0o640); err != nil {
		t.Fatal(err)
	}
	setfacl(t, "-d", "-m", "u:nobody:rw", dir)
	want = getfacl(t, plain)
	if err := editPath(ctx, plain, appendLine("c:d")); err != nil {
		t.Fatal(err)
	}
	if got := getfacl(t, plain); got != want {
		t.Errorf("ACL after the edit:\n%s\nwant:\n%s", got, want)
	}

	// An attribute that cannot be set refuses the edit.
	err := editPath(ctx, path, appendLine("e:f"), withFault("xattr", syscall.EPERM))
	if ae := (*AttrError)(nil); !errors.As(err, &ae) || !errors.Is(err, syscall.EPERM) {
		t.Fatalf("got %v (%T), want *AttrError with EPERM", err, err)
	}
	assertContent(t, path, []byte("a:b\nc:d\n"))
}

// TestLongBaseName edits files whose base names leave no room for our suffixes as they are.
func TestLongBaseName(t *testing.T) {
	for _, base := range []string{strings.Repeat("p", 240), strings.Repeat("é", 127)} {
		dir := t.TempDir()
		path := filepath.Join(dir, base)
		writeFile(t, path, []byte("a:b\n"))
		tmp, err := createTemp(path)
		if err != nil {
			t.Fatalf("%d-byte name: %v", len(base), err)
		}
		tmp.close() // left behind, as by a killed run
		name := filepath.Base(tmp.name)
		if !isTemp(name, base) || isTemp(name, base[:len(base)-2]) {
			t.Errorf("isTemp does not tell %q as %d-byte base's own", name, len(base))
		}
		for _, n := range []string{name, filepath.Base(lockName(path)), filepath.Base(rewriteName(path))} {
			if len(n) > nameMax {
				t.Errorf("%d-byte name %q", len(n), n)
			}
		}
		if err := editPath(context.Background(), path, appendLine("c:d"), WithInPlace()); err != nil {
			t.Fatal(err)
		}
		if err := editPath(context.Background(), path, appendLine("e:f")); err != nil {
			t.Fatal(err)
		}
		assertContent(t, path, []byte("a:b\nc:d\ne:f\n"))
		assertOnly(t, dir, base)
	}
}

// TestBindMountedInAnotherNamespace makes the bind mount in a mount namespace of its own, as a
// container's is, and edits the file from this one: the container must see the edit.
func TestBindMountedInAnotherNamespace(t *testing.T) {
	requireRoot(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("needs unshare and nsenter")
	}
	base := t.TempDir()
	src := filepath.Join(base, "passwd")
	other := filepath.Join(base, "container-passwd")
	writeFile(t, src, []byte("alice:1\nbob:2\n"))
	writeFile(t, other, nil)
	ns := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c",
		`mount --bind "$1" "$2" && echo ready && exec sleep 60`, "sh", src, other)
	stdout, err := ns.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := ns.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ns.Process.Kill()
		ns.Wait()
	})
	if line, _ := io.ReadAll(io.LimitReader(stdout, 6)); string(line) != "ready\n" {
		if os.Getenv("CI") != "true" {
			t.Skipf("the kernel refused a mount namespace with a bind mount (%q)", line)
		}
		t.Fatalf("unshare: %q", line)
	}
	if err := editPath(context.Background(), src, func(r io.Reader, w io.Writer) error {
		_, err := io.WriteString(w, "alice:1\n")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(ns.Process.Pid)
	out, err := exec.Command("nsenter", "-t", pid, "-m", "cat", other).CombinedOutput()
	if err != nil || string(out) != "alice:1\n" {
		t.Errorf("the other namespace sees %q (%v), want the edit", out, err)
	}
	assertOnly(t, base, "container-passwd", "passwd")
}
