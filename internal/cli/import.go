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

// importUsers is --import SRC FILE and --import-hashed SRC FILE, after
// readImport checked every line of SRC: plan gives the users' new lines
// (for --import, the passwords hashed on all cores), and the file is
// rewritten once, under the lock, or with -c created with these users alone.
func importUsers(ctx context.Context, o *Options, s Streams, f *atomicfile.File, plan importPlanner) error {
	p, err := plan(ctx, f)
	if err != nil {
		return err
	}
	return writeImport(ctx, o, s, f, p)
}

// importPlanner turns the checked lines of an import's source into what the
// import writes to f: the one difference between --import and
// --import-hashed.
type importPlanner func(ctx context.Context, f *atomicfile.File) (importPlan, error)

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

// planHashed plans --import-hashed: each hash is written as readImport
// gave it. With --if-changed a user whose entries all hold exactly that hash
// is left alone, on the condition that the file is still what was read.
func planHashed(ctx context.Context, o *Options, s Streams, f *atomicfile.File, creds []pwfile.HashedCredential) (importPlan, error) {
	var p importPlan
	var current map[string][]string
	if o.IfChanged {
		users := make([]string, len(creds))
		for i, c := range creds {
			users[i] = c.User
		}
		var cond atomicfile.EditOption
		var err error
		if current, cond, err = currentHashes(ctx, f, users); err != nil {
			return p, err
		}
		p.cond = append(p.cond, cond)
	}
	p.updates, p.unchanged = pwfile.HashedUpdates(creds, current)
	for _, c := range creds {
		if a, _ := pwhash.AlgorithmOf(c.Hash); a == pwhash.Argon2id {
			fmt.Fprintln(s.ErrOut, msgArgon2Warning)
			break
		}
	}
	return p, nil
}

// writeImport writes what an importPlanner planned and prints the summary.
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

// readImport reads and checks the whole source of --import or
// --import-hashed, and reports every bad line on stderr before it fails.
func readImport(o *Options, s Streams) (importPlanner, error) {
	src := o.Import
	if src == "" {
		src = o.ImportHashed
	}
	name, in := src, s.In
	if name == dashArg {
		name = msgStdinName
	} else {
		f, err := os.Open(src)
		if err != nil {
			return nil, fail(ExitError, msgImportOpen, src, strerror(err))
		}
		defer f.Close()
		in = f
	}
	var plan importPlanner
	var err error
	if o.Import != "" {
		var creds []pwfile.Credential
		creds, err = pwfile.ReadImport(in)
		plan = func(ctx context.Context, f *atomicfile.File) (importPlan, error) {
			return hashImport(ctx, o, s, f, creds)
		}
	} else {
		var creds []pwfile.HashedCredential
		creds, err = pwfile.ReadHashedImport(in, o.Broker)
		plan = func(ctx context.Context, f *atomicfile.File) (importPlan, error) {
			return planHashed(ctx, o, s, f, creds)
		}
	}
	var bad *pwfile.ImportError
	switch {
	case errors.As(err, &bad):
		for _, l := range bad.Lines {
			fmt.Fprintf(s.ErrOut, msgImportLine+"\n", l.Line, name, importReason(l.Err))
		}
		return nil, fail(ExitError, msgImportBad, plural(len(bad.Lines), "bad line"), name)
	case err != nil:
		return nil, fail(ExitError, msgImportOpen, src, strerror(err))
	}
	return plan, nil
}

// importReason words why ReadImport or ReadHashedImport refused a line; a
// hash that does not decode or load gives its own reason, which never quotes
// it.
func importReason(err error) string {
	var dup *pwfile.DuplicateError
	switch {
	case errors.As(err, &dup):
		return fmt.Sprintf(reasonDuplicate, dup.User, dup.First)
	case errors.Is(err, pwfile.ErrNoColon):
		return reasonNoColon
	case errors.Is(err, pwfile.ErrEmptyPassword):
		return reasonEmptyPassword
	case errors.Is(err, pwfile.ErrEmptyHash):
		return reasonEmptyHash
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
