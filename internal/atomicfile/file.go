package atomicfile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"hash"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Purpose says what a run will do with a file, and so what Open checks before anything is read
// or any password is asked for.
type Purpose int

const (
	// ForReading: -v, --list, --check. The file must exist and be a readable regular file.
	ForReading Purpose = iota
	// ForEditing: add, update, delete, -U, --import. The file must exist and be a regular file the
	// running user may read and write (the original opens it read-write before it prompts).
	ForEditing
	// ForCreating: -c. The file may exist (then it must be writable, and is replaced) or not; a
	// stream such as /dev/stdout is written to directly.
	ForCreating
	// ForMerging: --import. An existing file is edited as ForEditing; a missing one is created,
	// mode 0600, as if it had been empty. Under the lock Edit looks again, so that of two runs
	// that both found the file missing the second merges into what the first wrote.
	ForMerging
)

// ErrChanged is returned by an Edit made with IfUnchanged when the file's content is no longer the
// content the snapshot was taken of; nothing was written.
var ErrChanged = errors.New("file changed since it was read")

// File is a password file opened for one run: its path is resolved once and checked once, by Open,
// and every later read or write goes through it. It holds no descriptor between calls, so it needs
// no Close. A File is not safe for concurrent use; separate Files on one path (in one process or
// several) are serialised by the lock Edit and Create take.
type File struct {
	name    string // as given
	path    string // resolved: the real path of an existing file, else the name as given
	purpose Purpose
	stream  bool
	written bool // an Edit or Create put new content in place
	cfg     *config
}

// ResolveError reports that a name could not be resolved to a path, as the original tool's
// realpath step fails (ENOTDIR for "file/x" where file is a regular file, ELOOP): nothing was
// opened, and the original reports it in words of its own.
type ResolveError struct {
	Name string // as given
	Err  error  // the cause, a syscall.Errno when the system gave one
}

func (e *ResolveError) Error() string { return "cannot resolve " + e.Name + ": " + e.Err.Error() }
func (e *ResolveError) Unwrap() error { return e.Err }

// Open resolves name and checks that it can be used for p, before anything is read or any
// password asked for: it must be a regular file (a stream, for ForCreating), reached through no
// symbolic link that another user could have planted (see UnsafeLinkError; WithFollowUnsafeLinks
// overrides), and open for reading (ForReading), reading and writing (ForEditing) or writing
// (ForCreating, when it exists). Nothing is opened before its type is known, and that open neither
// follows a link nor blocks, so a FIFO or device never stalls a run. Its errors are an
// *UnsafeLinkError, a *ResolveError or an *OpenError (for ForCreating a *WriteError) naming the path as the
// original tool shows it. The options hold for every later call on the File.
func Open(name string, p Purpose, opts ...Option) (*File, error) {
	f := &File{name: name, purpose: p, cfg: newConfig(opts)}
	f.cfg.createMissing = p == ForMerging
	fail := func(path string, err error) error {
		if ule := (*UnsafeLinkError)(nil); errors.As(err, &ule) {
			return ule
		}
		if re := (*ResolveError)(nil); errors.As(err, &re) {
			return re
		}
		if p == ForCreating {
			return &WriteError{Path: path, Err: cause(err)}
		}
		return &OpenError{Path: path, Err: cause(err)}
	}
	real, fi, err := walk(name, f.cfg.followUnsafe)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		// What the original's realpath step cannot get past (ENOTDIR, ELOOP) it reports in
		// words of its own.
		var ule *UnsafeLinkError
		if !errors.As(err, &ule) {
			err = &ResolveError{Name: name, Err: cause(err)}
		}
		return nil, fail(name, err)
	}
	if err != nil {
		return nil, fail(name, err)
	}
	if fi == nil {
		if p != ForCreating && p != ForMerging {
			return nil, fail(name, syscall.ENOENT)
		}
		f.path = name
		if p == ForMerging {
			return f, nil
		}
		// /dev/stdout on a pipe leads through /proc's links to "pipe:[N]", which names no path:
		// what the kernel opens is all there is to look at.
		if sfi, err := os.Stat(name); err == nil && isStream(sfi) {
			f.stream = true
		}
		return f, nil
	}
	f.path = real
	switch {
	case fi.IsDir():
		return nil, fail(real, syscall.EISDIR)
	case p == ForCreating && isStream(fi):
		f.stream = true
		return f, nil
	case !fi.Mode().IsRegular():
		return nil, fail(real, errNotRegular)
	}
	flag := os.O_RDONLY
	switch p {
	case ForEditing, ForMerging:
		flag = os.O_RDWR
	case ForCreating:
		flag = os.O_WRONLY
	}
	h, err := openRegular(real, flag)
	if err != nil {
		return nil, fail(real, err)
	}
	return f, h.Close()
}

// Name is the file's name as given to Open.
func (f *File) Name() string { return f.name }

// Path is the path messages show: the absolute real path when the file exists, else the name as
// given, as the original tool shows it.
func (f *File) Path() string { return f.path }

// IsStream reports whether a File opened ForCreating is a character device or FIFO, written to
// directly rather than replaced.
func (f *File) IsStream() bool { return f.stream }

// Stat returns the metadata of the file itself.
func (f *File) Stat() (fs.FileInfo, error) { return os.Stat(f.path) }

// Snapshot identifies the content a Read saw, for an Edit that must not apply to anything else.
type Snapshot struct{ sum []byte }

// Read calls fn with the file's current content, without the lock, and returns a snapshot of what
// fn was given. Read errors are *OpenError.
func (f *File) Read(ctx context.Context, fn func(r io.Reader) error) (Snapshot, error) {
	in, err := openRegular(f.path, os.O_RDONLY)
	if err != nil {
		return Snapshot{}, &OpenError{Path: f.path, Err: cause(err)}
	}
	defer in.Close()
	t := &target{path: f.path, shown: f.path, exists: true, edit: true, cfg: f.cfg}
	sum := sha256.New()
	r := newReader(ctx, in, t)
	if err := fn(io.TeeReader(r, sum)); err != nil {
		return Snapshot{}, ioFailure(err, r.failure())
	}
	if _, err := io.Copy(sum, r); err != nil {
		return Snapshot{}, err
	}
	return Snapshot{sum: sum.Sum(nil)}, nil
}

// EditOption is a condition on an Edit.
type EditOption func(*editConfig)

type editConfig struct{ since *Snapshot }

// IfUnchanged makes an Edit fail with ErrChanged, writing nothing, unless the file still holds the
// content s was taken of.
func IfUnchanged(s Snapshot) EditOption {
	return func(c *editConfig) { c.since = &s }
}

// Edit locks the file, calls fn with a reader of its current content and a writer for the new
// content and, when fn returns nil, replaces the file atomically and durably (see the package
// documentation). On any error the file is untouched, except for a *NotDurableError: the change is
// made, but may not survive a power cut. Under the lock the path is resolved again under the same
// rules as at Open, so a link planted since is refused too.
func (f *File) Edit(ctx context.Context, fn func(r io.Reader, w io.Writer) error, conds ...EditOption) error {
	var c editConfig
	for _, o := range conds {
		o(&c)
	}
	if c.since == nil {
		return f.note(replace(ctx, f.path, true, fn, f.cfg))
	}
	return f.note(replace(ctx, f.path, true, func(r io.Reader, w io.Writer) error {
		var sum hash.Hash = sha256.New()
		tee := io.TeeReader(r, sum)
		if err := fn(tee, w); err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, tee); err != nil {
			return err
		}
		if !bytes.Equal(sum.Sum(nil), c.since.sum) {
			return ErrChanged
		}
		return nil
	}, f.cfg))
}

// Create writes the file anew with what fn writes: a new file is mode 0600, an existing one is
// replaced keeping its mode, owner and group; a stream is written to directly.
func (f *File) Create(ctx context.Context, fn func(w io.Writer) error) error {
	if f.stream {
		return writeStream(f.path, fn)
	}
	return f.note(replace(ctx, f.path, false, func(_ io.Reader, w io.Writer) error { return fn(w) }, f.cfg))
}

// note records whether a replacement put new content in place: it did unless it failed before,
// and a *NotDurableError comes after.
func (f *File) note(err error) error {
	if err == nil || errors.As(err, new(*NotDurableError)) {
		f.written = true
	}
	return err
}

// Written reports whether an Edit or Create of f has put new content in place (a stream written
// to does not count): what a broker reading the file would now see.
func (f *File) Written() bool { return f.written }

// SameFile reports whether f and g are one file now, by device and inode, as os.SameFile says;
// false when either does not exist.
func (f *File) SameFile(g *File) bool {
	fi, err1 := f.Stat()
	gi, err2 := g.Stat()
	return err1 == nil && err2 == nil && os.SameFile(fi, gi)
}
