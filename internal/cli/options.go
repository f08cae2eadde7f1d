package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/hashconv"
	"github.com/mqpasswd/mqpasswd/internal/owner"
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
	"github.com/mqpasswd/mqpasswd/internal/reload"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Options is a command line: the options as bindFlags reads them, then the
// positional arguments and the --owner they name, which validate fills in.
type Options struct {
	Hash        pwhash.Algorithm
	Iterations  int // 0: none chosen, the algorithm's default
	Broker      pwhash.Broker
	BrokerGiven bool // --broker was given, not left at its default
	Batch       bool
	Create      bool
	Delete      bool
	HashFile    bool // -U
	LockTimeout time.Duration
	Version     bool   // --version: print the version instead
	Completion  string // --completion: print this shell's completion script instead
	Stdin       bool   // -i: the password is one line of stdin, without prompt
	Verify      bool   // -v
	Print       bool   // -n
	List        string // --list FILE, or fileArgLater
	Check       string // --check FILE, or fileArgLater
	JSON        bool   // --json, for --list and --check
	Import      string // --import SRC: user:password lines, - for stdin
	OwnerName   string // --owner USER[:GROUP] as given
	IfChanged   bool   // --if-changed
	Conf        string // --conf FILE: the broker's mosquitto.conf
	Reload      string // --reload[=PIDFILE]: a PID file, or reloadAny
	UnsafeLinks bool   // --follow-unsafe-links
	InPlace     bool   // --in-place

	ImportHashed string          // --import-hashed SRC: user:hash lines, - for stdin
	Export       hashconv.Format // --export FORMAT
	Output       string          // -o OUT: where --export writes, - or "" for stdout

	File     string
	User     string
	Password string     // batch mode only
	Owner    owner.Spec // --owner, looked up; zero without it
	// FileFromConf says that the password file was left out for --conf to
	// name (run then sets File); for --check, that every password file of
	// the configuration is checked.
	FileFromConf bool
}

// dashArg is the file name "-": the standard output for -c (Mosquitto 2.1
// prints the line instead of writing a file) and for -o, the standard input
// for --import and --import-hashed.
const dashArg = "-"

// fileArgLater is the value of --list and --check given without "=FILE":
// the file is then the positional argument, so that other options may come
// between (--list --json passwd), as options end at the first argument that
// is not one.
const fileArgLater = "\x00"

// reloadAny is the value of --reload given without "=PIDFILE": the broker is
// then found through --conf's pid_file, or by its executable's name.
const reloadAny = "\x00"

// bindFlags declares every option on fs, bound to o, with its default. A
// value is checked as it is read, so that, as in the original, the first bad
// one from the left decides the message. The options the original does not
// have (REFERENCE §6 item 7) come last; where Apache htpasswd has a letter
// for the feature we use it (-i, -v, -n), since upstream means the command
// line to follow htpasswd's.
func bindFlags(fs *pflag.FlagSet, o *Options) {
	fs.TextVarP(&o.Hash, "hash", "H", pwhash.PBKDF2, "the hash: sha512-pbkdf2 (every 2.0 and 2.1 broker), sha512 (what Mosquitto 1.6 and earlier wrote) or argon2id, also called argon2 (only 2.1 brokers built with argon2)")
	fs.FuncP("iterations", "I", "sha512-pbkdf2 iterations, at most 4194304; each one costs the broker CPU time on every client connection", func(s string) error {
		// C's atoi, as the original reads -I: "12x" is 12 and "abc" is 0.
		n := atoi(s)
		if n < 1 {
			return fail(ExitError, msgIterationsLow)
		}
		o.Iterations = n
		return nil
	})
	fs.BoolVarP(&o.Batch, "batch", "b", false, "batch mode: the password is the third argument (other users can see it in ps)")
	fs.BoolVarP(&o.Create, "create", "c", false, "create the password file, replacing an existing one; with the file name -, print the line on stdout")
	fs.BoolVarP(&o.Delete, "delete", "D", false, "delete the user (every entry of it)")
	fs.BoolVarP(&o.HashFile, "update-file", "U", false, "hash every user:plaintext entry of the file; entries that already hold a hash are left alone")
	fs.TextVar(&o.Broker, "broker", pwhash.Broker20, "the broker generation the file is for: 2.0 (12-byte salts, which every broker accepts), 2.1 (64-byte salts, which 2.0 brokers refuse) or 2.1-argon2 (2.1 built with argon2, which also loads argon2id)")
	o.LockTimeout = atomicfile.DefaultLockTimeout
	fs.Func("lock-timeout", "how long to wait while another mosquitto_passwd is changing the same file", func(s string) error {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return fail(ExitError, msgBadDuration, s)
		}
		o.LockTimeout = d
		return nil
	})
	fs.Bool("help", false, "print the usage text and exit")
	fs.BoolVar(&o.Version, "version", false, "print the version and exit")
	fs.Func("completion", "print the completion script for the shell (bash, zsh, fish or powershell) and exit", func(s string) error {
		if _, ok := completionScripts[s]; !ok {
			return fail(ExitError, msgUnknownShell, s)
		}
		o.Completion = s
		return nil
	})

	fs.BoolVarP(&o.Stdin, "stdin", "i", false, "read the password as one line from standard input, without prompt or confirmation (with -c, -v, -n or alone)")
	fs.BoolVarP(&o.Verify, "verify", "v", false, "verify the user's password against the file instead of changing it: -v [-b|-i] passwordfile username [password]; exit 3 when it is wrong or the user is unknown")
	fs.BoolVarP(&o.Print, "print", "n", false, "print the username:hash line on stdout instead of writing a file: -n [-b|-i] username [password]")
	fs.Func("list", "list the users of the password file, one per line (with --json: algorithm, parameters, salt length, line and the brokers that accept each): --list [--json] passwordfile", func(s string) error {
		o.List = s
		return nil
	})
	fs.Func("check", "check the password file for the --broker generation: corrupt lines, duplicate users, plaintext, rejected or weak hashes, line endings, mode and owner; exit 1 on errors: --check [--json] [--broker 2.0|2.1] passwordfile", func(s string) error {
		o.Check = s
		return nil
	})
	fs.BoolVar(&o.JSON, "json", false, "with --list or --check: print JSON")
	fs.StringVar(&o.Import, "import", "", "add or update the users of user:password lines read from this file (- for stdin) in one atomic rewrite, creating a missing file: --import SRC passwordfile; with -c, create the file with them alone")
	fs.StringVar(&o.OwnerName, "owner", "", "give the written file this owner and group (USER, USER:GROUP or :GROUP, by name or number): the broker's user, for --check and --reload too; as root, a new file otherwise goes to the user --conf, PUID/PGID or the local mosquitto user names")
	fs.BoolVar(&o.IfChanged, "if-changed", false, "leave a user whose password already verifies untouched, and the file unwritten when nothing changed")
	fs.StringVar(&o.Conf, "conf", "", "the broker's mosquitto.conf: its user owns new files and is the one --check judges access for; --check --conf FILE alone checks every password file it loads and its listeners; other commands may leave out the password file when it names exactly one")
	fs.Func("reload", "after a write that changed the file, validate it for --broker (without it, for 2.0 and 2.1 alike) and make the broker reload it (SIGHUP): the PID in PIDFILE, else --conf's pid_file, else every process named mosquitto; nothing is signalled when the file would make the broker drop users or quit; exit 4 when no broker runs", func(s string) error {
		o.Reload = s
		return nil
	})
	fs.BoolVar(&o.UnsafeLinks, "follow-unsafe-links", false, "follow a symbolic link to the password file although another user could have planted it (a link not yours, in a directory others can write); refused by default")
	fs.BoolVar(&o.InPlace, "in-place", false, "rewrite the file in place instead of replacing it, for a file bind-mounted into a container where this run cannot see that mount (another host, a rootless runtime); found by itself otherwise")
	fs.StringVar(&o.ImportHashed, "import-hashed", "", "as --import, for user:hash lines: $7$, $6$ and $argon2id$ as given, passlib's $pbkdf2-sha512$ and mosquitto-go-auth's PBKDF2$sha512$ as the same $7$; a hash the --broker generation cannot load is a bad line: --import-hashed SRC passwordfile")
	fs.Func("export", "write the users of the password file, without passwords, as dynsec (a dynamic-security plugin configuration for the --broker generation), goauth or passlib (user:hash lines); exit 1 when an entry was left out: --export FORMAT [-o OUT] passwordfile", func(s string) error {
		f, err := hashconv.ParseFormat(s)
		if err != nil {
			return fail(ExitError, msgUnknownFormat, s)
		}
		o.Export = f
		return nil
	})
	fs.StringVarP(&o.Output, "output", "o", "", "with --export: write to this file, replaced atomically, instead of standard output")

	// The defaults the manual page shows, which a Func flag cannot know.
	fs.Lookup("iterations").DefValue = strconv.Itoa(pwhash.DefaultIterations)
	fs.Lookup("lock-timeout").DefValue = atomicfile.DefaultLockTimeout.String()
	fs.Lookup("list").NoOptDefVal = fileArgLater
	fs.Lookup("check").NoOptDefVal = fileArgLater
	fs.Lookup("reload").NoOptDefVal = reloadAny
}

// atoi is C's atoi as glibc implements it (strtol, then truncated to int):
// leading white space and a sign are read, then digits up to the first
// non-digit; an overflowing value saturates before the truncation.
func atoi(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var n int64
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		d := int64(s[i] - '0')
		if n > (1<<63-1-d)/10 {
			n = 1<<63 - 1
			if neg {
				n = -1 << 63
				neg = false
			}
			break
		}
		n = n*10 + d
	}
	if neg {
		n = -n
	}
	return int(int32(n))
}

// flagError turns pflag's errors into the original's messages.
func flagError(_ *cobra.Command, err error) error {
	var (
		own     *Error
		invalid *pflag.InvalidValueError
		missing *pflag.ValueRequiredError
		unknown *pflag.NotExistError
	)
	switch {
	case errors.As(err, &own):
		return own
	case errors.As(err, &invalid) && errors.Is(err, pwhash.ErrUnknownAlgorithm):
		return fail(ExitError, msgUnknownHash, invalid.GetValue())
	case errors.As(err, &invalid) && errors.Is(err, pwhash.ErrUnknownBroker):
		return fail(ExitError, msgBadBroker, invalid.GetValue())
	case errors.As(err, &missing):
		switch missing.GetFlag().Shorthand {
		case "H":
			return fail(ExitError, msgHashMissing)
		case "I":
			return fail(ExitError, msgIterationsMissing)
		}
		return fail(ExitError, msgNeedsValue, missing.GetFlag().Name)
	case errors.As(err, &unknown):
		name := "--" + unknown.GetSpecifiedName()
		if unknown.GetSpecifiedShortnames() != "" {
			name = "-" + unknown.GetSpecifiedName()[:1]
		}
		return failUsage(msgUnknownOption, name)
	}
	return fail(ExitError, msgInternal, err)
}

// usernameMessages is the message for each reason pwfile.CheckUsername
// refuses a name: the original's rules 15-17, then our own.
var usernameMessages = map[error]string{
	pwfile.ErrUsernameTooLong: msgUsernameTooLong,
	pwfile.ErrUsernameControl: msgUsernameControl,
	pwfile.ErrUsernameColon:   msgUsernameColon,
	pwfile.ErrUsernameComment: msgUsernameComment,
	pwfile.ErrUsernameEmpty:   msgUsernameEmpty,
	pwfile.ErrUsernameSpace:   msgUsernameSpace,
}

// validate holds every rule on a command line's combination of options and
// its positional arguments, in the order the first failing one decides the
// message: the original's (REFERENCE §1, rules 6-18), with our own options'
// rules after each group of them, so that every original command line gets
// the original's message. It fills in o's positional arguments and looks
// --owner up, so that a bad owner is reported before any password is asked
// for.
func validate(o *Options, args []string) error {
	// The original's rules 6-9.
	switch {
	case o.Create && o.Delete:
		return fail(ExitError, msgCreateDelete)
	case o.Create && o.HashFile:
		return fail(ExitError, msgCreateUpdate)
	case o.Delete && o.HashFile:
		return fail(ExitError, msgDeleteUpdate)
	case o.Delete && o.Batch:
		return fail(ExitError, msgBatchDelete)
	}

	// The operations exclude each other, except that -c with --import
	// creates the file from the import.
	var (
		create   = operation{"-c", o.Create}
		del      = operation{"-D", o.Delete}
		hashFile = operation{"-U", o.HashFile}
		verify   = operation{"-v", o.Verify}
		printOp  = operation{"-n", o.Print}
		list     = operation{"--list", o.List != ""}
		check    = operation{"--check", o.Check != ""}
		imp      = operation{"--import", o.Import != ""}
		hashed   = operation{"--import-hashed", o.ImportHashed != ""}
		export   = operation{"--export", o.Export != ""}
		ops      = []operation{create, del, hashFile, verify, printOp, list, check, imp, hashed, export}
	)
	for i, a := range ops {
		for _, b := range ops[i+1:] {
			if a.set && b.set && !(a == create && (b == imp || b == hashed)) {
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
	case (o.Batch || o.Stdin) && (inspect || imp.set || hashed.set || export.set):
		return fail(ExitError, msgConflict, password, firstSet(list, check, imp, hashed, export))
	case o.JSON && !inspect:
		return fail(ExitError, msgJSONOnly)
	case o.Output != "" && !export.set:
		return fail(ExitError, msgOutputOnly)
	case o.IfChanged && (o.Create || o.Delete || o.HashFile || o.Verify || o.Print || inspect || export.set):
		return fail(ExitError, msgConflict, firstSet(create, del, hashFile, verify, printOp, list, check, export), "--if-changed")
	case o.OwnerName != "" && (o.Verify || o.Print || list.set):
		return fail(ExitError, msgConflict, firstSet(verify, printOp, list), "--owner")
	case o.OwnerName != "" && export.set && (o.Output == "" || o.Output == dashArg):
		// --owner is for the file written; without -o that is stdout.
		return fail(ExitError, msgExportOwner)
	case o.Conf != "" && o.Print:
		return fail(ExitError, msgConflict, "-n", "--conf")
	case o.Reload != "" && (o.Verify || o.Print || inspect || export.set):
		return fail(ExitError, msgConflict, firstSet(verify, printOp, list, check, export), "--reload")
	case o.Reload != "" && !reload.Supported:
		return fail(ExitError, msgReloadUnsupported)
	}

	// With --conf the password file may be left out when the configuration
	// names it: exactly one argument fewer than the command takes. No
	// original command line has --conf, so this changes none of them.
	if o.Conf != "" && !o.Print && len(args) == positionals(o)-1 {
		args = append([]string{""}, args...)
		o.FileFromConf = true
	}

	// The positional arguments: the original's rules 10-14, and ours. Too
	// few give a message naming what is missing, as the original's -c and
	// -D do; too many give a reason and the short usage, where the
	// original's plain mode gives its usage, except that, like the
	// original, -c and -D ignore extra ones.
	checkUser := true
	var err error
	switch {
	case o.Verify && o.Batch:
		err = fill(args, msgVerifyBatchArgs, &o.File, &o.User, &o.Password)
	case o.Verify:
		err = fill(args, msgVerifyArgs, &o.File, &o.User)
	case o.Print && o.Batch:
		err = fill(args, msgPrintBatchArgs, &o.User, &o.Password)
	case o.Print:
		err = fill(args, msgPrintArgs, &o.User)
	case imp.set:
		checkUser = false
		err = fill(args, msgImportArgs, &o.File)
	case hashed.set || export.set:
		checkUser = false
		err = fill(args, fmt.Sprintf(msgInspectArgs, firstSet(hashed, export)), &o.File)
	case inspect:
		checkUser = false
		option, file := "--list", o.List
		if check.set {
			option, file = "--check", o.Check
		}
		if file == fileArgLater {
			err = fill(args, fmt.Sprintf(msgInspectArgs, option), &o.File)
		} else {
			o.File = file
			err = fill(args, "")
		}
	case o.Create && o.Batch:
		if len(args) < 3 {
			return fail(ExitError, msgCreateBatchArgs)
		}
		o.File, o.User, o.Password = args[0], args[1], args[2]
	case o.Create:
		if len(args) < 2 {
			return fail(ExitError, msgCreateArgs)
		}
		o.File, o.User = args[0], args[1]
	case o.Delete:
		if len(args) < 2 {
			return fail(ExitError, msgDeleteArgs)
		}
		o.File, o.User = args[0], args[1]
	case o.HashFile:
		if len(args) != 1 {
			return fail(ExitError, msgUpdateArgs)
		}
		checkUser = false
		o.File = args[0]
	case o.Batch && len(args) == 3:
		o.File, o.User, o.Password = args[0], args[1], args[2]
	case !o.Batch && len(args) == 2:
		o.File, o.User = args[0], args[1]
	case o.Batch && len(args) < 3:
		return wrongArgs(args, msgBatchArgs)
	case o.Batch:
		return wrongArgs(args, msgTooManyBatch)
	case len(args) < 2:
		return wrongArgs(args, msgPlainArgs)
	default:
		return wrongArgs(args, msgTooManyPlain)
	}
	if err != nil {
		return err
	}

	// The original's rules 15-18, and an empty or commented-out name.
	if checkUser {
		if err := pwfile.CheckUsername(o.User); err != nil {
			return fail(ExitError, "%s", usernameMessages[err])
		}
		if len(o.Password) > pwfile.MaxPasswordLen {
			return fail(ExitError, msgPasswordTooLong)
		}
		// The original stores the hash of "", which no broker accepts at
		// login; the prompt and -i refuse it with the same message.
		if o.Batch && o.Password == "" {
			return fail(ExitError, msgEmptyPassword)
		}
	}

	// The rules on the arguments themselves.
	switch {
	case (imp.set || hashed.set) && o.Create && o.File == dashArg:
		// Elsewhere "-c -" prints the line; an import has no line to print.
		return fail(ExitError, msgImportStdout, firstSet(imp, hashed))
	case o.Hash == pwhash.PBKDF2 && o.Iterations > pwhash.MaxIterations:
		// pwhash refuses it too, but only after the password was typed.
		return fail(ExitError, msgIterationsHigh, pwhash.MaxIterations)
	case o.OwnerName != "" && o.Create && o.File == dashArg:
		return fail(ExitError, msgConflict, "-c -", "--owner")
	case o.Reload != "" && o.Create && o.File == dashArg:
		return fail(ExitError, msgConflict, "-c -", "--reload")
	case o.OwnerName != "":
		o.Owner, err = parseOwner(o.OwnerName)
		return err
	}
	return nil
}

// positionals is how many arguments the command line's operation takes, the
// password file first: as many as validate fills in (for -c and -D, the
// fewest they take).
func positionals(o *Options) int {
	switch {
	case o.Verify && o.Batch:
		return 3
	case o.Verify:
		return 2
	case o.Import != "" || o.ImportHashed != "" || o.Export != "":
		return 1
	case o.List != "" || o.Check != "":
		if o.List == fileArgLater || o.Check == fileArgLater {
			return 1
		}
		return 0
	case o.Create && o.Batch:
		return 3
	case o.Create, o.Delete:
		return 2
	case o.HashFile:
		return 1
	case o.Batch:
		return 3
	}
	return 2
}

// fill sets dst to args, one each, for our own operations: too few give the
// message few, too many the usage text.
func fill(args []string, few string, dst ...*string) error {
	switch {
	case len(args) < len(dst):
		return fail(ExitError, "%s", few)
	case len(args) > len(dst):
		return wrongArgs(args, msgTooManyArgs)
	}
	for i, d := range dst {
		*d = args[i]
	}
	return nil
}

// wrongArgs is a wrong number of positional arguments: the reason, unless
// one after the first is an option of ours, which must then have been meant
// as one. Only such an option is quoted, never another argument, which may
// be a password.
func wrongArgs(args []string, reason string) error {
	for _, a := range args[min(1, len(args)):] {
		if isOptionName(a) {
			return failUsage(msgOptionAfterFile, a)
		}
	}
	return failUsage("%s", reason)
}

// isOptionName reports whether arg is one of our options as splitOptions
// reads them: "-b", "--list", "--list=passwd".
func isOptionName(arg string) bool {
	fs := optionNames()
	if long, ok := strings.CutPrefix(arg, "--"); ok {
		name, _, _ := strings.Cut(long, "=")
		return name != "" && fs.Lookup(name) != nil
	}
	return len(arg) == 2 && arg[0] == '-' && fs.ShorthandLookup(arg[1:]) != nil
}

// optionNames holds every option, for isOptionName.
var optionNames = sync.OnceValue(func() *pflag.FlagSet {
	fs := pflag.NewFlagSet("", pflag.ContinueOnError)
	bindFlags(fs, &Options{})
	return fs
})

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
