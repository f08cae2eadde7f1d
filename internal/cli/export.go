package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/brokerconf"
	"github.com/mqpasswd/mqpasswd/internal/export"
	"github.com/mqpasswd/mqpasswd/internal/hashconv"
)

// exportUsers is --export FORMAT FILE: the users go to stdout, or with -o to
// OUT, which is replaced atomically. Each entry the format cannot hold is a
// warning, and any makes the exit status 1 after the rest was written.
func exportUsers(ctx context.Context, o *Options, s Streams, f *atomicfile.File, cfg *brokerconf.Config) error {
	var res *export.Result
	write := func(w io.Writer) error {
		_, err := f.Read(ctx, func(r io.Reader) (err error) {
			if o.Export == hashconv.Dynsec {
				res, err = export.Dynsec(r, w, o.Broker)
			} else {
				res, err = export.Lines(r, w, o.Export)
			}
			return err
		})
		return err
	}
	var err error
	if o.Output == "" || o.Output == dashArg {
		err = writeStdout(s.Out, write)
	} else {
		err = writeOutput(ctx, o, s, f, cfg, write)
	}
	if err != nil {
		return err
	}

	for _, r := range res.Refused {
		fmt.Fprintf(s.ErrOut, msgExportLeftOut+"\n", r.Line, listName(r.User), exportReason(r.Err))
	}
	if res.Argon2id > 0 {
		fmt.Fprintln(s.ErrOut, msgArgon2Warning)
	}
	if len(res.Refused) > 0 {
		return fail(ExitError, msgExportedSome, res.Exported, len(res.Refused))
	}
	fmt.Fprintf(s.ErrOut, msgExported+"\n", res.Exported)
	return nil
}

// writeStdout calls write with a buffered stdout (whose errors run wraps as
// stdoutErrors). What was written before an error is flushed too, so that,
// as with --list, the output stops where the password file turned corrupt
// whatever the buffer's size.
func writeStdout(out io.Writer, write func(io.Writer) error) error {
	w := bufio.NewWriter(out)
	err := write(w)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return err
}

// writeOutput calls write with a writer of -o OUT, which it then replaces
// atomically; OUT must not be the password file being read.
func writeOutput(ctx context.Context, o *Options, s Streams, f *atomicfile.File, cfg *brokerconf.Config, write func(io.Writer) error) error {
	opts := append(fileOptions(o, s),
		// OUT is not a password file: a recovery file beside it is not
		// checked as one, and the lock notice names OUT.
		atomicfile.WithValidate(nil),
		atomicfile.WithWaitNotice(lockNoticeAfter, func() {
			fmt.Fprintf(s.ErrOut, msgLockWait+"\n", o.Output)
		}))
	out, err := atomicfile.Open(o.Output, atomicfile.ForCreating, opts...)
	if err == nil && !out.IsStream() {
		// The plugin reads (and writes) its configuration as the broker's user.
		out, err = forBroker(o, s, cfg, out, atomicfile.ForCreating, opts)
	}
	if err != nil {
		return &outputError{o.Output, err}
	}
	if out.SameFile(f) {
		return fail(ExitError, msgExportSame, o.Output)
	}
	// An error of write is the password file's, or already an
	// outputError; any other is OUT's.
	var writeErr error
	err = out.Create(ctx, func(w io.Writer) error {
		writeErr = write(outputWriter{w, out.Path()})
		return writeErr
	})
	if err != nil && writeErr == nil {
		return &outputError{out.Path(), err}
	}
	return err
}

// outputError is a failure to write -o's file, which explain words apart
// from the password file's errors.
type outputError struct {
	path string
	err  error
}

func (e *outputError) Error() string { return "cannot write the export: " + e.err.Error() }
func (e *outputError) Unwrap() error { return e.err }

// outputWriter marks its writer's errors as outputErrors.
type outputWriter struct {
	w    io.Writer
	path string
}

func (w outputWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	if err != nil {
		err = &outputError{w.path, err}
	}
	return n, err
}

// exportReason words why an export left an entry out; a hash that does not
// decode, or that the format or broker cannot hold, gives its own reason,
// which never quotes it.
func exportReason(err error) string {
	switch {
	case errors.Is(err, export.ErrPlaintext):
		return reasonPlaintext
	case errors.Is(err, export.ErrUsernameNotUTF8):
		return reasonUserNotUTF8
	}
	return importReason(err)
}
