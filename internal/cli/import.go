package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// errChangedMeanwhile stops an --if-changed import whose file changed after
// it was read for verifying.
var errChangedMeanwhile = errors.New("password file changed during the import")

// importUsers is --import SRC FILE: every line of SRC is checked before
// anything else, the passwords are hashed on all cores, and the file is
// rewritten once, under the lock, or with -c created with these users alone.
func (o *Options) importUsers(ctx context.Context, s Streams) error {
	creds, err := o.readImport(s)
	if err != nil {
		return err
	}
	path, err := atomicfile.Resolve(o.File)
	if err != nil {
		return fail(ExitError, msgResolve, strerror(err))
	}
	if !o.Create {
		if err := atomicfile.Check(path); err != nil {
			return o.fileError(err, path)
		}
	}

	// --if-changed reads the file first to verify the passwords in it, and
	// remembers what it read: the rewrite then checks that it rewrites the
	// same content, since a user left alone is correct only for that.
	var current map[string][]string
	var seen []byte
	if o.IfChanged {
		users := make([]string, len(creds))
		for i, c := range creds {
			users[i] = c.User
		}
		if current, seen, err = o.hashesOf(path, users); err != nil {
			return err
		}
	}

	step, done := newProgress(s, len(creds), "Hashing")
	updates, unchanged, err := pwfile.HashAll(ctx, creds, pwhash.Workers(o.params().Algorithm), o.hasher(s), current, o.keeps, step)
	done()
	if err != nil {
		return o.fileError(err, path)
	}
	if len(updates) == 0 && !o.Create {
		if err := o.keepUnchanged(ctx, s, path); err != nil {
			return err
		}
		o.printImported(s, 0, 0, unchanged)
		return nil
	}

	var found []bool
	if o.Create {
		err = atomicfile.Create(ctx, path, func(w io.Writer) error {
			found, err = pwfile.Set(bytes.NewReader(nil), w, updates)
			return err
		}, o.fileOptions(s)...)
	} else {
		err = atomicfile.Edit(ctx, path, func(r io.Reader, w io.Writer) error {
			var sum hash.Hash
			if seen != nil {
				sum = sha256.New()
				r = io.TeeReader(r, sum)
			}
			found, err = pwfile.Set(r, w, updates)
			if err == nil && sum != nil && !bytes.Equal(sum.Sum(nil), seen) {
				return errChangedMeanwhile
			}
			return err
		}, o.fileOptions(s)...)
	}
	if err != nil {
		return o.fileError(err, path)
	}
	updated := 0
	for _, f := range found {
		if f {
			updated++
		}
	}
	o.printImported(s, len(updates)-updated, updated, unchanged)
	return nil
}

// printImported prints the summary of an import; only --if-changed leaves
// users unchanged, so only it counts them.
func (o *Options) printImported(s Streams, added, updated, unchanged int) {
	if o.IfChanged {
		fmt.Fprintf(s.Out, msgImportedIf+"\n", added, updated, unchanged)
	} else {
		fmt.Fprintf(s.Out, msgImported+"\n", added, updated)
	}
}

// readImport reads and checks the whole import source, and reports every
// bad line on stderr before it fails.
func (o *Options) readImport(s Streams) ([]pwfile.Credential, error) {
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

// hashesOf reads the hashes of users from the file at path, and the SHA-256
// of what it read.
func (o *Options) hashesOf(path string, users []string) (map[string][]string, []byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, o.fileError(err, path)
	}
	defer f.Close()
	sum := sha256.New()
	current, err := pwfile.Hashes(io.TeeReader(f, sum), users)
	if err != nil {
		return nil, nil, o.fileError(err, path)
	}
	return current, sum.Sum(nil), nil
}
