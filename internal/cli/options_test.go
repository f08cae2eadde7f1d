package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
	"github.com/spf13/pflag"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		args string
		want string // the message, or "usage"
	}{
		{"-H", msgHashMissing},
		{"-H md5 -I", "Error: Unknown hash type 'md5'"},
		{"-H -c pw u", "Error: Unknown hash type '-c'"},
		{"-I", msgIterationsMissing},
		{"-I 0", msgIterationsLow},
		{"-I -1 -H", msgIterationsLow},
		{"-c -D", msgCreateDelete},
		{"-c -U", msgCreateUpdate},
		{"-D -U", msgDeleteUpdate},
		{"-D -b", msgBatchDelete},
		{"-c -b pw u", msgCreateBatchArgs},
		{"-c pw", msgCreateArgs},
		{"-D pw", msgDeleteArgs},
		{"-U", msgUpdateArgs},
		{"-U pw u", msgUpdateArgs},
		{"pw", msgPlainArgs},
		{"-b pw u", msgBatchArgs},
		{"pw u p", msgTooManyPlain},
		{"-b pw a:b p", msgUsernameColon},
		{"-x pw u", "Error: Unknown option '-x'."},
		{"-cx pw u", "Error: Unknown option '-cx'."},
		{"-bc pw u p", "Error: Unknown option '-bc'."},
		{"-I5 -b pw u p", "Error: Unknown option '-I5'."},
		{"-H=sha512 -b pw u p", "Error: Unknown option '-H=sha512'."},
		{"-H md5 -x", "Error: Unknown hash type 'md5'"},
		{"-h", "usage"},
		{"-b -h pw u", "usage"},
		{"-- pw u", msgTooManyPlain},
		{"--x pw u", "Error: Unknown option '--x'."},
		{"--broker 1.6 pw u", "Error: Unknown broker version '1.6'; use 2.0, 2.1 or 2.1-argon2."},
		{"--lock-timeout soon pw u", "Error: Invalid lock timeout 'soon'; use a duration such as 30s."},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) { wantParseError(t, strings.Fields(tt.args), tt.want) })
	}
}

// TestParseWrongCommandLine: a command line of the wrong shape says what is
// wrong, then gives the short usage; an option after the file is named.
func TestParseWrongCommandLine(t *testing.T) {
	tests := []struct{ args, want string }{
		{"pw", msgPlainArgs},
		{"-H sha512", msgPlainArgs},
		{"-b pw bob", msgBatchArgs},
		{"pw u p", msgTooManyPlain},
		{"-b pw u p extra", msgTooManyBatch},
		{"-v pw u extra", msgTooManyArgs},
		{"pw -b alice secret", "Error: Option '-b' must come before the password file and the other arguments."},
		{"pw alice -D", "Error: Option '-D' must come before the password file and the other arguments."},
		{"-b pw alice secret --list=x", "Error: Option '--list=x' must come before the password file and the other arguments."},
		// Not an option of ours: not quoted, as it may be a password.
		{"pw alice -secret", msgTooManyPlain},
		{"-x", "Error: Unknown option '-x'."},
		{"--nope pw u", "Error: Unknown option '--nope'."},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			_, err := parse(strings.Fields(tt.args), io.Discard)
			var e *Error
			if !errors.As(err, &e) || e.Msg != tt.want || !e.Usage || e.Code != ExitError {
				t.Errorf("parse(%q) = %+v; want %q with the short usage", tt.args, err, tt.want)
			}
		})
	}
}

// wantParseError checks that parse(args) fails with exit 1 and the message
// want, or with a usage text (whole, or short after a reason) when want is
// "usage".
func wantParseError(t *testing.T, args []string, want string) {
	t.Helper()
	o, err := parse(args, io.Discard)
	var e *Error
	switch {
	case want == "usage" && errors.Is(err, errUsage):
	case want == "usage" && errors.As(err, &e) && e.Usage:
	case errors.As(err, &e) && e.Msg == want && e.Code == ExitError:
	default:
		t.Errorf("parse(%q) = %+v, %v; want %s", args, o, err, want)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		args []string
		want Options
	}{
		{[]string{"pw", "alice"}, Options{File: "pw", User: "alice"}},
		{[]string{"-b", "pw", "alice", "-secret"}, Options{Batch: true, File: "pw", User: "alice", Password: "-secret"}},
		{[]string{"-c", "-b", "pw", "alice", "s", "extra"}, Options{Create: true, Batch: true, File: "pw", User: "alice", Password: "s"}},
		{[]string{"-D", "pw", "-D"}, Options{Delete: true, File: "pw", User: "-D"}},
		{[]string{"-b", "--", "u", "p"}, Options{Batch: true, File: "--", User: "u", Password: "p"}},
		{[]string{"-b", "pw", "u", "--version"}, Options{Batch: true, File: "pw", User: "u", Password: "--version"}},
		{[]string{"-U", "-b", "pw"}, Options{HashFile: true, Batch: true, File: "pw"}},
		{[]string{"-H", "sha512", "-I", "12x", "-H", "argon2", "pw", "u"}, Options{Hash: pwhash.Argon2id, Iterations: 12, File: "pw", User: "u"}},
		{[]string{"--broker", "2.1", "-c", "-", "u"}, Options{Broker: pwhash.Broker21, BrokerGiven: true, Create: true, File: "-", User: "u"}},
		{[]string{"--lock-timeout", "1m", "pw", "u"}, Options{LockTimeout: time.Minute, File: "pw", User: "u"}},
	}
	for _, tt := range tests {
		o, err := parse(tt.args, io.Discard)
		if err != nil {
			t.Errorf("parse(%q): %v", tt.args, err)
			continue
		}
		// The defaults, unless the test sets them.
		if tt.want.Hash == "" {
			tt.want.Hash = pwhash.PBKDF2
		}
		if tt.want.LockTimeout == 0 {
			tt.want.LockTimeout = atomicfile.DefaultLockTimeout
		}
		if *o != tt.want {
			t.Errorf("parse(%q) = %+v, want %+v", tt.args, *o, tt.want)
		}
	}
}

func TestParseHelp(t *testing.T) {
	var out strings.Builder
	o, err := parse([]string{"--help"}, &out)
	if o != nil || err != nil || out.String() != usage {
		t.Errorf("parse(--help) = %v, %v and printed %q", o, err, out.String())
	}
}

func TestAtoi(t *testing.T) {
	tests := map[string]int{
		"101": 101, "12x": 12, "abc": 0, "": 0, " \t42": 42, "+7": 7, "-5": -5,
		"2147483647": 2147483647, "2147483648": -2147483648, "99999999999": 1215752191,
		"99999999999999999999": -1, "-99999999999999999999": 0,
	}
	for in, want := range tests {
		if got := atoi(in); got != want {
			t.Errorf("atoi(%q) = %d, want %d", in, got, want)
		}
	}
}

// TestStrerror pins the C library's texts that the original prints.
func TestStrerror(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{syscall.ENOENT, "No such file or directory"},
		{&os.PathError{Op: "open", Path: "x", Err: syscall.EISDIR}, "Is a directory"},
		{syscall.ENOTDIR, "Not a directory"},
		{syscall.EACCES, "Permission denied"},
		{syscall.ELOOP, "Too many levels of symbolic links"},
		{syscall.ENOSPC, "No space left on device"},
		{syscall.EROFS, "Read-only file system"},
		{syscall.EIO, "Input/output error"},
		{syscall.EEXIST, "File exists"},
	}
	for _, tt := range tests {
		if got := strerror(tt.err); got != tt.want {
			t.Errorf("strerror(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// TestExplain checks the one mapping from the core packages' errors to
// messages and exit codes, wrapped as they arrive.
func TestExplain(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("layer: %w", err) }
	tests := []struct {
		o    Options
		err  error
		code int
		msg  string
	}{
		{Options{}, wrap(context.Canceled), ExitInterrupted, msgInterrupted},
		{Options{}, wrap(&atomicfile.ResolveError{Name: "pw/x", Err: syscall.ENOTDIR}), ExitError, "Error reading password file: Not a directory"},
		{Options{}, wrap(&pwfile.ParseError{Line: 7, Err: errors.New("x")}), ExitError, "Error: Corrupt password file at line 7."},
		{Options{Delete: true}, wrap(&pwfile.ParseError{Line: 7, Err: pwfile.ErrUserNotFound}), ExitError, "Error: Corrupt password file at line 7.\nWarning: User u not found in password file."},
		{Options{Verify: true}, wrap(pwfile.ErrUserNotFound), ExitVerifyFailed, "Error: User u not found in password file."},
		{Options{Delete: true}, wrap(pwfile.ErrUserNotFound), ExitError, "Warning: User u not found in password file."},
		{Options{Import: "src"}, wrap(atomicfile.ErrChanged), ExitError, "Error: pw changed while the import ran, 3 times; nothing was written. Run the import again when fewer edits run at once."},
		{Options{HashFile: true}, wrap(atomicfile.ErrChanged), ExitError, "Error: pw changed while its passwords were hashed, 3 times; nothing was written. Run -U again when fewer edits run at once."},
		{Options{Check: "pw"}, wrap(&fs.PathError{Op: "lstat", Path: "pw", Err: syscall.EACCES}), ExitError, "Error: Unable to open password file pw. Permission denied."},
		{Options{List: "pw"}, wrap(&atomicfile.OpenError{Path: "/d/pw", Err: syscall.EISDIR}), ExitError, "Error: Unable to open password file /d/pw. Is a directory."},
		{Options{Create: true}, wrap(&atomicfile.OpenError{Path: "/d/pw", Err: syscall.EACCES}), ExitError, "Error: Unable to open file /d/pw for writing. Permission denied."},
		{Options{}, wrap(&atomicfile.WriteError{Path: "pw", Err: syscall.ENOSPC}), ExitError, "Error: Unable to write password file pw. No space left on device."},
		{Options{Create: true}, wrap(&atomicfile.WriteError{Path: "pw", Err: syscall.ENOSPC}), ExitError, "Error: Unable to open file pw for writing. No space left on device."},
		{Options{Create: true, Import: "src"}, wrap(&atomicfile.WriteError{Path: "pw", Err: syscall.ENOSPC}), ExitError, "Error: Unable to write password file pw. No space left on device."},
		{Options{}, wrap(&atomicfile.NotDurableError{Path: "/d/pw", Err: syscall.EIO}), ExitNotDurable, "Error: /d/pw was changed, but the change could not be made durable (Input/output error): it may not survive a power cut. Running the same command again is safe."},
		{Options{}, wrap(&atomicfile.AttrError{Path: "/d/pw", Attr: "system.posix_acl_access", Err: syscall.ENOTSUP}), ExitError, "Error: Unable to keep the extended attribute system.posix_acl_access of /d/pw (Operation not supported); the password file is unchanged."},
		{Options{}, wrap(&atomicfile.PlantedFileError{Path: "/d/.pw.mqpasswd-lock", Reason: "a symbolic link"}), ExitError, "Error: Refusing to use /d/.pw.mqpasswd-lock: a symbolic link. It is not a file mosquitto_passwd left there; look at it and remove it. The password file is unchanged."},
	}
	for _, tt := range tests {
		tt.o.File, tt.o.User = "pw", "u"
		var e *Error
		if err := explain(tt.err, &tt.o, nil); !errors.As(err, &e) || e.Code != tt.code || e.Msg != tt.msg {
			t.Errorf("explain(%v) for %+v = %v, want exit %d %q", tt.err, tt.o, err, tt.code, tt.msg)
		}
	}
}

// TestHelpDocumentsEveryOption: every option the completion scripts offer
// (every flag not hidden), by its long name and its letter, is in --help,
// and so is the -I cap pwhash enforces.
func TestHelpDocumentsEveryOption(t *testing.T) {
	Command().Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if !regexp.MustCompile(`\s--` + f.Name + `[\s,\[]`).MatchString(usage) {
			t.Errorf("--help does not document --%s", f.Name)
		}
		if f.Shorthand != "" && !strings.Contains(usage, "\n -"+f.Shorthand+", --"+f.Name+" ") {
			t.Errorf("--help does not give -%s as --%s", f.Shorthand, f.Name)
		}
	})
	limit := strconv.Itoa(pwhash.MaxIterations)
	if !strings.Contains(usage, limit) || !strings.Contains(Command().Flags().Lookup("iterations").Usage, limit) {
		t.Errorf("--help or the manual page does not give the -I limit %s", limit)
	}
}
