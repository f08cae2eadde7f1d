package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/spf13/pflag"
)

// The options the original does not have (REFERENCE §6 item 7). Where Apache
// htpasswd has a letter for the feature we use it (-i, -v, -n), since
// upstream means the command line to follow htpasswd's.

// bindExtraFlags declares our own options on fs, bound to o.
func bindExtraFlags(fs *pflag.FlagSet, o *Options) {
	fs.BoolVarP(&o.Stdin, "stdin", "i", false, "read the password as one line from standard input, without prompt or confirmation (with -c, -v, -n or alone)")
	fs.BoolVarP(&o.Verify, "verify", "v", false, "verify the user's password against the file instead of changing it: -v [-b|-i] passwordfile username [password]; exit 3 when it is wrong or the user is unknown")
	fs.BoolVarP(&o.Print, "print", "n", false, "print the username:hash line on stdout instead of writing a file: -n [-b|-i] username [password]")
	fs.Var(&fileArgFlag{&o.List}, "list", "list the users of the password file, one per line (with --json: algorithm, parameters, salt length, line and the brokers that accept each): --list [--json] passwordfile")
	fs.Lookup("list").NoOptDefVal = fileArgLater
	fs.Var(&fileArgFlag{&o.Check}, "check", "check the password file for the --broker generation: corrupt lines, duplicate users, plaintext, rejected or weak hashes, line endings, mode and owner; exit 1 on errors: --check [--json] [--broker 2.0|2.1] passwordfile")
	fs.Lookup("check").NoOptDefVal = fileArgLater
	fs.BoolVar(&o.JSON, "json", false, "with --list or --check: print JSON")
	fs.StringVar(&o.Import, "import", "", "add or update the users of user:password lines read from this file (- for stdin) in one atomic rewrite: --import SRC passwordfile; with -c, create the file with them alone")
	fs.StringVar(&o.Owner, "owner", "", "give the written file this owner and group (USER, USER:GROUP or :GROUP, by name or number); for --check, the owner the file should have")
	fs.BoolVar(&o.IfChanged, "if-changed", false, "leave a user whose password already verifies untouched, and the file unwritten when nothing changed")
}

// fileArgLater is the value of --list and --check given without "=FILE":
// the file is then the positional argument, so that other options may come
// between (--list --json passwd), as options end at the first argument that
// is not one.
const fileArgLater = "\x00"

// fileArgFlag is --list or --check: --list FILE, or --list=FILE.
type fileArgFlag struct{ s *string }

func (f *fileArgFlag) String() string {
	if *f.s == fileArgLater {
		return ""
	}
	return *f.s
}
func (f *fileArgFlag) Type() string { return "file" }
func (f *fileArgFlag) Set(s string) error {
	*f.s = s
	return nil
}

// validateExtras holds the combination rules of our own options. The
// operations -c, -D, -U, -v, -n, --list, --check and --import exclude each
// other, except that -c with --import creates the file from the import.
func (o *Options) validateExtras() error {
	var (
		create   = operation{"-c", o.Create}
		del      = operation{"-D", o.Delete}
		hashFile = operation{"-U", o.HashFile}
		verify   = operation{"-v", o.Verify}
		printOp  = operation{"-n", o.Print}
		list     = operation{"--list", o.List != ""}
		check    = operation{"--check", o.Check != ""}
		imp      = operation{"--import", o.Import != ""}
		ops      = []operation{create, del, hashFile, verify, printOp, list, check, imp}
	)
	for i, a := range ops {
		for _, b := range ops[i+1:] {
			if a.set && b.set && !(a.name == "-c" && b.name == "--import") {
				return fail(ExitError, msgConflict, a.name, b.name)
			}
		}
	}
	inspect := list.set || check.set
	password := "-i"
	if o.Batch {
		password = "-b"
	}
	switch {
	case o.Batch && o.Stdin:
		return fail(ExitError, msgConflict, "-b", "-i")
	case o.Stdin && o.Delete:
		return fail(ExitError, msgConflict, "-i", "-D")
	case o.Stdin && o.HashFile:
		return fail(ExitError, msgConflict, "-i", "-U")
	case (o.Batch || o.Stdin) && (inspect || imp.set):
		return fail(ExitError, msgConflict, password, firstSet(list, check, imp))
	case o.JSON && !inspect:
		return fail(ExitError, msgJSONOnly)
	case o.IfChanged && (o.Create || o.Delete || o.HashFile || o.Verify || o.Print || inspect):
		return fail(ExitError, msgConflict, firstSet(create, del, hashFile, verify, printOp, list, check), "--if-changed")
	case o.Owner != "" && (o.Verify || o.Print || o.List != ""):
		return fail(ExitError, msgConflict, firstSet(verify, printOp, list), "--owner")
	}
	return nil
}

// operation is an option that chooses what a run does, and whether it is set.
type operation struct {
	name string
	set  bool
}

// firstSet returns the name of the first operation that is set.
func firstSet(ops ...operation) string {
	for _, op := range ops {
		if op.set {
			return op.name
		}
	}
	return ""
}

// extraPositionals fills in the positional arguments of -v, -n, --list,
// --check and --import. Too few give a message naming what is missing, as
// the original's -c and -D do; too many give the usage text, as the
// original's plain mode does. done means there is no username to check.
func (o *Options) extraPositionals(args []string) (done bool, err error) {
	want := func(n int, few string) error {
		switch {
		case len(args) < n:
			return &Error{Code: ExitError, Msg: few}
		case len(args) > n:
			return errUsage
		}
		return nil
	}
	switch {
	case o.Verify && o.Batch:
		if err := want(3, msgVerifyBatchArgs); err != nil {
			return true, err
		}
		o.mode, o.File, o.User, o.Password = modeVerify, args[0], args[1], args[2]
	case o.Verify:
		if err := want(2, msgVerifyArgs); err != nil {
			return true, err
		}
		o.mode, o.File, o.User = modeVerify, args[0], args[1]
	case o.Print && o.Batch:
		if err := want(2, msgPrintBatchArgs); err != nil {
			return true, err
		}
		o.mode, o.User, o.Password = modePrint, args[0], args[1]
	case o.Print:
		if err := want(1, msgPrintArgs); err != nil {
			return true, err
		}
		o.mode, o.User = modePrint, args[0]
	case o.Import != "":
		o.mode = modeImport
		if err := want(1, msgImportArgs); err != nil {
			return true, err
		}
		o.File = args[0]
		return true, nil
	default: // --list, --check
		o.mode, o.File = modeList, o.List
		if o.Check != "" {
			o.mode, o.File = modeCheck, o.Check
		}
		if o.File != fileArgLater {
			return true, want(0, "")
		}
		option := "--check"
		if o.mode == modeList {
			option = "--list"
		}
		if err := want(1, fmt.Sprintf(msgInspectArgs, option)); err != nil {
			return true, err
		}
		o.File = args[0]
		return true, nil
	}
	return false, nil
}

// validateTarget holds the rules of our own options that depend on the
// positional arguments, and resolves --owner, so that a bad owner is
// reported before any password is asked for.
func (o *Options) validateTarget() error {
	switch {
	case o.mode == modeImport && o.Create && o.File == dashArg:
		// Elsewhere "-c -" prints the line; an import has no line to print.
		return fail(ExitError, msgImportStdout)
	case o.Owner != "" && o.mode == modeCreate && o.File == dashArg:
		return fail(ExitError, msgConflict, "-c -", "--owner")
	case o.Owner != "":
		var err error
		o.uid, o.gid, err = parseOwner(o.Owner)
		return err
	}
	return nil
}

// runExtra runs the operations of our own options and reports whether it
// did; the original's operations are left to run.
func (o *Options) runExtra(ctx context.Context, s Streams, pr *passwordReader) (bool, error) {
	switch o.mode {
	case modePrint:
		return true, o.printLine(ctx, s, pr)
	case modeVerify:
		return true, o.verify(ctx, s, pr)
	case modeList:
		return true, o.list(s)
	case modeCheck:
		return true, o.check(s)
	case modeImport:
		return true, o.importUsers(ctx, s)
	}
	return false, nil
}

// openRead opens an existing password file for reading only, for -v,
// --list and --check, which never write it. It returns the path shown in
// messages: the real path, as the original shows it.
func (o *Options) openRead() (*os.File, string, error) {
	path, err := atomicfile.Resolve(o.File)
	if err != nil {
		return nil, "", fail(ExitError, msgResolve, strerror(err))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", o.fileError(err, path)
	}
	return f, path, nil
}

func (o *Options) verify(ctx context.Context, s Streams, pr *passwordReader) error {
	// As for an update, the file is opened before the password is asked for.
	f, path, err := o.openRead()
	if err != nil {
		return err
	}
	defer f.Close()
	pw := o.Password
	switch {
	case o.Stdin:
		b, err := pr.ask(ctx, io.Discard, "")
		if err != nil {
			return err
		}
		pw = string(b)
	case !o.Batch:
		b, err := pr.ask(ctx, s.Out, msgPrompt)
		if err != nil {
			return err
		}
		pw = string(b)
	}
	ok, err := pwfile.Authenticate(f, o.User, []byte(pw))
	switch {
	case err != nil:
		return o.fileError(err, path)
	case !ok:
		return fail(ExitVerifyFailed, msgVerifyWrong, o.User)
	}
	fmt.Fprintf(s.Out, msgVerifyOK+"\n", o.User)
	return nil
}

// keeps reports whether an existing hash may stay under --if-changed.
func (o *Options) keeps(hash string) bool {
	return o.params().Satisfies(hash, o.Broker, o.Iterations > 0)
}

// hashIfChanged hashes pw for --if-changed, unless the user's entries in the
// file at path already hold it: then it returns "".
func (o *Options) hashIfChanged(ctx context.Context, s Streams, path, pw string) (string, error) {
	current, _, err := o.hashesOf(path, []string{o.User})
	if err != nil {
		return "", err
	}
	creds := []pwfile.Credential{{User: o.User, Password: []byte(pw)}}
	updates, _, err := pwfile.HashAll(ctx, creds, 1, o.hasher(s), current, o.keeps, nil)
	if err != nil || len(updates) == 0 {
		return "", o.fileError(err, path)
	}
	return updates[0].Hash, nil
}

// keepUnchanged is what --if-changed does when the password already
// verifies: nothing, unless --owner asks for another owner, which only a
// rewrite with the lines as they are can give.
func (o *Options) keepUnchanged(ctx context.Context, s Streams, path string) error {
	if o.Owner == "" || ownedBy(path, o.uid, o.gid) {
		return nil
	}
	return o.fileError(atomicfile.Edit(ctx, path, func(r io.Reader, w io.Writer) error {
		_, err := pwfile.Set(r, w, nil)
		return err
	}, o.fileOptions(s)...), path)
}
