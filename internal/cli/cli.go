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
	out := &checkedWriter{w: s.Out}
	s.Out = out
	code := report(execute(args, s), s)
	if out.err != nil {
		fmt.Fprintf(s.ErrOut, msgStdout+"\n", strerror(out.err))
		code = max(code, ExitError)
	}
	return code
}

// report prints what err says and returns its exit code.
func report(err error, s Streams) int {
	var e *Error
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errUsage):
		io.WriteString(s.Out, usage)
		return ExitError
	case errors.As(err, &e):
		fmt.Fprintln(s.ErrOut, e.Msg)
		if e.Usage {
			io.WriteString(s.Out, shortUsage)
		}
		return e.Code
	default:
		fmt.Fprintf(s.ErrOut, msgInternal+"\n", err)
		return ExitError
	}
}

// checkedWriter keeps the first error of the writes to w, and fails every
// write after it, so that Main reports a standard output that could not be
// written (a full disk, /dev/full) whichever write, or buffer's final flush,
// met it.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	c.err = err
	return n, err
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
	return run(ctx, o, s)
}

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
	cmd := newCommand(o, out)
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
		return nil, err
	}
	return o, nil
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
