// Package atomicfile replaces a file so that, whatever happens (a crash, a full disk, a signal, a
// second run at the same time), the file is afterwards either the old one or the new one, complete,
// with its mode, owner and group, and no concurrent update is lost.
//
// # Replacement
//
// The new content goes to a temporary file created O_EXCL, mode 0600, in the target's own directory
// (never $TMPDIR: a rename only stays atomic within one file system). It is written through a
// buffer, given the target's owner, group and mode, fsynced, closed, renamed over the target, and
// then the directory is fsynced so the rename itself survives a power cut. Owner and mode are set
// before the fsync so that it covers them too. Until the rename, any error or cancellation removes
// the temporary file and leaves the target byte for byte as it was. Symbolic links are resolved
// first: the real file is replaced and the link stays a link. A replaced file that is a hard link
// loses that link (a rename makes a new inode). On Linux its extended attributes, the POSIX ACL
// among them, are copied to the new file before its mode is set, so the ACL mask stays what it was;
// one that cannot be copied fails the edit with an *AttrError. A replacement needs write permission on the directory, not only on the file as the
// original tool's in-place write did; without it the edit fails with EACCES. Changing ownership
// needs the right to do so: when chown fails (EPERM for a non-root user editing another user's
// file) the edit fails and the file is untouched, rather than silently handing the file over to
// the editing user. Cancelling the context is honoured until the rename (or the in-place rewrite
// below) begins; from then on the replacement is completed. A failed directory fsync after the
// rename is a *NotDurableError: the new file is in place but might not survive a power cut.
//
// # Untrusted surroundings
//
// The tool runs as root on files whose directory another account may write, so nothing found there
// is trusted. A symbolic link on the way is followed only under the rule of the kernel's
// protected_symlinks, widened to every directory others can write (see UnsafeLinkError). Nothing is
// opened before lstat shows a regular file, and every open of a file looked at before uses
// O_NOFOLLOW and O_NONBLOCK, so a link, FIFO or device swapped in meanwhile is refused, not followed
// and not waited on. Owner and mode are only ever set through a descriptor of our own file. The
// lock and recovery files are checked by type, link count, owner and mode before use, and refused
// with a *PlantedFileError otherwise.
//
// # Temporary files
//
// A temporary file is named ".<base>.mqpasswd-<16 hex digits>" beside the target, so it is hidden,
// never matches a glob for the target itself, and is recognisable. A process killed with SIGKILL
// cannot remove its own: every run, once it holds the lock, removes the temporaries of its target
// that match this exact shape. That is safe because every writer of the target holds the lock, so
// none of them is still in use. A temporary file is never more readable than the file it replaces:
// it is 0600 until it is given the target's mode just before the rename. For a base name too long
// for these suffixes within NAME_MAX, its first bytes and a hash of it stand in for it.
//
// # Locking
//
// Runs on one file are serialised with a lock on ".<base>.mqpasswd-lock" beside it (flock(2), or
// LockFileEx on Windows), made for the run and removed when it ends. Not the target itself: flock
// ignores the open mode and a POSIX write lock waits for any reader's read lock, so every account
// that may read the file could stop every edit. On Unix the lock file gets the target's owner and
// group and access only for those the target lets write, so only writers can open it. It is
// removed before it is unlocked; a run that opened it before that wakes up holding an unlinked
// file, sees that the name no longer names it, and starts again. Under the lock the path is
// resolved again, so what it leads to is what the run edits. Waiting polls, calls the
// WithWaitNotice callback once, and gives up after the WithLockTimeout duration with an error
// wrapping ErrLockTimeout.
//
// # Bind-mounted files
//
// A single file bind-mounted into a container (docker run -v ./passwd:/mosquitto/config/passwd)
// cannot be renamed over inside it: rename fails with EBUSY (or EXDEV). Outside, on the host, it
// can, but the container would keep the old inode and never see the edit. So the file is rewritten
// in place when rename fails so, when it is mounted on its own anywhere this process can see (every
// mount namespace in /proc/*/mountinfo, for root), and when WithInPlace asks for it: the finished temporary file is first renamed to ".<base>.mqpasswd-rewrite"
// and the directory fsynced, so the complete new content is durable beside the target; then it is
// copied over the target, the target is truncated to length and fsynced, and the rewrite file is
// removed. If the process dies during the copy the target may be torn, but the next run, under the
// lock and before it reads anything, copies the rewrite file in again and so finishes the update,
// provided it is what a rewrite leaves: a regular file with one link, the target's owner, group and
// mode, and content that passes WithValidate.
// What this mode cannot promise: readers (the broker reloading) may see a partly written file
// during the copy, and after a crash until the next run; and a tool that does not take our lock
// and writes the file in between would have its change overwritten by that recovery.
//
// # Platforms and libraries
//
// Linux, macOS, the BSDs and Windows. Windows cannot fsync a directory; the rename there asks
// MoveFileEx to write through instead, and owners are not kept (a new file inherits the
// directory's ACLs, as the old one did). AIX and Solaris are refused, see lock_fcntl.go.
//
// github.com/gofrs/flock takes the locks on Windows (LockFileEx). On Unix the lock file must be
// opened with O_NOFOLLOW, O_NONBLOCK and O_EXCL and checked before it is locked, which gofrs/flock
// does not offer, so flock(2) is called directly. The polling, the notice and the timeout are ours.
// github.com/google/renameio/v2, the model for the temp-fsync-rename core, is not used: its
// temporary names (".<base><digits>") are not distinctive enough to delete stale ones safely, its
// rename cannot be intercepted to fall back to an in-place rewrite (or to test that), it does not
// fsync the directory, keep the owner or follow symlinks, and it offers nothing on Windows.
package atomicfile

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/mqpasswd/mqpasswd/internal/owner"
)

// DefaultLockTimeout is how long a run waits for another one to finish with the same file. An edit,
// even of a million-user file on an SD card, holds the lock for a few seconds at most, so a lock
// held for longer belongs to a stuck process (stopped with Ctrl-Z, hung on a dead NFS server); 30s
// outlasts any real edit and still lets a script fail instead of hanging forever.
const DefaultLockTimeout = 30 * time.Second

// ErrLockTimeout is wrapped by the error Edit and Create return when another process held the lock
// on the file for longer than the lock timeout.
var ErrLockTimeout = errors.New("timed out waiting for the lock")

// errNotRegular refuses to replace a device, FIFO or socket by a regular file.
var errNotRegular = errors.New("not a regular file")

// OpenError reports that the existing file could not be opened or read; the file is untouched.
type OpenError struct {
	// Path is the absolute real path when the file exists, else the path as given.
	Path string
	// Err is the underlying cause, a syscall.Errno when the system gave one, so that a caller can
	// print C's strerror text for it.
	Err error
}

func (e *OpenError) Error() string { return "cannot open " + e.Path + ": " + e.Err.Error() }
func (e *OpenError) Unwrap() error { return e.Err }

// WriteError reports that the new file could not be written (ENOSPC, EROFS, EACCES on the
// directory, EIO, ...); the file is untouched, except after a failed in-place rewrite of a
// bind-mounted file, which the next run finishes, and after a failed directory fsync, where the
// new content is in place but might not survive a crash.
type WriteError struct {
	// Path is the absolute real path when the file exists, else the path as given.
	Path string
	// Dir is set when what failed was making a file in the target's directory (the lock or the
	// temporary file): the directory itself, which a replacement needs to write, where the
	// original tool's in-place write needed only the file.
	Dir string
	// Err is the underlying cause, a syscall.Errno when the system gave one.
	Err error
}

func (e *WriteError) Error() string { return "cannot write " + e.Path + ": " + e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

// Option changes how Edit and Create work.
type Option func(*config)

type config struct {
	lockTimeout  time.Duration
	noticeAfter  time.Duration
	notice       func()
	uid, gid     int
	followUnsafe bool
	inPlace      bool
	// createMissing lets an edit create a missing file (ForMerging).
	createMissing bool
	validate      func(io.Reader) error

	// The operations that make a replacement atomic and durable, replaceable so that tests can
	// watch their order and make them fail like a bind mount or a failing disk does.
	rename  func(oldpath, newpath string) error
	sync    func(f *os.File) error
	syncDir func(dir string) error
	// fault, when set by a test, is consulted at the named steps and fails them with its error.
	fault func(step string) error
}

func newConfig(opts []Option) *config {
	c := &config{
		lockTimeout: DefaultLockTimeout,
		uid:         -1,
		gid:         -1,
		rename:      renameFile,
		sync:        (*os.File).Sync,
		syncDir:     syncDir,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

func (c *config) step(name string) error {
	if c.fault == nil {
		return nil
	}
	return c.fault(name)
}

// WithLockTimeout sets how long to wait for another process to release the file; the default is
// DefaultLockTimeout.
func WithLockTimeout(d time.Duration) Option {
	return func(c *config) { c.lockTimeout = d }
}

// WithWaitNotice makes a run that has not got the lock after the given time call fn, once, from the
// calling goroutine, so that the user learns why nothing happens.
func WithWaitNotice(after time.Duration, fn func()) Option {
	return func(c *config) { c.noticeAfter, c.notice = after, fn }
}

// WithOwner gives the written file the owner and group s names; an unset part keeps the one the
// file would otherwise get (the replaced file's, or the running user's for a new file).
func WithOwner(s owner.Spec) Option {
	return func(c *config) {
		c.uid, c.gid = -1, -1
		if s.HasUID {
			c.uid = s.UID
		}
		if s.HasGID {
			c.gid = s.GID
		}
	}
}

// WithFollowUnsafeLinks makes Open follow symbolic links that another user could have planted
// (see UnsafeLinkError), for a user who has checked where the link points.
func WithFollowUnsafeLinks() Option {
	return func(c *config) { c.followUnsafe = true }
}

// WithInPlace makes every replacement an in-place rewrite (see the package documentation), for a
// file bind-mounted where detection cannot see it: into a container on another host, or by a
// rootless runtime whose mount table this process cannot read.
func WithInPlace() Option {
	return func(c *config) { c.inPlace = true }
}

// WithValidate gives the check a recovery file must pass before its content is copied over the
// target: fn reads the content and returns an error unless it is a valid file. Without it, any
// recovery file that passes the other checks is copied.
func WithValidate(fn func(io.Reader) error) Option {
	return func(c *config) { c.validate = fn }
}

// newFileMode is the mode of a file that does not exist yet, whatever the umask: a password file
// holds hashes that must not be readable by others (Mosquitto 2.1 creates its files 0600 too). A
// replaced file keeps its own mode.
const newFileMode fs.FileMode = 0o600

// modeBits are the parts of a mode that chmod sets and a replaced file keeps.
const modeBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

func isStream(fi fs.FileInfo) bool { return fi.Mode()&(fs.ModeCharDevice|fs.ModeNamedPipe) != 0 }

func writeStream(path string, fn func(w io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return &WriteError{Path: path, Err: cause(err)}
	}
	err = fn(f)
	if cerr := f.Close(); cerr != nil && err == nil {
		err = &WriteError{Path: path, Err: cause(cerr)}
	}
	return err
}

// target is the file being replaced, as found under the lock.
type target struct {
	path   string // the real path of an existing file, or the name to create
	shown  string // the name errors carry: the real path when the file exists, else as given
	exists bool
	info   fs.FileInfo // the lstat of an existing file when it was located
	edit   bool        // opening failures are *OpenError (Edit) rather than *WriteError (Create)
	cfg    *config
}

// syncDir makes the renames and removals in the target's directory durable.
func (t *target) syncDir() error { return t.cfg.syncDir(filepath.Dir(t.path)) }

func (t *target) openErr(err error) error {
	if t.edit {
		return &OpenError{Path: t.shown, Err: cause(err)}
	}
	return t.writeErr(err)
}

func (t *target) writeErr(err error) error {
	return &WriteError{Path: t.shown, Err: cause(err)}
}

// dirErr is writeErr for a file that could not be made in the target's directory.
func (t *target) dirErr(err error) error {
	return &WriteError{Path: t.shown, Dir: filepath.Dir(t.path), Err: cause(err)}
}

// cause digs the errno out of an *fs.PathError and friends, so that callers can print strerror.
func cause(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	return err
}

// locate finds what path names now: the real file, or, when it does not exist and may be created,
// the name to create.
func locate(path string, edit bool, cfg *config) (*target, error) {
	t := &target{shown: path, edit: edit, cfg: cfg}
	real, fi, err := walk(path, cfg.followUnsafe)
	if ule := (*UnsafeLinkError)(nil); errors.As(err, &ule) {
		return nil, ule
	}
	if err != nil {
		return nil, t.openErr(err)
	}
	t.path = real
	if fi == nil {
		if edit && !cfg.createMissing {
			return nil, t.openErr(syscall.ENOENT)
		}
		return t, nil
	}
	t.shown, t.exists, t.info = real, true, fi
	if fi.IsDir() {
		return nil, t.openErr(syscall.EISDIR)
	}
	if !fi.Mode().IsRegular() {
		return nil, t.openErr(errNotRegular)
	}
	if !edit {
		// Create refuses a file its user may not write (EACCES), as the original's
		// fopen(path, "w") does, rather than replace it through a writable directory.
		f, err := openRegular(real, os.O_WRONLY)
		if err != nil {
			return nil, t.openErr(err)
		}
		f.Close()
	}
	return t, nil
}

// openRegular opens the regular file at path, a real path, without following a link there and
// without blocking on a FIFO or device put there since it was looked at; anything but a regular
// file is refused with errNotRegular.
func openRegular(path string, flag int) (*os.File, error) {
	f, err := os.OpenFile(path, flag|oNoFollow|oNonBlock, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = errNotRegular
		if fi.IsDir() {
			err = syscall.EISDIR
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func replace(ctx context.Context, path string, edit bool, fn func(io.Reader, io.Writer) error, cfg *config) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t, unlock, err := lock(ctx, path, edit, cfg)
	if err != nil {
		return err
	}
	defer unlock()
	if err := cfg.step("locked"); err != nil {
		return t.writeErr(err)
	}
	if err := t.finishRewrite(); err != nil {
		return err
	}
	removeStaleTemps(t.path)

	old, in, err := t.open()
	if err != nil {
		return err
	}
	if in != nil {
		defer in.Close()
	}
	tmp, err := createTemp(t.path)
	if err != nil {
		return t.dirErr(err)
	}
	defer tmp.cleanup()

	w := newWriter(ctx, tmp.f, t)
	var r *reader
	var content io.Reader
	switch {
	case in != nil:
		r = newReader(ctx, in, t)
		content = r
	case edit:
		// A missing file merged into (ForMerging) reads as empty.
		content = bytes.NewReader(nil)
	}
	if err := fn(content, w); err != nil {
		return ioFailure(err, r.failure(), w.err)
	}
	if err := w.flush(); err != nil {
		return err
	}
	if in != nil {
		in.Close() // Windows cannot rename over a file that is open
	}
	if err := t.seal(tmp, old); err != nil {
		return err
	}
	if err := cfg.step("sealed"); err != nil {
		return t.writeErr(err)
	}
	// The last moment a cancellation can still leave the old file in place.
	if err := ctx.Err(); err != nil {
		return err
	}
	return t.install(tmp)
}

// open returns the existing target's metadata and, for Edit, the file to read its content from.
// The file must still be the one located, so that nothing swapped in since is read or copied.
func (t *target) open() (old fs.FileInfo, in *os.File, err error) {
	if !t.exists {
		return nil, nil, nil
	}
	if !t.edit {
		// Create needs no read permission: the metadata is all it keeps.
		if old, err = os.Lstat(t.path); err == nil && !os.SameFile(old, t.info) {
			err = errMoved
		}
		if err != nil {
			return nil, nil, t.openErr(err)
		}
		return old, nil, nil
	}
	if in, err = openRegular(t.path, os.O_RDONLY); err != nil {
		return nil, nil, t.openErr(err)
	}
	if old, err = in.Stat(); err != nil || !os.SameFile(old, t.info) {
		in.Close()
		if err == nil {
			err = errMoved
		}
		return nil, nil, t.openErr(err)
	}
	return old, in, nil
}

// seal gives the written temporary file the owner, group, mode and extended attributes (POSIX
// ACLs among them) of the file it replaces (old, nil for a new file), or the owner the options ask
// for, and makes it durable. Owner and mode come before the fsync so that it covers them.
func (t *target) seal(tmp *tempFile, old fs.FileInfo) error {
	mode, uid, gid := newFileMode, -1, -1
	if old != nil {
		mode = old.Mode() & modeBits
		uid, gid, _ = owner.Of(old)
	}
	if t.cfg.uid >= 0 {
		uid = t.cfg.uid
	}
	if t.cfg.gid >= 0 {
		gid = t.cfg.gid
	}
	// chown before chmod: chown clears the set-user-ID and set-group-ID bits.
	if err := chownIfDiffers(tmp.f, uid, gid); err != nil {
		return t.writeErr(err)
	}
	// Attributes before chmod: with an ACL, chmod sets the ACL's mask from the group bits, which
	// are the old file's mask; without the old ACL the group bits would grant the owning group
	// what the mask denied it.
	if err := t.copyAttrs(tmp.f, old); err != nil {
		return err
	}
	if err := tmp.f.Chmod(mode); err != nil {
		return t.writeErr(err)
	}
	// Even on ext4 with data=ordered, a rename without this fsync can leave a zero-length file
	// after a crash (Theodore Ts'o, quoted in renameio).
	if err := t.cfg.sync(tmp.f); err != nil {
		return t.writeErr(err)
	}
	if err := tmp.close(); err != nil {
		return t.writeErr(err)
	}
	return nil
}

// install renames the sealed temporary file over the target and makes the rename durable, or
// rewrites the target in place when it cannot be renamed over, when the options ask for that, or
// when the target is bind-mounted elsewhere: a rename would give this path a new inode while the
// other mount kept showing the old one.
func (t *target) install(tmp *tempFile) error {
	if t.exists && (t.cfg.inPlace || boundElsewhere(t.path, t.info)) {
		tmp.done = true
		return t.rewriteInPlace(tmp.name)
	}
	err := t.cfg.rename(tmp.name, t.path)
	switch {
	case err == nil:
		tmp.done = true
		if err := t.cfg.step("renamed"); err != nil {
			return t.writeErr(err)
		}
		if err := t.syncDir(); err != nil {
			return &NotDurableError{Path: t.shown, Err: cause(err)}
		}
		return nil
	case t.exists && renameImpossible(err):
		tmp.done = true
		return t.rewriteInPlace(tmp.name)
	default:
		return t.writeErr(err)
	}
}

// ioFailure picks what Edit returns when fn fails: fn's own error, unless fn failed because the
// reader or writer did and its error does not say so (wrapped with %v, or replaced).
func ioFailure(fnErr error, ioErrs ...error) error {
	for _, e := range ioErrs {
		if e != nil && !errors.Is(fnErr, e) {
			return e
		}
	}
	return fnErr
}
