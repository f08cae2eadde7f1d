package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/owner"
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// lockNoticeAfter is how long a run waits for another one's lock before it
// says why it is not finishing.
const lockNoticeAfter = time.Second

// run runs the operation a validated command line asks for. It opens the
// password file once, as the operation needs it, before any password is
// asked for (the original opens the file first, so a missing file is
// reported before the user types anything), except that --import reads and
// checks its source first. Every error goes through explain.
func run(ctx context.Context, o *Options, s Streams) error {
	// The original accepts such names too; "passwd --list" is one.
	if strings.HasPrefix(o.User, "-") {
		fmt.Fprintf(s.ErrOut, msgUsernameOption+"\n", o.User)
	}
	pr := newPasswordReader(s)
	if o.Print || o.Create && o.File == dashArg {
		return explain(printLine(ctx, o, s, pr), o, nil)
	}
	var creds []pwfile.Credential
	if o.Import != "" {
		var err error
		if creds, err = readImport(o, s); err != nil {
			return err
		}
	}
	purpose := atomicfile.ForEditing
	switch {
	case o.Create:
		purpose = atomicfile.ForCreating
	case o.Verify || o.List != "" || o.Check != "":
		purpose = atomicfile.ForReading
	}
	f, err := atomicfile.Open(o.File, purpose, fileOptions(o, s)...)
	if err != nil {
		return explain(err, o, nil)
	}
	switch {
	case o.Import != "":
		err = importUsers(ctx, o, s, f, creds)
	case o.Create:
		err = create(ctx, o, s, pr, f)
	case o.Delete:
		err = deleteUser(ctx, o, f)
	case o.HashFile:
		err = upgrade(ctx, o, s, f)
	case o.Verify:
		err = verify(ctx, o, s, pr, f)
	case o.List != "":
		err = list(ctx, o, s, f)
	case o.Check != "":
		err = check(ctx, o, s, f)
	default:
		err = set(ctx, o, s, pr, f)
	}
	return explain(err, o, f)
}

func fileOptions(o *Options, s Streams) []atomicfile.Option {
	return []atomicfile.Option{
		atomicfile.WithLockTimeout(o.LockTimeout),
		atomicfile.WithWaitNotice(lockNoticeAfter, func() {
			fmt.Fprintf(s.ErrOut, msgLockWait+"\n", o.File)
		}),
		atomicfile.WithOwner(o.Owner),
	}
}

// params returns the hash settings of a command line.
func params(o *Options) pwhash.Params {
	p := pwhash.ParamsFor(o.Hash, o.Broker)
	p.Iterations = o.Iterations
	return p
}

// hasher returns the hash function of a command line, warning once about
// argon2id.
func hasher(o *Options, s Streams) pwfile.HashFunc {
	if o.Hash == pwhash.Argon2id {
		fmt.Fprintln(s.ErrOut, msgArgon2Warning)
	}
	p := params(o)
	return func(pw []byte) (string, error) {
		h, err := pwhash.Hash(pw, p)
		if err != nil {
			return "", fail(ExitError, msgHashFailed, err)
		}
		return h, nil
	}
}

// password returns the batch password, reads one line of stdin for -i, or
// asks for a new one twice.
func password(ctx context.Context, o *Options, pr *passwordReader, prompts io.Writer) (string, error) {
	if o.Batch {
		return o.Password, nil
	}
	if o.Stdin {
		pw, err := pr.ask(ctx, io.Discard, "")
		return string(pw), err
	}
	return pr.readNew(ctx, prompts)
}

// printLine is -n and "-c -": the line goes to stdout, so the prompts go to
// stderr to keep stdout to the line alone.
func printLine(ctx context.Context, o *Options, s Streams, pr *passwordReader) error {
	pw, err := password(ctx, o, pr, s.ErrOut)
	if err != nil {
		return err
	}
	h, err := hasher(o, s)([]byte(pw))
	if err != nil {
		return err
	}
	_, err = s.Out.Write(pwfile.AppendEntry(nil, o.User, h))
	return err
}

// create is -c.
func create(ctx context.Context, o *Options, s Streams, pr *passwordReader, f *atomicfile.File) error {
	pw, err := password(ctx, o, pr, s.Out)
	if err != nil {
		return err
	}
	h, err := hasher(o, s)([]byte(pw))
	if err != nil {
		return err
	}
	err = f.Create(ctx, func(w io.Writer) error {
		_, err := pwfile.Set(strings.NewReader(""), w, []pwfile.Update{{User: o.User, Hash: h}})
		return err
	})
	if err != nil {
		return err
	}
	// Written to a stream ("-c /dev/stdout"), the line is the output, as
	// with "-c -": no message after it.
	if !f.IsStream() {
		fmt.Fprintf(s.Out, msgAdding+"\n", o.User)
	}
	return nil
}

// set adds or updates a user (plain mode, -b, -i).
func set(ctx context.Context, o *Options, s Streams, pr *passwordReader, f *atomicfile.File) error {
	pw, err := password(ctx, o, pr, s.Out)
	if err != nil {
		return err
	}
	creds := []pwfile.Credential{{User: o.User, Password: []byte(pw)}}
	var keep *pwfile.Keep
	if o.IfChanged {
		if keep, _, err = keepFor(ctx, o, f, creds); err != nil {
			return err
		}
	}
	updates, _, err := pwfile.HashAll(ctx, creds, 1, hasher(o, s), keep, nil)
	if err != nil {
		return err
	}
	if len(updates) == 0 {
		if err := keepUnchanged(ctx, o, f); err != nil {
			return err
		}
		fmt.Fprintf(s.Out, msgUnchanged+"\n", o.User)
		return nil
	}
	var found []bool
	err = f.Edit(ctx, func(r io.Reader, w io.Writer) error {
		found, err = pwfile.Set(r, w, updates)
		return err
	})
	if err != nil {
		return err
	}
	if found[0] {
		fmt.Fprintf(s.Out, msgUpdating+"\n", o.User)
	} else {
		fmt.Fprintf(s.Out, msgAdding+"\n", o.User)
	}
	return nil
}

// keepFor reads from f what --if-changed needs to leave the users of creds
// alone whose passwords already verify, and a condition for an edit that
// may rely on it.
func keepFor(ctx context.Context, o *Options, f *atomicfile.File, creds []pwfile.Credential) (*pwfile.Keep, atomicfile.EditOption, error) {
	users := make([]string, len(creds))
	for i, c := range creds {
		users[i] = c.User
	}
	keep := &pwfile.Keep{Params: params(o), Broker: o.Broker}
	snap, err := f.Read(ctx, func(r io.Reader) (err error) {
		keep.Current, err = pwfile.Hashes(r, users)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return keep, atomicfile.IfUnchanged(snap), nil
}

// keepUnchanged is what --if-changed does when every password already
// verifies: nothing, unless --owner asks for another owner, which only a
// rewrite with the lines as they are can give.
func keepUnchanged(ctx context.Context, o *Options, f *atomicfile.File) error {
	if o.Owner.IsZero() || ownedBy(f, o.Owner) {
		return nil
	}
	return f.Edit(ctx, func(r io.Reader, w io.Writer) error {
		_, err := pwfile.Set(r, w, nil)
		return err
	})
}

// ownedBy reports whether f is owned as want says. It is true where files
// have no Unix owner, since parseOwner refuses --owner there anyway.
func ownedBy(f *atomicfile.File, want owner.Spec) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	uid, gid, ok := owner.Of(fi)
	return !ok || want.Matches(uid, gid)
}

// deleteUser is -D.
func deleteUser(ctx context.Context, o *Options, f *atomicfile.File) error {
	return f.Edit(ctx, func(r io.Reader, w io.Writer) error {
		return pwfile.Delete(r, w, o.User)
	})
}

// upgrade is -U: every user:plaintext line is hashed, on all cores.
func upgrade(ctx context.Context, o *Options, s Streams, f *atomicfile.File) error {
	hash := hasher(o, s)
	step, done := newProgress(s, -1, "Hashing")
	defer done()
	return f.Edit(ctx, func(r io.Reader, w io.Writer) error {
		_, err := pwfile.HashPlaintext(ctx, r, w, pwhash.Workers(params(o).Algorithm), hash, step)
		return err
	})
}

// verify is -v: the file is opened before the password is asked for, as for
// an update.
func verify(ctx context.Context, o *Options, s Streams, pr *passwordReader, f *atomicfile.File) error {
	pw := []byte(o.Password)
	switch {
	case o.Stdin:
		b, err := pr.ask(ctx, io.Discard, "")
		if err != nil {
			return err
		}
		pw = b
	case !o.Batch:
		b, err := pr.ask(ctx, s.Out, msgPrompt)
		if err != nil {
			return err
		}
		pw = b
	}
	var ok bool
	_, err := f.Read(ctx, func(r io.Reader) (err error) {
		ok, err = pwfile.Authenticate(r, o.User, pw)
		return err
	})
	switch {
	case err != nil:
		return err
	case !ok:
		return fail(ExitVerifyFailed, msgVerifyWrong, o.User)
	}
	fmt.Fprintf(s.Out, msgVerifyOK+"\n", o.User)
	return nil
}

// explain is the one place that turns what the file and hash layers
// returned into messages and exit codes: this package's *Error as it is, an
// interrupt, a path that cannot be resolved, the line of a corrupt file, a
// missing user or an unusable hash as -v or -D reports it, and the system's
// reason for a file that could not be opened, read or written. f is the
// file the operation opened, nil before that; messages show its path.
func explain(err error, o *Options, f *atomicfile.File) error {
	path := o.File
	if f != nil {
		path = f.Path()
	}
	creating := o.Create && o.Import == ""
	var (
		own     *Error
		resolve *atomicfile.ResolveError
		parse   *pwfile.ParseError
		decode  *pwhash.DecodeError
		open    *atomicfile.OpenError
		write   *atomicfile.WriteError
		sys     *fs.PathError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &own):
		return own
	case errors.Is(err, context.Canceled):
		return errInterrupted
	case errors.As(err, &resolve):
		return fail(ExitError, msgResolve, strerror(resolve.Err))
	case errors.As(err, &parse) && o.Delete && errors.Is(err, pwfile.ErrUserNotFound):
		// The original's two lines: it stops at the corrupt line without
		// having met the user.
		return fail(ExitError, msgCorrupt+"\n"+msgUserMissing, parse.Line, o.User)
	case errors.As(err, &parse):
		return fail(ExitError, msgCorrupt, parse.Line)
	case errors.Is(err, pwfile.ErrUserNotFound) && o.Verify:
		return fail(ExitVerifyFailed, msgVerifyNoUser, o.User)
	case errors.Is(err, pwfile.ErrUserNotFound):
		return fail(ExitError, msgUserMissing, o.User)
	case errors.As(err, &decode):
		return fail(ExitError, msgVerifyBadHash, o.User, decode.Error())
	case errors.Is(err, atomicfile.ErrChanged):
		return fail(ExitError, msgImportRace, path)
	case errors.Is(err, atomicfile.ErrLockTimeout):
		return fail(ExitError, msgLockTimeout, o.LockTimeout, path)
	case errors.As(err, &write) && errors.Is(write.Err, syscall.EPERM) && os.Geteuid() > 0:
		// chown, the one step that needs a right beyond the directory's:
		// the new file gets the owner asked for, or else the old one's.
		if !o.Owner.IsZero() {
			return fail(ExitError, msgOwnerNeedsRoot, write.Path)
		}
		return fail(ExitError, msgKeepOwner, write.Path)
	case errors.As(err, &write) && errors.Is(write.Err, syscall.EACCES) && exists(write.Path) && !dirWritable(filepath.Dir(write.Path)):
		// The original writes the file in place, so it succeeds here.
		return fail(ExitError, msgWriteDir, write.Path, filepath.Dir(write.Path))
	case errors.As(err, &open) && creating:
		return fail(ExitError, msgOpenCreate, open.Path, strerror(open.Err))
	case errors.As(err, &open):
		return fail(ExitError, msgOpen, open.Path, strerror(open.Err))
	case errors.As(err, &write) && creating:
		return fail(ExitError, msgOpenCreate, write.Path, strerror(write.Err))
	case errors.As(err, &write):
		return fail(ExitError, msgWrite, write.Path, strerror(write.Err))
	case errors.As(err, &sys):
		// --check's look at the file by the name given, beside atomicfile.
		return fail(ExitError, msgOpen, path, strerror(err))
	}
	return err
}

// exists reports whether there is a file at path.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// strerror gives C's text for a system error ("No such file or directory"):
// Go's texts are the same but for the capital letter.
func strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		err = errno
	}
	msg := err.Error()
	if msg == "" {
		return msg
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}
