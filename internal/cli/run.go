package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"syscall"
	"time"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/owner"
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// dashArg is the file name "-": the standard output for -c (Mosquitto 2.1
// prints the line instead of writing a file), the standard input for
// --import.
const dashArg = "-"

// lockNoticeAfter is how long a run waits for another one's lock before it
// says why it is not finishing.
const lockNoticeAfter = time.Second

func (o *Options) run(ctx context.Context, s Streams) error {
	pr := newPasswordReader(s.In)
	if done, err := o.runExtra(ctx, s, pr); done {
		return err
	}
	if o.mode == modeCreate && o.File == dashArg {
		return o.printLine(ctx, s, pr)
	}
	path, err := atomicfile.Resolve(o.File)
	if err != nil {
		return fail(ExitError, msgResolve, strerror(err))
	}
	if o.mode == modeCreate {
		return o.create(ctx, s, pr, path)
	}
	// The original opens the file before asking for the password, so a
	// missing file is reported before the user types anything.
	if err := atomicfile.Check(path); err != nil {
		return o.fileError(err, path)
	}
	switch o.mode {
	case modeDelete:
		return o.delete(ctx, s, path)
	case modeHashFile:
		return o.hashFile(ctx, s, path)
	default:
		return o.set(ctx, s, pr, path)
	}
}

// password returns the batch password, reads one line of stdin for -i, or
// asks for one.
func (o *Options) password(ctx context.Context, pr *passwordReader, prompts io.Writer) (string, error) {
	if o.Batch {
		return o.Password, nil
	}
	if o.Stdin {
		pw, err := pr.ask(ctx, io.Discard, "")
		return string(pw), err
	}
	return pr.readNew(ctx, prompts)
}

// hasher returns the hash function for this command line, warning once
// about argon2id.
func (o *Options) hasher(s Streams) pwfile.HashFunc {
	if o.Hash == pwhash.Argon2id {
		fmt.Fprintln(s.ErrOut, msgArgon2Warning)
	}
	p := o.params()
	return func(pw []byte) (string, error) {
		h, err := pwhash.Hash(pw, p)
		if err != nil {
			return "", fail(ExitError, msgHashFailed, err)
		}
		return h, nil
	}
}

// printLine is -n and "-c -": the line goes to stdout, so the prompts go to stderr
// to keep stdout to the line alone.
func (o *Options) printLine(ctx context.Context, s Streams, pr *passwordReader) error {
	pw, err := o.password(ctx, pr, s.ErrOut)
	if err != nil {
		return err
	}
	h, err := o.hasher(s)([]byte(pw))
	if err != nil {
		return err
	}
	_, err = s.Out.Write(pwfile.AppendEntry(nil, o.User, h))
	return err
}

func (o *Options) create(ctx context.Context, s Streams, pr *passwordReader, path string) error {
	pw, err := o.password(ctx, pr, s.Out)
	if err != nil {
		return err
	}
	h, err := o.hasher(s)([]byte(pw))
	if err != nil {
		return err
	}
	err = atomicfile.Create(ctx, path, func(w io.Writer) error {
		_, err := pwfile.Set(strings.NewReader(""), w, []pwfile.Update{{User: o.User, Hash: h}})
		return err
	}, o.fileOptions(s)...)
	if err != nil {
		return o.fileError(err, path)
	}
	// Written to a stream ("-c /dev/stdout"), the line is the output, as
	// with "-c -": no message after it.
	if !atomicfile.IsStream(path) {
		fmt.Fprintf(s.Out, msgAdding+"\n", o.User)
	}
	return nil
}

func (o *Options) set(ctx context.Context, s Streams, pr *passwordReader, path string) error {
	pw, err := o.password(ctx, pr, s.Out)
	if err != nil {
		return err
	}
	var h string
	if o.IfChanged {
		h, err = o.hashIfChanged(ctx, s, path, pw)
		if err == nil && h == "" {
			if err := o.keepUnchanged(ctx, s, path); err != nil {
				return err
			}
			fmt.Fprintf(s.Out, msgUnchanged+"\n", o.User)
			return nil
		}
	} else {
		h, err = o.hasher(s)([]byte(pw))
	}
	if err != nil {
		return err
	}
	var found []bool
	err = atomicfile.Edit(ctx, path, func(r io.Reader, w io.Writer) error {
		found, err = pwfile.Set(r, w, []pwfile.Update{{User: o.User, Hash: h}})
		return err
	}, o.fileOptions(s)...)
	if err != nil {
		return o.fileError(err, path)
	}
	if found[0] {
		fmt.Fprintf(s.Out, msgUpdating+"\n", o.User)
	} else {
		fmt.Fprintf(s.Out, msgAdding+"\n", o.User)
	}
	return nil
}

func (o *Options) delete(ctx context.Context, s Streams, path string) error {
	err := atomicfile.Edit(ctx, path, func(r io.Reader, w io.Writer) error {
		return pwfile.Delete(r, w, o.User)
	}, o.fileOptions(s)...)
	return o.fileError(err, path)
}

func (o *Options) hashFile(ctx context.Context, s Streams, path string) error {
	hash := o.hasher(s)
	step, done := newProgress(s, -1, "Hashing")
	err := atomicfile.Edit(ctx, path, func(r io.Reader, w io.Writer) error {
		_, err := pwfile.HashPlaintext(ctx, r, w, pwhash.Workers(o.params().Algorithm), hash, step)
		return err
	}, o.fileOptions(s)...)
	done()
	return o.fileError(err, path)
}

func (o *Options) fileOptions(s Streams) []atomicfile.Option {
	opts := []atomicfile.Option{
		atomicfile.WithLockTimeout(o.LockTimeout),
		atomicfile.WithWaitNotice(lockNoticeAfter, func() {
			fmt.Fprintf(s.ErrOut, msgLockWait+"\n", o.File)
		}),
	}
	if o.Owner != "" {
		opts = append(opts, atomicfile.WithOwner(owner.Spec{UID: o.uid, GID: o.gid, HasUID: o.uid >= 0, HasGID: o.gid >= 0}))
	}
	return opts
}

// fileError is the one place that turns what the file and hash layers
// returned into messages: this package's *Error as it is, an interrupt, the
// line of a corrupt file, a missing user or an unusable hash as -v or -D
// reports it, and the system's reason for a file that could not be opened,
// read or written. path is the file shown in messages.
func (o *Options) fileError(err error, path string) error {
	var (
		own    *Error
		parse  *pwfile.ParseError
		decode *pwhash.DecodeError
		open   *atomicfile.OpenError
		write  *atomicfile.WriteError
		sys    *fs.PathError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &own):
		return own
	case errors.Is(err, context.Canceled):
		return errInterrupted
	case errors.As(err, &parse) && o.mode == modeDelete && errors.Is(err, pwfile.ErrUserNotFound):
		// The original's two lines: it stops at the corrupt line without
		// having met the user.
		return fail(ExitError, msgCorrupt+"\n"+msgUserMissing, parse.Line, o.User)
	case errors.As(err, &parse):
		return fail(ExitError, msgCorrupt, parse.Line)
	case errors.Is(err, pwfile.ErrUserNotFound) && o.mode == modeVerify:
		return fail(ExitVerifyFailed, msgVerifyNoUser, o.User)
	case errors.Is(err, pwfile.ErrUserNotFound):
		return fail(ExitError, msgUserMissing, o.User)
	case errors.As(err, &decode):
		return fail(ExitError, msgVerifyBadHash, o.User, decode.Error())
	case errors.Is(err, errChangedMeanwhile):
		return fail(ExitError, msgImportRace, path)
	case errors.Is(err, atomicfile.ErrLockTimeout):
		return fail(ExitError, msgLockTimeout, o.LockTimeout, path)
	case errors.As(err, &open) && o.mode == modeCreate:
		return fail(ExitError, msgOpenCreate, open.Path, strerror(open.Err))
	case errors.As(err, &open):
		return fail(ExitError, msgOpen, open.Path, strerror(open.Err))
	case errors.As(err, &write) && o.mode == modeCreate:
		return fail(ExitError, msgOpenCreate, write.Path, strerror(write.Err))
	case errors.As(err, &write):
		return fail(ExitError, msgWrite, write.Path, strerror(write.Err))
	case errors.As(err, &sys):
		// Opening or reading a file outside atomicfile (-v, --list,
		// --check, the --if-changed read).
		return fail(ExitError, msgOpen, path, strerror(err))
	}
	return err
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
