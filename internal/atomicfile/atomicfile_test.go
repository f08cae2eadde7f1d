package atomicfile

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as a small program that appends a line to a file through Edit, so that
// tests can run, race and kill real processes. The environment says what it should do.
const (
	helperEnv = "ATOMICFILE_TEST_HELPER" // "append", "prepend" or "check"
	pathEnv   = "ATOMICFILE_TEST_PATH"
	lineEnv   = "ATOMICFILE_TEST_LINE"
	killEnv   = "ATOMICFILE_TEST_KILL" // a step name: the helper SIGKILLs itself there
	// inPlaceEnv, when set, makes the helper rewrite in place (WithInPlace).
	inPlaceEnv = "ATOMICFILE_TEST_INPLACE"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	os.Exit(m.Run())
}

func runHelper(mode string) int {
	path := os.Getenv(pathEnv)
	var err error
	switch mode {
	case "append", "prepend":
		var opts []Option
		if os.Getenv(inPlaceEnv) != "" {
			opts = append(opts, WithInPlace())
		}
		if step := os.Getenv(killEnv); step != "" {
			opts = append(opts, func(c *config) {
				c.fault = func(s string) error {
					if s == step {
						self, _ := os.FindProcess(os.Getpid())
						self.Kill() // SIGKILL: no deferred cleanup runs
						select {}   // the signal is on its way
					}
					return nil
				}
			})
		}
		edit := appendLine(os.Getenv(lineEnv))
		if mode == "prepend" {
			edit = prependLine(os.Getenv(lineEnv))
		}
		err = editPath(context.Background(), path, edit, opts...)
	case "check":
		err = check(path)
	default:
		err = fmt.Errorf("unknown helper mode %q", mode)
	}
	if err != nil {
		fmt.Println(describe(err))
		return 1
	}
	return 0
}

// describe sums an error up as "open: <cause>" or "write: <cause>", for helper output.
func describe(err error) string {
	var oe *OpenError
	var we *WriteError
	switch {
	case errors.As(err, &oe):
		return "open: " + oe.Err.Error()
	case errors.As(err, &we):
		return "write: " + we.Err.Error()
	}
	return "other: " + err.Error()
}

// helper returns a command running the test binary as the helper program.
func helper(mode, path, line string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, pathEnv+"="+path, lineEnv+"="+line)
	// A binary built with -race sleeps a second before it exits; that would hide the run's real
	// length from the tests that kill it at chosen moments.
	cmd.Env = append(cmd.Env, "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// appendLine is an edit that copies the file and adds line at its end.
func appendLine(line string) func(r io.Reader, w io.Writer) error {
	return func(r io.Reader, w io.Writer) error {
		if _, err := io.Copy(w, r); err != nil {
			return err
		}
		_, err := io.WriteString(w, line+"\n")
		return err
	}
}

// prependLine is an edit that puts line before the file's content, so that a rewrite stopped half
// way leaves neither the old nor the new content.
func prependLine(line string) func(r io.Reader, w io.Writer) error {
	return func(r io.Reader, w io.Writer) error {
		if _, err := io.WriteString(w, line+"\n"); err != nil {
			return err
		}
		_, err := io.Copy(w, r)
		return err
	}
}

// withRenameError makes the rename over the target fail with errno, as over a bind-mounted file.
func withRenameError(errno syscall.Errno) Option {
	return func(c *config) {
		c.rename = func(oldpath, newpath string) error {
			return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: errno}
		}
	}
}

// withFault fails the named step with err.
func withFault(step string, err error) Option {
	return func(c *config) {
		c.fault = func(s string) error {
			if s == step {
				return err
			}
			return nil
		}
	}
}

// passwdLines returns n lines shaped like sha512-pbkdf2 entries of the real tool.
func passwdLines(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	salt, hash := make([]byte, 12), make([]byte, 64)
	var b bytes.Buffer
	b.Grow(n * 120)
	for i := range n {
		for j := range salt {
			salt[j] = byte(rng.Uint32())
		}
		for j := range hash {
			hash[j] = byte(rng.Uint32())
		}
		fmt.Fprintf(&b, "user%06d:$7$1000$%s$%s\n", i, base64.StdEncoding.EncodeToString(salt),
			base64.StdEncoding.EncodeToString(hash))
	}
	return b.Bytes()
}

func writeFile(t *testing.T, path string, content []byte) {
	t.Helper()
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// assertOnly fails unless dir holds exactly the given names: no temporary, rewrite or lock file.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	got := entriesOf(t, dir)
	slices.Sort(names)
	if !slices.Equal(got, names) {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

// entriesOf lists dir, sorted.
func entriesOf(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func assertContent(t *testing.T, path string, want []byte) {
	t.Helper()
	if got := readFile(t, path); !bytes.Equal(got, want) {
		t.Errorf("%s: got %d bytes %.60q, want %d bytes %.60q", path, len(got), got, len(want), want)
	}
}

func assertErrno(t *testing.T, err error, wantType any, errno syscall.Errno) {
	t.Helper()
	switch wantType.(type) {
	case *OpenError:
		var oe *OpenError
		if !errors.As(err, &oe) {
			t.Fatalf("got %v (%T), want *OpenError", err, err)
		}
		if oe.Err != errno {
			t.Errorf("OpenError.Err = %#v (%v), want %v", oe.Err, oe.Err, errno)
		}
	case *WriteError:
		var we *WriteError
		if !errors.As(err, &we) {
			t.Fatalf("got %v (%T), want *WriteError", err, err)
		}
		if we.Err != errno {
			t.Errorf("WriteError.Err = %#v (%v), want %v", we.Err, we.Err, errno)
		}
	case *ResolveError:
		var re *ResolveError
		if !errors.As(err, &re) {
			t.Fatalf("got %v (%T), want *ResolveError", err, err)
		}
	default:
		t.Fatalf("assertErrno cannot check for %T", wantType)
	}
	if !errors.Is(err, errno) {
		t.Errorf("errors.Is(%v, %v) = false", err, errno)
	}
}

func TestEditAppends(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	old := passwdLines(3)
	writeFile(t, path, old)
	if err := editPath(context.Background(), path, appendLine("new:line")); err != nil {
		t.Fatal(err)
	}
	assertContent(t, path, append(old, "new:line\n"...))
	assertOnly(t, dir, "passwd")
}

func TestEditFnErrorWritesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	old := passwdLines(3)
	writeFile(t, path, old)
	errUser := errors.New("user not found")
	err := editPath(context.Background(), path, func(r io.Reader, w io.Writer) error {
		io.Copy(w, r)
		return fmt.Errorf("deleting: %w", errUser)
	})
	if !errors.Is(err, errUser) {
		t.Fatalf("got %v, want %v", err, errUser)
	}
	assertContent(t, path, old)
	assertOnly(t, dir, "passwd")
}

func TestCreate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	for _, content := range []string{"first:x\n", "second:y\n"} { // new, then replaced
		err := createPath(context.Background(), path, func(w io.Writer) error {
			_, err := io.WriteString(w, content)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		assertContent(t, path, []byte(content))
		assertOnly(t, dir, "passwd")
	}
}

func TestMissingFileAndDirectory(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for _, path := range []string{filepath.Join(dir, "passwd"), filepath.Join(dir, "nodir", "passwd")} {
		err := editPath(ctx, path, appendLine("a:b"))
		assertErrno(t, err, (*OpenError)(nil), syscall.ENOENT)
		if oe := (*OpenError)(nil); errors.As(err, &oe) && oe.Path != path {
			t.Errorf("OpenError.Path = %q, want %q as given", oe.Path, path)
		}
		assertErrno(t, check(path), (*OpenError)(nil), syscall.ENOENT)
	}
	path := filepath.Join(dir, "nodir", "passwd")
	err := createPath(ctx, path, func(w io.Writer) error { return nil })
	assertErrno(t, err, (*WriteError)(nil), syscall.ENOENT)
	if we := (*WriteError)(nil); errors.As(err, &we) && we.Path != path {
		t.Errorf("WriteError.Path = %q, want %q as given", we.Path, path)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
	assertOnly(t, dir)
}

func TestDirectoryGivenAsFile(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	assertErrno(t, editPath(ctx, dir, appendLine("a:b")), (*OpenError)(nil), syscall.EISDIR)
	assertErrno(t, createPath(ctx, dir, func(w io.Writer) error { return nil }), (*WriteError)(nil), syscall.EISDIR)
	assertErrno(t, check(dir), (*OpenError)(nil), syscall.EISDIR)
	assertOnly(t, dir)
}

func TestResolve(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(dir, "passwd")
	writeFile(t, real, nil)
	if err := os.Symlink("passwd", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("missing", filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, tc := range []struct{ in, want string }{
		{"passwd", real},
		{"link", real},
		{"./sub/../link", "./sub/../link"}, // sub does not exist: realpath fails with ENOENT too
		{"missing", "missing"},
		{"dangling", "dangling"},
		{"", ""}, // realpath("") fails with ENOENT
	} {
		got, err := resolve(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("resolve(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := resolve("passwd/x"); !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("resolve(passwd/x) error = %v, want ENOTDIR", err)
	}
	assertErrno(t, check("passwd/x"), (*ResolveError)(nil), syscall.ENOTDIR)
	for _, l := range [][2]string{{"loop1", "loop2"}, {"loop2", "loop1"}} {
		if err := os.Symlink(l[1], filepath.Join(dir, l[0])); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := resolve("loop1"); !errors.Is(err, syscall.ELOOP) {
		t.Errorf("resolve(loop1) error = %v, want ELOOP as realpath gives", err)
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	writeFile(t, path, []byte("a:b\n"))
	if err := check(path); err != nil {
		t.Fatal(err)
	}
	assertContent(t, path, []byte("a:b\n"))
}

func TestSymlinkStaysALink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	link := filepath.Join(dir, "link")
	writeFile(t, real, []byte("a:b\n"))
	if err := os.Symlink("real", link); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := editPath(ctx, link, appendLine("c:d")); err != nil {
		t.Fatal(err)
	}
	if err := createPath(ctx, link, func(w io.Writer) error {
		_, err := io.WriteString(w, "e:f\n")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	assertIsLink(t, link, "real")
	assertContent(t, real, []byte("e:f\n"))
	assertOnly(t, dir, "link", "real")

	// A dangling link is followed on create, like fopen(path, "w") does.
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink("created", dangling); err != nil {
		t.Fatal(err)
	}
	if err := createPath(ctx, dangling, func(w io.Writer) error {
		_, err := io.WriteString(w, "g:h\n")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	assertIsLink(t, dangling, "created")
	assertContent(t, filepath.Join(dir, "created"), []byte("g:h\n"))
	assertOnly(t, dir, "created", "dangling", "link", "real")
}

func assertIsLink(t *testing.T, link, want string) {
	t.Helper()
	got, err := os.Readlink(link)
	if err != nil || got != want {
		t.Errorf("Readlink(%s) = %q, %v; want %q", link, got, err, want)
	}
}

// holdLock runs an Edit of path that appends line once release is closed; it returns when the
// Edit holds the lock, and the Edit's error arrives on the returned channel.
func holdLock(t *testing.T, path, line string, release <-chan struct{}) <-chan error {
	t.Helper()
	locked := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- editPath(context.Background(), path, func(r io.Reader, w io.Writer) error {
			close(locked)
			<-release
			return appendLine(line)(r, w)
		})
	}()
	select {
	case <-locked:
	case err := <-done:
		t.Fatalf("holding Edit failed: %v", err)
	}
	return done
}

func TestLockTimeoutWithNotice(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	writeFile(t, path, []byte("a:b\n"))
	release := make(chan struct{})
	held := holdLock(t, path, "held:1", release)

	var notices atomic.Int32
	start := time.Now()
	err := editPath(context.Background(), path, appendLine("waiter:1"),
		WithLockTimeout(300*time.Millisecond),
		WithWaitNotice(50*time.Millisecond, func() { notices.Add(1) }))
	waited := time.Since(start)
	if !errors.Is(err, ErrLockTimeout) {
		t.Fatalf("got %v, want ErrLockTimeout", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
	if n := notices.Load(); n != 1 {
		t.Errorf("notice called %d times, want once", n)
	}
	// Loose bounds: they only tell the option from the default.
	if waited < 300*time.Millisecond || waited > DefaultLockTimeout/2 {
		t.Errorf("gave up after %v, want the 300ms of the option", waited)
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	assertContent(t, path, []byte("a:b\nheld:1\n"))
	assertOnly(t, dir, "passwd")
}

// TestWaiterFollowsReplacedFile checks the lock re-check: the waiter blocks on the inode that the
// holder then renames over, and must edit the new file, not lose the holder's line.
func TestWaiterFollowsReplacedFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	writeFile(t, path, []byte("a:b\n"))
	release := make(chan struct{})
	held := holdLock(t, path, "first:1", release)

	waiting := make(chan struct{})
	second := make(chan error, 1)
	go func() {
		second <- editPath(context.Background(), path, appendLine("second:2"),
			WithWaitNotice(0, func() { close(waiting) }))
	}()
	select {
	case <-waiting:
	case err := <-second:
		t.Fatalf("the second Edit did not wait for the first: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the second Edit never reported waiting")
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	assertContent(t, path, []byte("a:b\nfirst:1\nsecond:2\n"))
	assertOnly(t, dir, "passwd")
}

func TestContextCancel(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	old := passwdLines(1000)
	writeFile(t, path, old)

	t.Run("while writing", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var readErr, writeErr error
		err := editPath(ctx, path, func(r io.Reader, w io.Writer) error {
			if _, err := io.CopyN(w, r, 100); err != nil {
				return err
			}
			cancel() // what the CLI does on SIGINT
			_, readErr = r.Read(make([]byte, 10))
			_, writeErr = w.Write([]byte("x"))
			return writeErr
		})
		if !errors.Is(readErr, context.Canceled) || !errors.Is(writeErr, context.Canceled) {
			t.Errorf("after cancel: Read returned %v, Write %v; want context.Canceled", readErr, writeErr)
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Edit returned %v, want context.Canceled", err)
		}
		assertContent(t, path, old)
		assertOnly(t, dir, "passwd")
	})

	t.Run("fn ignores it", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		err := editPath(ctx, path, func(r io.Reader, w io.Writer) error {
			cancel()
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Edit returned %v, want context.Canceled", err)
		}
		assertContent(t, path, old)
		assertOnly(t, dir, "passwd")
	})

	t.Run("during fsync", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		err := editPath(ctx, path, appendLine("x:y"), func(c *config) {
			c.sync = func(f *os.File) error {
				cancel()
				return f.Sync()
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Edit returned %v, want context.Canceled", err)
		}
		assertContent(t, path, old)
		assertOnly(t, dir, "passwd")
	})

	t.Run("while waiting for the lock", func(t *testing.T) {
		release := make(chan struct{})
		held := holdLock(t, path, "held:1", release)
		ctx, cancel := context.WithCancel(context.Background())
		err := editPath(ctx, path, appendLine("waiter:1"), WithWaitNotice(10*time.Millisecond, cancel))
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), path) {
			t.Errorf("Edit returned %v, want context.Canceled naming %s", err, path)
		}
		close(release)
		if err := <-held; err != nil {
			t.Fatal(err)
		}
		assertContent(t, path, append(old, "held:1\n"...))
		assertOnly(t, dir, "passwd")
	})
}

// TestIOErrors injects EIO where the disk would report it and checks that the error is a
// *WriteError carrying EIO even when fn loses it, and that the file is untouched.
func TestIOErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	old := passwdLines(2000)
	writeFile(t, path, old)
	failSync := func(c *config) { c.sync = func(*os.File) error { return syscall.EIO } }
	for name, opt := range map[string]Option{"write": withFault("write", syscall.EIO), "sync": failSync} {
		t.Run(name, func(t *testing.T) {
			err := editPath(context.Background(), path, func(r io.Reader, w io.Writer) error {
				if err := appendLine("x:y")(r, w); err != nil {
					return fmt.Errorf("copying: %v", err) // %v: the type is lost here
				}
				return nil
			}, opt)
			assertErrno(t, err, (*WriteError)(nil), syscall.EIO)
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name %s", err, path)
			}
			assertContent(t, path, old)
			assertOnly(t, dir, "passwd")
		})
	}
}

// TestDurabilityOrder watches the operations that make a replacement durable: the new content is
// fsynced before it replaces the old, and the directory after.
func TestDurabilityOrder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	writeFile(t, path, []byte("a:b\n"))
	var ops []string
	spy := func(renameErr error) Option {
		return func(c *config) {
			c.sync = func(f *os.File) error {
				name := filepath.Base(f.Name())
				if isTemp(name, "passwd") {
					name = "temp"
				}
				ops = append(ops, "sync "+name)
				return f.Sync()
			}
			c.rename = func(oldpath, newpath string) error {
				ops = append(ops, "rename")
				if renameErr != nil {
					return renameErr
				}
				return os.Rename(oldpath, newpath)
			}
			c.syncDir = func(d string) error {
				if d != dir {
					t.Errorf("fsync of %s, want %s", d, dir)
				}
				ops = append(ops, "sync dir")
				return syncDir(d)
			}
		}
	}
	for _, tc := range []struct {
		renameErr error
		want      []string
	}{
		{nil, []string{"sync temp", "rename", "sync dir"}},
		// The rewrite file is durable before the target is touched, and gone durably after.
		{syscall.EBUSY, []string{"sync temp", "rename", "sync dir", "sync passwd", "sync dir"}},
	} {
		ops = nil
		if err := editPath(context.Background(), path, appendLine("c:d"), spy(tc.renameErr)); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ops, tc.want) {
			t.Errorf("rename error %v: operations %q, want %q", tc.renameErr, ops, tc.want)
		}
	}
	assertContent(t, path, []byte("a:b\nc:d\nc:d\n"))
	assertOnly(t, dir, "passwd")
}

func TestStaleTempsRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	writeFile(t, path, []byte("a:b\n"))
	stale := []string{".passwd.mqpasswd-0123456789abcdef", ".passwd.mqpasswd-fedcba9876543210"}
	notOurs := []string{
		".passwd.mqpasswd-0123",             // too short
		".passwd.mqpasswd-0123456789ABCDEF", // not our digits
		".other.mqpasswd-0123456789abcdef",  // another file's
		"passwd.bak",
	}
	for _, name := range append(slices.Clone(stale), notOurs...) {
		writeFile(t, filepath.Join(dir, name), []byte("junk"))
	}
	if err := editPath(context.Background(), path, appendLine("c:d")); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dir, append([]string{"passwd"}, notOurs...)...)
}

// TestRenameImpossibleFallsBack makes the rename fail as it does over a bind-mounted file and
// checks the in-place rewrite: same inode, new content, nothing left beside it.
func TestRenameImpossibleFallsBack(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.EBUSY, syscall.EXDEV} {
		t.Run(errno.Error(), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "passwd")
			old := passwdLines(3000) // several copy buffers
			writeFile(t, path, old)
			before, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := editPath(ctx, path, appendLine("new:1"), withRenameError(errno)); err != nil {
				t.Fatal(err)
			}
			assertContent(t, path, append(old, "new:1\n"...))
			// Shrinking must truncate.
			if err := createPath(ctx, path, func(w io.Writer) error {
				_, err := io.WriteString(w, "only:1\n")
				return err
			}, withRenameError(errno)); err != nil {
				t.Fatal(err)
			}
			assertContent(t, path, []byte("only:1\n"))
			after, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if !os.SameFile(before, after) {
				t.Error("the file was replaced by a new inode, want an in-place rewrite")
			}
			assertOnly(t, dir, "passwd")
		})
	}
}

// TestInterruptedRewriteFinished stops an in-place rewrite half way by an error and checks that
// the next run completes it before its own edit. (TestKilledAtEachStep kills it there.)
func TestInterruptedRewriteFinished(t *testing.T) {
	old := passwdLines(3000)
	newContent := append([]byte("new:1\n"), old...)
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	writeFile(t, path, old)
	err := editPath(context.Background(), path, prependLine("new:1"),
		withRenameError(syscall.EBUSY), withFault("inplace", syscall.EIO))
	assertErrno(t, err, (*WriteError)(nil), syscall.EIO)
	// The copy stopped after its first buffer: neither the old nor the new file.
	if got := readFile(t, path); bytes.Equal(got, old) || bytes.Equal(got, newContent) {
		t.Fatal("the rewrite was not interrupted half way")
	}
	assertContent(t, filepath.Join(dir, ".passwd"+rewriteSuffix), newContent)

	if err := editPath(context.Background(), path, appendLine("next:2")); err != nil {
		t.Fatal(err)
	}
	assertContent(t, path, append(newContent, "next:2\n"...))
	assertOnly(t, dir, "passwd")
}

// TestMemoryFlat edits a file of a million lines and checks that the allocations stay far below
// its size: the content streams through.
func TestMemoryFlat(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	content := passwdLines(n)
	writeFile(t, path, content)
	size := int64(len(content))
	content = nil
	runtime.GC()

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := editPath(context.Background(), path, appendLine("last:1")); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("editing a %d-byte file allocated %d bytes, want < 4 MiB", size, alloc)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() != size+int64(len("last:1\n")) {
		t.Errorf("size after edit: %v %v", fi.Size(), err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		lines++
	}
	if lines != n+1 {
		t.Errorf("%d lines, want %d", lines, n+1)
	}
}

func BenchmarkEdit(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "passwd")
	content := passwdLines(100_000)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		b.Fatal(err)
	}
	copyThrough := func(r io.Reader, w io.Writer) error {
		_, err := io.Copy(w, r)
		return err
	}
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		if err := editPath(context.Background(), path, copyThrough); err != nil {
			b.Fatal(err)
		}
	}
}

// fileMode is a short name for the permission bits in test messages.
func fileMode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode() & modeBits
}

// TestMerging edits a file that exists and creates one that does not, as if it had been empty; of
// runs that all found the file missing, none replaces what another wrote.
func TestMerging(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwd")
	if _, err := Open(path, ForEditing); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open(missing, ForEditing) = %v, want ENOENT", err)
	}
	const runs = 8
	var files []*File
	for range runs {
		f, err := Open(path, ForMerging)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	var wg sync.WaitGroup
	errs := make(chan error, runs)
	for i, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- f.Edit(context.Background(), appendLine(fmt.Sprintf("u%d:h", i)))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n")
	slices.Sort(lines)
	want := make([]string, runs)
	for i := range runs {
		want[i] = fmt.Sprintf("u%d:h", i)
	}
	slices.Sort(want)
	if !slices.Equal(lines, want) {
		t.Errorf("merged file = %q, want every run's line once", got)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != newFileMode {
		t.Errorf("created mode = %v, %v; want %v", fi.Mode().Perm(), err, newFileMode)
	}
	f, err := Open(path, ForMerging)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Edit(context.Background(), appendLine("last:h")); err != nil {
		t.Fatal(err)
	}
	if got2, _ := os.ReadFile(path); string(got2) != string(got)+"last:h\n" {
		t.Errorf("merging into an existing file gave %q", got2)
	}
}

// TestWritten: a File says whether it put new content in place, for --reload to signal only then.
func TestWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "passwd")
	writeFile(t, path, []byte("a:b\n"))
	f, err := Open(path, ForEditing)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := f.Edit(context.Background(), func(io.Reader, io.Writer) error { return boom }); !errors.Is(err, boom) || f.Written() {
		t.Fatalf("failed Edit: %v, Written %v", err, f.Written())
	}
	if err := f.Edit(context.Background(), appendLine("c:d")); err != nil || !f.Written() {
		t.Fatalf("Edit: %v, Written %v", err, f.Written())
	}
	g, err := Open(path, ForReading)
	if err != nil || !f.SameFile(g) {
		t.Fatalf("SameFile after the edit = false (%v)", err)
	}
}
