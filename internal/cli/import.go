package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// importUsers is --import SRC FILE, after readImport checked every line of
// SRC: the passwords are hashed on all cores, and the file is rewritten
// once, under the lock, or with -c created with these users alone.
func importUsers(ctx context.Context, o *Options, s Streams, f *atomicfile.File, creds []pwfile.Credential) error {
	p, err := hashImport(ctx, o, s, f, creds)
	if err != nil {
		return err
	}
	return writeImport(ctx, o, s, f, p)
}

// importPlan is what an import writes: the users' new lines, how many users
// --if-changed leaves alone, and the condition the edit must meet.
type importPlan struct {
	updates   []pwfile.Update
	unchanged int
	cond      []atomicfile.EditOption
}

// hashImport hashes the passwords of creds. With --if-changed it first
// reads the file to verify them, and makes the rewrite conditional on the
// file being what it read, since a user left alone is right only for that.
func hashImport(ctx context.Context, o *Options, s Streams, f *atomicfile.File, creds []pwfile.Credential) (importPlan, error) {
	var p importPlan
	var keep *pwfile.Keep
	if o.IfChanged {
		var cond atomicfile.EditOption
		var err error
		if keep, cond, err = keepFor(ctx, o, f, creds); err != nil {
			return p, err
		}
		p.cond = append(p.cond, cond)
	}
	step, done := newProgress(s, len(creds), "Hashing")
	defer done()
	var err error
	p.updates, p.unchanged, err = pwfile.HashAll(ctx, creds, pwhash.Workers(params(o).Algorithm), hasher(o, s), keep, step)
	return p, err
}

// writeImport writes what hashImport planned and prints the summary.
func writeImport(ctx context.Context, o *Options, s Streams, f *atomicfile.File, p importPlan) error {
	if len(p.updates) == 0 && !o.Create {
		if err := keepUnchanged(ctx, o, f); err != nil {
			return err
		}
		printImported(o, s, 0, 0, p.unchanged)
		return nil
	}
	var found []bool
	var err error
	if o.Create {
		err = f.Create(ctx, func(w io.Writer) error {
			found, err = pwfile.Set(bytes.NewReader(nil), w, p.updates)
			return err
		})
	} else {
		err = f.Edit(ctx, func(r io.Reader, w io.Writer) error {
			found, err = pwfile.Set(r, w, p.updates)
			return err
		}, p.cond...)
	}
	if err != nil {
		return err
	}
	updated := 0
	for _, f := range found {
		if f {
			updated++
		}
	}
	printImported(o, s, len(p.updates)-updated, updated, p.unchanged)
	return nil
}

// printImported prints the summary of an import; only --if-changed leaves
// users unchanged, so only it counts them.
func printImported(o *Options, s Streams, added, updated, unchanged int) {
	if o.IfChanged {
		fmt.Fprintf(s.Out, msgImportedIf+"\n", added, updated, unchanged)
	} else {
		fmt.Fprintf(s.Out, msgImported+"\n", added, updated)
	}
}

// readImport reads and checks the whole import source, and reports every
// bad line on stderr before it fails.
func readImport(o *Options, s Streams) ([]pwfile.Credential, error) {
	name, in := o.Import, s.In
	if name == dashArg {
		name = msgStdinName
	} else {
		f, err := os.Open(o.Import)
		if err != nil {
			return nil, fail(ExitError, msgImportOpen, o.Import, strerror(err))
		}
		defer f.Close()
		in = f
	}
	creds, err := pwfile.ReadImport(in)
	var bad *pwfile.ImportError
	switch {
	case errors.As(err, &bad):
		for _, l := range bad.Lines {
			fmt.Fprintf(s.ErrOut, msgImportLine+"\n", l.Line, name, importReason(l.Err))
		}
		return nil, fail(ExitError, msgImportBad, plural(len(bad.Lines), "bad line"), name)
	case err != nil:
		return nil, fail(ExitError, msgImportOpen, o.Import, strerror(err))
	}
	return creds, nil
}

// importReason words why ReadImport refused a line.
func importReason(err error) string {
	var dup *pwfile.DuplicateError
	switch {
	case errors.As(err, &dup):
		return fmt.Sprintf(reasonDuplicate, dup.User, dup.First)
	case errors.Is(err, pwfile.ErrNoColon):
		return reasonNoColon
	case errors.Is(err, pwfile.ErrEmptyPassword):
		return reasonEmptyPassword
	case errors.Is(err, pwfile.ErrPasswordTooLong):
		return reasonPasswordLong
	case errors.Is(err, pwfile.ErrUsernameSpace):
		return reasonUserSpace
	case errors.Is(err, pwfile.ErrUsernameTooLong):
		return reasonUserLong
	case errors.Is(err, pwfile.ErrUsernameControl):
		return reasonUserControl
	case errors.Is(err, pwfile.ErrUsernameEmpty):
		return reasonUserEmpty
	case errors.Is(err, pwfile.ErrLineTooLong):
		return fmt.Sprintf(reasonLineLong, pwfile.MaxLineLen)
	}
	return err.Error()
}
