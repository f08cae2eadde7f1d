package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/brokerconf"
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
// reported before the user types anything), except that --import and
// --import-hashed read and check their source first. Every error goes
// through explain.
func run(ctx context.Context, o *Options, s Streams) error {
	s.Out = stdoutWriter{s.Out}
	// The original accepts such names too; "passwd --list" is one.
	if strings.HasPrefix(o.User, "-") {
		fmt.Fprintf(s.ErrOut, msgUsernameOption+"\n", o.User)
	}
	pr := newPasswordReader(s)
	if o.Print || o.Create && o.File == dashArg {
		return explain(printLine(ctx, o, s, pr), o, nil)
	}
	var cfg *brokerconf.Config
	if o.Conf != "" {
		var err error
		if cfg, err = readConf(o); err != nil {
			return err
		}
		if o.FileFromConf && o.Check != "" {
			return explain(checkConf(ctx, o, s, cfg), o, nil)
		}
	}
	var src importSource
	if o.Import != "" || o.ImportHashed != "" {
		var err error
		if src, err = readImport(o, s); err != nil {
			return err
		}
	}
	purpose := atomicfile.ForEditing
	switch {
	case o.Create:
		purpose = atomicfile.ForCreating
	case src != nil:
		// A first import creates the file.
		purpose = atomicfile.ForMerging
	case o.Verify || o.List != "" || o.Check != "" || o.Export != "":
		purpose = atomicfile.ForReading
	}
	f, err := atomicfile.Open(o.File, purpose, fileOptions(o, s)...)
	if err == nil && (purpose == atomicfile.ForCreating || purpose == atomicfile.ForMerging) {
		f, err = forBroker(o, s, cfg, f, purpose, fileOptions(o, s))
	}
	if err != nil {
		return explain(err, o, nil)
	}
	// What create, set and an import print comes after the file is
	// written: a failed write of it must not hide that the change was made.
	report := &reportWriter{w: s.Out}
	reporting := s
	reporting.Out = report
	switch {
	case src != nil:
		err = importUsers(ctx, o, reporting, f, src)
	case o.Export != "":
		err = exportUsers(ctx, o, s, f, cfg)
	case o.Create:
		err = create(ctx, o, reporting, pr, f)
	case o.Delete:
		err = deleteUser(ctx, o, f)
	case o.HashFile:
		err = upgrade(ctx, o, s, f)
	case o.Verify:
		err = verify(ctx, o, s, pr, f)
	case o.List != "":
		err = list(ctx, o, s, f)
	case o.Check != "":
		err = check(ctx, o, s, f, cfg)
	default:
		err = set(ctx, o, reporting, pr, f)
	}
	if err == nil && o.Reload != "" && f.Written() {
		err = reloadBroker(o, reporting, cfg)
	}
	if err == nil && report.err != nil {
		err = fail(ExitError, msgStdoutChanged, strerror(report.err))
	}
	return explain(err, o, f)
}

// reportWriter takes what an edit prints once the file is written. A write
// that fails is remembered, not returned, so that the run goes on (a
// reload still happens) and ends with an error that says the file was
// changed; one that fails because the reader has gone (| head -0) is
// forgotten, as if the message had been read.
type reportWriter struct {
	w   io.Writer
	err error
}

func (r *reportWriter) Write(p []byte) (int, error) {
	_, err := r.w.Write(p)
	if err != nil && r.err == nil && !errors.Is(err, syscall.EPIPE) {
		r.err = err
	}
	return len(p), nil
}

func fileOptions(o *Options, s Streams) []atomicfile.Option {
	opts := []atomicfile.Option{
		atomicfile.WithLockTimeout(o.LockTimeout),
		atomicfile.WithWaitNotice(lockNoticeAfter, func() {
			fmt.Fprintf(s.ErrOut, msgLockWait+"\n", o.File)
		}),
		atomicfile.WithOwner(o.Owner),
		atomicfile.WithValidate(pwfile.Validate),
	}
	if o.UnsafeLinks {
		opts = append(opts, atomicfile.WithFollowUnsafeLinks())
	}
	if o.InPlace {
		opts = append(opts, atomicfile.WithInPlace())
	}
	return opts
}

// params returns the hash settings of a command line.
func params(o *Options) pwhash.Params {
	p := pwhash.ParamsFor(o.Hash, o.Broker)
	p.Iterations = o.Iterations
	return p
}

// hasher returns how a command line hashes passwords, warning once about
// argon2id unless --broker 2.1-argon2 says the broker loads it: several at
// once in SIMD lanes (pwhash.HashBatch) on every core that the algorithm's
// memory allows.
func hasher(o *Options, s Streams) pwfile.Hasher {
	if o.Hash == pwhash.Argon2id && o.Broker != pwhash.Broker21Argon2 {
		fmt.Fprintln(s.ErrOut, msgArgon2Warning)
	}
	p := params(o)
	return pwfile.Hasher{
		Batch:   pwhash.BatchSize(p.Algorithm),
		Workers: pwhash.Workers(p.Algorithm),
		Hash: func(passwords [][]byte) ([]string, error) {
			hashes, err := pwhash.HashBatch(passwords, p)
			if err != nil {
				return nil, fail(ExitError, msgHashFailed, err)
			}
			return hashes, nil
		},
	}
}

// hashOne hashes one password as the command line asks.
func hashOne(o *Options, s Streams, password string) (string, error) {
	hashes, err := hasher(o, s).Hash([][]byte{[]byte(password)})
	if err != nil {
		return "", err
	}
	return hashes[0], nil
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
	h, err := hashOne(o, s, pw)
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
	h, err := hashOne(o, s, pw)
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
	updates, _, err := pwfile.HashAll(ctx, creds, hasher(o, s), keep, nil)
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
	var cond atomicfile.EditOption
	var err error
	if keep.Current, cond, err = currentHashes(ctx, f, users); err != nil {
		return nil, nil, err
	}
	return keep, cond, nil
}

// currentHashes reads the hashes users have in f (pwfile.Hashes), and a
// condition for an edit that relies on them.
func currentHashes(ctx context.Context, f *atomicfile.File, users []string) (map[string][]string, atomicfile.EditOption, error) {
	var current map[string][]string
	snap, err := f.Read(ctx, func(r io.Reader) (err error) {
		current, err = pwfile.Hashes(r, users)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return current, atomicfile.IfUnchanged(snap), nil
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

// editAttempts is how many times -U and --if-changed --import read, hash
// and try to write a file that others change meanwhile before they give up.
const editAttempts = 3

// beforeConditionalEdit, when not nil, is called after -U or --if-changed
// --import has hashed and before it tries to write, for tests to change the
// file in between.
var beforeConditionalEdit func()

// upgrade is -U: every user:plaintext line is hashed, on all cores, without
// the lock, so that other runs can edit the file meanwhile (hashing 150,000
// users takes half a minute). The file is then rewritten under the lock if
// it is still what was read, or read again and only its new plaintext
// entries hashed, up to editAttempts times.
func upgrade(ctx context.Context, o *Options, s Streams, f *atomicfile.File) error {
	hash := hasher(o, s)
	up := pwfile.NewUpgrade()
	defer up.Clear()
	for attempt := 1; ; attempt++ {
		var creds []pwfile.Credential
		snap, err := f.Read(ctx, func(r io.Reader) (err error) {
			creds, err = up.Pending(r)
			return err
		})
		if err != nil {
			return err
		}
		step, done := newProgress(s, len(creds), "Hashing")
		err = up.Hash(ctx, creds, hash, step)
		done()
		if err != nil {
			return err
		}
		if beforeConditionalEdit != nil {
			beforeConditionalEdit()
		}
		err = f.Edit(ctx, func(r io.Reader, w io.Writer) error {
			_, _, err := up.Apply(r, w)
			return err
		}, atomicfile.IfUnchanged(snap))
		if !errors.Is(err, atomicfile.ErrChanged) || attempt == editAttempts {
			return err
		}
	}
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
// interrupt, a failed write to stdout, a path that cannot be resolved, the line of a corrupt file, a
// missing user or an unusable hash as -v or -D reports it, and the system's
// reason for a file that could not be opened, read or written, or for
// --export's output that could not be written. f is the file the operation
// opened, nil before that; messages show its path.
func explain(err error, o *Options, f *atomicfile.File) error {
	path := o.File
	if f != nil {
		path = f.Path()
	}
	creating := o.Create && o.Import == "" && o.ImportHashed == ""
	var (
		own     *Error
		output  *outputError
		out     *stdoutError
		resolve *atomicfile.ResolveError
		link    *atomicfile.UnsafeLinkError
		planted *atomicfile.PlantedFileError
		durable *atomicfile.NotDurableError
		attr    *atomicfile.AttrError
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
	case errors.As(err, &out) && errors.Is(err, syscall.EPIPE):
		// Whoever read stdout has gone (--list | head): the output that was
		// this run's result is cut short. Silent, as a tool killed by
		// SIGPIPE is, but not exit 0. Messages after a written file are not
		// results: their errors are ignored where they are printed.
		return &Error{Code: ExitError}
	case errors.As(err, &out):
		return fail(ExitError, msgStdoutWrite, strerror(out.err))
	case errors.As(err, &output) && !errors.As(err, &link) && !errors.As(err, &planted) && !errors.As(err, &durable) && !errors.As(err, &attr):
		// -o's file gets the password file's messages for these four,
		// with its own path.
		return fail(ExitError, msgExportWrite, output.path, strerror(output.err))
	case errors.As(err, &resolve):
		return fail(ExitError, msgResolve, strerror(resolve.Err))
	case errors.As(err, &link):
		return fail(ExitError, msgUnsafeLink, link.Link, owner.UserName(link.Owner))
	case errors.As(err, &planted):
		return fail(ExitError, msgPlanted, planted.Path, planted.Reason)
	case errors.As(err, &durable):
		return fail(ExitNotDurable, msgNotDurable, durable.Path, strerror(durable.Err))
	case errors.As(err, &attr):
		return fail(ExitError, msgAttr, attr.Path, attr.Attr, strerror(attr.Err))
	case errors.As(err, &parse) && errors.Is(err, pwfile.ErrBareCR):
		return fail(ExitError, msgBareCR, path, parse.Line)
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
	case errors.Is(err, atomicfile.ErrChanged) && o.HashFile:
		return fail(ExitError, msgUpgradeRace, path, editAttempts)
	case errors.Is(err, atomicfile.ErrChanged):
		return fail(ExitError, msgImportRace, path, editAttempts)
	case errors.Is(err, atomicfile.ErrLockTimeout):
		return fail(ExitError, msgLockTimeout, o.LockTimeout, path)
	case errors.As(err, &write) && errors.Is(write.Err, syscall.EPERM) && os.Geteuid() > 0:
		// chown, the one step that needs a right beyond the directory's:
		// the new file gets the owner asked for, or else the old one's.
		if o.OwnerName != "" {
			return fail(ExitError, msgOwnerNeedsRoot, write.Path)
		}
		return fail(ExitError, msgKeepOwner, write.Path)
	case errors.As(err, &write) && write.Dir != "" && errors.Is(write.Err, syscall.EACCES) && !creating:
		// The original writes the file in place, so it succeeds here.
		return fail(ExitError, msgWriteDir, write.Path, write.Dir)
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
