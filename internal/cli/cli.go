// Package cli is the mosquitto_passwd command line: it parses arguments the
// way the original tool does, reads passwords, runs the operation and turns
// every outcome into the original's messages and exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/spf13/cobra"
)

// Exit codes. They are part of our interface: scripts test them.
const (
	ExitOK           = 0
	ExitError        = 1
	ExitMismatch     = 2   // the two passwords entered differ
	ExitVerifyFailed = 3   // -v: wrong password, or no such user
	ExitInterrupted  = 130 // SIGINT or SIGTERM, as a shell reports a death by SIGINT
)

// Error is a failure with the message to print on stderr and the exit code.
type Error struct {
	Code int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func fail(code int, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// errUsage asks Main to print the usage text on stdout and exit 1, as the
// original does for a wrong number of arguments.
var errUsage = errors.New("usage")

// Streams are the command's standard streams. In may be a terminal, which is
// then read without echo.
type Streams struct {
	In          io.Reader
	Out, ErrOut io.Writer
}

// Main runs mosquitto_passwd with args (without the program name) and returns
// its exit code. It is the only place that turns errors into messages.
func Main(args []string, s Streams) int {
	err := execute(args, s)
	var e *Error
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errUsage):
		io.WriteString(s.Out, usage)
		return ExitError
	case errors.As(err, &e):
		fmt.Fprintln(s.ErrOut, e.Msg)
		return e.Code
	default:
		fmt.Fprintf(s.ErrOut, msgInternal+"\n", err)
		return ExitError
	}
}

func execute(args []string, s Streams) error {
	o, err := parse(args, s.Out)
	if err != nil || o == nil {
		return err
	}
	// Only now that there is work to interrupt: the usage text and argument
	// errors come without it, and it is a tenth of a start-up (0.13 ms).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return o.run(ctx, s)
}

// parse reads and checks a command line. It returns nil Options, and no
// error, when it has printed the help text, the version or a completion
// script on out.
func parse(args []string, out io.Writer) (*Options, error) {
	if len(args) == 0 {
		return nil, errUsage
	}
	o := &Options{LockTimeout: atomicfile.DefaultLockTimeout}
	ran := false
	notOption := ""
	cmd := newCommand(o, out)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		// The original takes "-h" as a file name and then prints its usage
		// with exit 1; --help is ours and exits 0.
		switch {
		case notOption == "-h":
			return errUsage
		case notOption != "":
			return fail(ExitError, msgUnknownOption, notOption)
		}
		// --version and --completion come first: no original command line
		// has them, so this changes the meaning of none.
		switch {
		case o.Version:
			return printVersion(out)
		case o.Completion != "":
			return printCompletion(cmd, o.Completion, out)
		}
		ran = true
		return o.validate(args)
	}
	if isCompletionRequest(args) {
		cmd.SetArgs(args)
	} else {
		// pflag would read "-bc" as "-b -c" and take "--" as the end of the
		// options; the original reads neither, so pflag gets only what
		// splitOptions found to be options, then "--" and the positionals.
		options, positionals, bad := splitOptions(cmd.Flags(), args)
		notOption = bad
		if len(positionals) > 0 {
			options = append(options[:len(options):len(options)], "--")
		}
		cmd.SetArgs(append(options, positionals...))
	}
	if err := cmd.Execute(); err != nil || !ran {
		return nil, err
	}
	return o, nil
}

// Command returns the definition of the mosquitto_passwd command (its
// flags, texts and completions), for generating its manual page; Main runs it.
func Command() *cobra.Command {
	return newCommand(&Options{LockTimeout: atomicfile.DefaultLockTimeout}, io.Discard)
}

func newCommand(o *Options, out io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:           "mosquitto_passwd [options] passwordfile [username [password]]",
		Short:         "manage password files for Mosquitto",
		Long:          manual,
		Example:       examples,
		Args:          cobra.ArbitraryArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		// The synopsis is Use alone, without cobra's "[flags]".
		DisableFlagsInUseLine: true,
		// No "Auto generated" section with the day's date in the manual
		// page: regenerating it must change nothing.
		DisableAutoGenTag: true,
		// --completion replaces cobra's "completion" command, which would
		// take over a password file named "completion".
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	cmd.SetOut(out)
	cmd.SetErr(io.Discard)
	// The original stops reading options at the first other argument, so
	// "-b file user -secret" sets the password "-secret".
	cmd.Flags().SetInterspersed(false)
	cmd.SetFlagErrorFunc(flagError)
	cmd.SetHelpFunc(func(*cobra.Command, []string) { io.WriteString(out, usage) })
	bindFlags(cmd.Flags(), o)
	registerCompletions(cmd, o)
	return cmd
}
