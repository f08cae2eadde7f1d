package cli

import (
	"errors"
	"strconv"
	"time"

	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

type mode int

const (
	modeSet      mode = iota // add or update a user (plain or -b)
	modeCreate               // -c
	modeDelete               // -D
	modeHashFile             // -U
	modeVerify               // -v
	modePrint                // -n
	modeList                 // --list
	modeCheck                // --check
	modeImport               // --import
)

// Options is a command line, parsed and checked.
type Options struct {
	Hash        pwhash.Algorithm
	Iterations  int // 0: the algorithm's default
	Broker      pwhash.Broker
	Batch       bool
	Create      bool
	Delete      bool
	HashFile    bool
	LockTimeout time.Duration
	Version     bool   // --version: print the version instead
	Completion  string // --completion: print this shell's completion script instead
	Stdin       bool   // -i: the password is one line of stdin, without prompt
	Verify      bool   // -v
	Print       bool   // -n
	List        string // --list FILE
	Check       string // --check FILE
	JSON        bool   // --json, for --list and --check
	Import      string // --import SRC: user:password lines, - for stdin
	Owner       string // --owner USER[:GROUP], resolved by run
	IfChanged   bool   // --if-changed

	File     string
	User     string
	Password string // batch mode only

	mode     mode
	uid, gid int // from Owner, set only with it; -1 keeps
}

// hashFlag takes -H values left to right and fails at the first unknown one,
// as the original does, so that its message wins over later options' errors.
type hashFlag struct{ a *pwhash.Algorithm }

func (f hashFlag) String() string {
	if *f.a == "" {
		return string(pwhash.PBKDF2)
	}
	return string(*f.a)
}
func (f hashFlag) Type() string { return "name" }
func (f hashFlag) Set(s string) error {
	a, err := pwhash.ParseAlgorithm(s)
	if err != nil {
		return fail(ExitError, msgUnknownHash, s)
	}
	*f.a = a
	return nil
}

// iterationsFlag reads -I with C's atoi, which the original uses: "12x" is 12
// and "abc" is 0.
type iterationsFlag struct{ n *int }

func (f iterationsFlag) String() string {
	if *f.n == 0 {
		return strconv.Itoa(pwhash.DefaultIterations)
	}
	return strconv.Itoa(*f.n)
}
func (f iterationsFlag) Type() string { return "n" }
func (f iterationsFlag) Set(s string) error {
	n := atoi(s)
	if n < 1 {
		return fail(ExitError, msgIterationsLow)
	}
	*f.n = n
	return nil
}

type brokerFlag struct{ b *pwhash.Broker }

func (f brokerFlag) String() string { return f.b.String() }
func (f brokerFlag) Type() string   { return "version" }
func (f brokerFlag) Set(s string) error {
	b, err := pwhash.ParseBroker(s)
	if err != nil {
		return fail(ExitError, msgBadBroker, s)
	}
	*f.b = b
	return nil
}

type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string { return f.d.String() }
func (f durationFlag) Type() string   { return "duration" }
func (f durationFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return fail(ExitError, msgBadDuration, s)
	}
	*f.d = d
	return nil
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

// bindFlags declares every option on fs, bound to o.
func bindFlags(fs *pflag.FlagSet, o *Options) {
	fs.VarP(hashFlag{&o.Hash}, "hash", "H", "the hash: sha512-pbkdf2 (every 2.0 and 2.1 broker), sha512 (what Mosquitto 1.6 and earlier wrote) or argon2id, also called argon2 (only 2.1 brokers built with argon2)")
	fs.VarP(iterationsFlag{&o.Iterations}, "iterations", "I", "sha512-pbkdf2 iterations; each one costs the broker CPU time on every client connection")
	fs.BoolVarP(&o.Batch, "batch", "b", false, "batch mode: the password is the third argument (other users can see it in ps)")
	fs.BoolVarP(&o.Create, "create", "c", false, "create the password file, replacing an existing one; with the file name -, print the line on stdout")
	fs.BoolVarP(&o.Delete, "delete", "D", false, "delete the user (every entry of it)")
	fs.BoolVarP(&o.HashFile, "update-file", "U", false, "hash every user:plaintext entry of the file; entries that already hold a hash are left alone")
	fs.Var(brokerFlag{&o.Broker}, "broker", "the broker generation the file is for: 2.0 (12-byte salts, which every broker accepts) or 2.1 (64-byte salts, which 2.0 brokers refuse)")
	fs.Var(durationFlag{&o.LockTimeout}, "lock-timeout", "how long to wait while another mosquitto_passwd is changing the same file")
	fs.Bool("help", false, "print the usage text and exit")
	fs.BoolVar(&o.Version, "version", false, "print the version and exit")
	fs.Var(shellFlag{&o.Completion}, "completion", "print the completion script for the shell (bash, zsh, fish or powershell) and exit")
	bindExtraFlags(fs, o)
}

// flagError turns pflag's errors into the original's messages.
func flagError(_ *cobra.Command, err error) error {
	var own *Error
	if errors.As(err, &own) {
		return own
	}
	var missing *pflag.ValueRequiredError
	if errors.As(err, &missing) {
		switch missing.GetFlag().Shorthand {
		case "H":
			return fail(ExitError, msgHashMissing)
		case "I":
			return fail(ExitError, msgIterationsMissing)
		}
		return fail(ExitError, msgNeedsValue, missing.GetFlag().Name)
	}
	var unknown *pflag.NotExistError
	if errors.As(err, &unknown) {
		name := "--" + unknown.GetSpecifiedName()
		if unknown.GetSpecifiedShortnames() != "" {
			name = "-" + unknown.GetSpecifiedName()[:1]
		}
		return fail(ExitError, msgUnknownOption, name)
	}
	return fail(ExitError, msgInternal, err)
}

// validate checks a command line: the original's rules and arguments, then
// the rules of our own options that depend on the arguments.
func (o *Options) validate(args []string) error {
	if err := o.validateArgs(args); err != nil {
		return err
	}
	return o.validateTarget()
}

// validateArgs applies the original's checks after the options, in its order
// (REFERENCE §1, rules 6-18), and fills in the positional arguments.
func (o *Options) validateArgs(args []string) error {
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
	// Our own options after the original's rules, so that every original
	// command line still gets the original's message.
	if err := o.validateExtras(); err != nil {
		return err
	}

	// Like the original, -c and -D ignore extra arguments.
	switch {
	case o.Verify || o.Print || o.List != "" || o.Check != "" || o.Import != "":
		// done: no username to check (--list, --check, --import).
		if done, err := o.extraPositionals(args); done || err != nil {
			return err
		}
	case o.Create && o.Batch:
		if len(args) < 3 {
			return fail(ExitError, msgCreateBatchArgs)
		}
		o.mode, o.File, o.User, o.Password = modeCreate, args[0], args[1], args[2]
	case o.Create:
		if len(args) < 2 {
			return fail(ExitError, msgCreateArgs)
		}
		o.mode, o.File, o.User = modeCreate, args[0], args[1]
	case o.Delete:
		if len(args) < 2 {
			return fail(ExitError, msgDeleteArgs)
		}
		o.mode, o.File, o.User = modeDelete, args[0], args[1]
	case o.HashFile:
		if len(args) != 1 {
			return fail(ExitError, msgUpdateArgs)
		}
		o.mode, o.File = modeHashFile, args[0]
		return nil
	case o.Batch && len(args) == 3:
		o.mode, o.File, o.User, o.Password = modeSet, args[0], args[1], args[2]
	case !o.Batch && len(args) == 2:
		o.mode, o.File, o.User = modeSet, args[0], args[1]
	default:
		return errUsage
	}

	switch pwfile.CheckUsername(o.User) {
	case pwfile.ErrUsernameTooLong:
		return fail(ExitError, msgUsernameTooLong)
	case pwfile.ErrUsernameControl:
		return fail(ExitError, msgUsernameControl)
	case pwfile.ErrUsernameColon:
		return fail(ExitError, msgUsernameColon)
	case pwfile.ErrUsernameComment:
		return fail(ExitError, msgUsernameComment)
	case pwfile.ErrUsernameEmpty:
		return fail(ExitError, msgUsernameEmpty)
	}
	if len(o.Password) > pwfile.MaxPasswordLen {
		return fail(ExitError, msgPasswordTooLong)
	}
	return nil
}

// params returns the hash settings for this command line.
func (o *Options) params() pwhash.Params {
	p := pwhash.ParamsFor(o.Hash, o.Broker)
	if o.Iterations > 0 {
		p.Iterations = o.Iterations
	}
	return p
}
