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

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Exit codes. They are part of our interface: scripts test them.
const (
	ExitOK           = 0
	ExitError        = 1
	ExitMismatch     = 2   // the two passwords entered differ
	ExitVerifyFailed = 3   // -v: wrong password, or no such user
	ExitNoBroker     = 4   // --reload: no running broker found; the file is written
	ExitNotDurable   = 5   // the change was made, but may not survive a power cut
	ExitInterrupted  = 130 // SIGINT or SIGTERM, as a shell reports a death by SIGINT
)

// Error is a failure with the message to print on stderr and the exit code.
type Error struct {
	Code int
	Msg  string
	// Usage asks for the short usage text on stdout after Msg: the command
	// line is wrong, where the original prints its usage on stdout.
	Usage bool
}

func (e *Error) Error() string { return e.Msg }

func fail(code int, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// failUsage is a wrong command line: exit 1, the reason, the short usage.
func failUsage(format string, args ...any) *Error {
	e := fail(ExitError, format, args...)
	e.Usage = true
	return e
}

// errUsage asks Main to print the whole usage text on stdout and exit 1, as
// the original does without arguments and for -h.
var errUsage = errors.New("usage")

// Streams are the command's standard streams, and which of them are
// terminals. Tests pass buffers, which are not.
type Streams struct {
	In          io.Reader
	Out, ErrOut io.Writer
	// InTerminal says that In is a terminal, whose descriptor InFd is then
	// read through golang.org/x/term, without echo.
	InTerminal bool
	InFd       int
	// ErrOutTerminal says that ErrOut is a terminal, where a progress bar
	// may be drawn.
	ErrOutTerminal bool
}

// NewStreams returns the Streams of in, out and errOut, telling which are
// terminals: those with a file descriptor (os.Stdin, a pseudo-terminal) that
// is one.
func NewStreams(in io.Reader, out, errOut io.Writer) Streams {
	s := Streams{In: in, Out: out, ErrOut: errOut}
	s.InFd, s.InTerminal = terminal(in)
	_, s.ErrOutTerminal = terminal(errOut)
	return s
}

// terminal returns the descriptor of stream and whether it is a terminal.
func terminal(stream any) (fd int, ok bool) {
	f, ok := stream.(interface{ Fd() uintptr })
	if !ok {
		return -1, false
	}
	fd = int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// Main runs mosquitto_passwd with args (without the program name) and returns
// its exit code. It is the only place that prints an error; flagError (for
// the options' values) and explain (for everything after) choose its message
// and exit code.
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
		if e.Msg != "" {
			fmt.Fprintln(s.ErrOut, e.Msg)
		}
		if e.Usage {
			io.WriteString(s.Out, shortUsage)
		}
		return e.Code
	default:
		fmt.Fprintf(s.ErrOut, msgInternal+"\n", err)
		return ExitError
	}
}

func execute(args []string, s Streams) error {
	o, err := parse(args, stdoutWriter{s.Out})
	if err != nil || o == nil {
		return explain(err, &Options{}, nil)
	}
	// Only now that there is work to interrupt: the usage text and argument
	// errors, which start-up time matters most for, come without it.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A write to a closed pipe on stdout then fails with EPIPE instead of
	// killing us with SIGPIPE, which the Go runtime does for fd 1 and 2:
	// after the file was written, "| head -0" must not turn a done edit
	// into a death by signal (explain words what was lost).
	signal.Ignore(syscall.SIGPIPE)
	return run(ctx, o, s)
}

// stdoutWriter marks the errors of writes to stdout as *stdoutError, so
// that explain tells them from the password file's.
type stdoutWriter struct{ w io.Writer }

func (o stdoutWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil {
		err = &stdoutError{err}
	}
	return n, err
}

type stdoutError struct{ err error }

func (e *stdoutError) Error() string { return "standard output: " + e.err.Error() }
func (e *stdoutError) Unwrap() error { return e.err }

// parse reads and checks a command line. It returns nil Options, and no
// error, when it has printed the help text, the version or a completion
// script on out.
func parse(args []string, out io.Writer) (*Options, error) {
	if len(args) == 0 {
		return nil, errUsage
	}
	o := &Options{}
	ran := false
	notOption := ""
	// --help, --version and --completion print here, and their output is
	// the result: a write that fails must fail the run. cobra's help
	// function cannot return the error, so the writer keeps it.
	printed := &checkedWriter{w: out}
	cmd := newCommand(o, printed)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		// The original takes "-h" as a file name and then prints its usage
		// with exit 1; --help is ours and exits 0.
		switch {
		case notOption == "-h":
			return errUsage
		case notOption != "":
			return failUsage(msgUnknownOption, notOption)
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
		o.BrokerGiven = cmd.Flags().Changed("broker")
		return validate(o, args)
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
		if err == nil && printed.err != nil {
			err = &stdoutError{printed.err}
		}
		return nil, err
	}
	return o, nil
}

// checkedWriter keeps the first error of the writes to w.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if c.err == nil {
		c.err = err
	}
	return n, err
}

// Command returns the definition of the mosquitto_passwd command (its
// flags, texts and completions), for generating its manual page; Main runs it.
func Command() *cobra.Command {
	return newCommand(&Options{}, io.Discard)
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
