package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sort"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// importUsers is --import SRC FILE and --import-hashed SRC FILE, after
// readImport checked every line of SRC: src plans the users' new lines (for
// --import, hashing the passwords on all cores), and the file is rewritten
// once, under the lock, or with -c created with these users alone. With
// --if-changed the file is read first, and read again when it changed
// before the rewrite, up to editAttempts times.
func importUsers(ctx context.Context, o *Options, s Streams, f *atomicfile.File, src importSource) error {
	defer src.forget()
	p, err := src.plan(ctx, o, s, f, nil)
	for attempt := 1; ; attempt++ {
		if err != nil {
			return err
		}
		if beforeConditionalEdit != nil && o.IfChanged {
			beforeConditionalEdit()
		}
		err = writeImport(ctx, o, s, f, p)
		if !errors.Is(err, atomicfile.ErrChanged) || attempt == editAttempts {
			return err
		}
		p, err = src.plan(ctx, o, s, f, &p)
	}
}

// importSource is what readImport read from an import's source: the one
// difference between --import and --import-hashed.
type importSource interface {
	// plan plans what the import writes to f; prev is the plan that met
	// a file changed since (--if-changed), nil the first time.
	plan(ctx context.Context, o *Options, s Streams, f *atomicfile.File, prev *importPlan) (importPlan, error)
	// forget clears what must not outlive the import.
	forget()
}

// passwords is the source of --import: user:password lines, hashed here.
type passwords struct {
	creds []pwfile.Credential
	hash  pwfile.Hasher
}

func (src *passwords) plan(ctx context.Context, o *Options, s Streams, f *atomicfile.File, prev *importPlan) (importPlan, error) {
	if prev == nil {
		src.hash = hasher(o, s)
		return hashImport(ctx, o, s, f, src.creds, src.hash)
	}
	return rehashImport(ctx, o, s, f, src.creds, src.hash, *prev)
}

// forget clears the passwords, which HashAll keeps for the users
// --if-changed leaves alone, for another look if the file changes.
func (src *passwords) forget() {
	for _, c := range src.creds {
		clear(c.Password)
	}
}

// hashes is the source of --import-hashed: user:hash lines, each hash
// written as ReadHashedImport gave it.
type hashes []pwfile.HashedCredential

// plan leaves alone, with --if-changed, a user whose entries all hold
// exactly its hash, on the condition that the file is still what was read;
// planning again reads the file again.
func (src hashes) plan(ctx context.Context, o *Options, s Streams, f *atomicfile.File, prev *importPlan) (importPlan, error) {
	var p importPlan
	var current map[string][]string
	if o.IfChanged {
		users := make([]string, len(src))
		for i, c := range src {
			users[i] = c.User
		}
		var cond atomicfile.EditOption
		var err error
		if current, cond, err = currentHashes(ctx, f, users); err != nil {
			return p, err
		}
		p.cond = append(p.cond, cond)
	}
	p.updates, p.unchanged = pwfile.HashedUpdates(src, current)
	if prev == nil && slices.ContainsFunc(src, func(c pwfile.HashedCredential) bool {
		a, _ := pwhash.AlgorithmOf(c.Hash)
		return a == pwhash.Argon2id
	}) {
		fmt.Fprintln(s.ErrOut, msgArgon2Warning)
	}
	return p, nil
}

func (hashes) forget() {}

// importPlan is what an import writes: the users' new lines, how many users
// --if-changed leaves alone, and the condition the edit must meet, with the
// hashes in the file it was planned for.
type importPlan struct {
	updates   []pwfile.Update
	unchanged int
	cond      []atomicfile.EditOption
	keep      *pwfile.Keep
}

// hashImport hashes the passwords of creds. With --if-changed it first
// reads the file to verify them, and makes the rewrite conditional on the
// file being what it read, since a user left alone is right only for that.
func hashImport(ctx context.Context, o *Options, s Streams, f *atomicfile.File, creds []pwfile.Credential, hash pwfile.Hasher) (importPlan, error) {
	var p importPlan
	if o.IfChanged {
		var cond atomicfile.EditOption
		var err error
		if p.keep, cond, err = keepFor(ctx, o, f, creds); err != nil {
			return p, err
		}
		p.cond = append(p.cond, cond)
	}
	step, done := newProgress(s, len(creds), "Hashing")
	defer done()
	var err error
	p.updates, p.unchanged, err = pwfile.HashAll(ctx, creds, hash, p.keep, step)
	return p, err
}

// rehashImport plans an --if-changed import again for the file as it is
// now, after it changed under plan p. A new hash of p holds whatever the
// file holds; a user p left alone stays so if its entries are still those
// that verified, and is verified, or hashed, again otherwise. So a retry
// costs a read of the file and the users others changed meanwhile.
func rehashImport(ctx context.Context, o *Options, s Streams, f *atomicfile.File, creds []pwfile.Credential, hash pwfile.Hasher, p importPlan) (importPlan, error) {
	next := importPlan{updates: p.updates}
	keep, cond, err := keepFor(ctx, o, f, creds)
	if err != nil {
		return next, err
	}
	next.keep, next.cond = keep, []atomicfile.EditOption{cond}
	order := make(map[string]int, len(creds))
	for i, c := range creds {
		order[c.User] = i
	}
	hashed := make(map[string]bool, len(p.updates))
	for _, u := range p.updates {
		hashed[u.User] = true
	}
	var again []pwfile.Credential
	for _, c := range creds {
		switch {
		case hashed[c.User]:
		case slices.Equal(p.keep.Current[c.User], keep.Current[c.User]):
			next.unchanged++
		default:
			again = append(again, c)
		}
	}
	step, done := newProgress(s, len(again), "Hashing")
	defer done()
	more, unchanged, err := pwfile.HashAll(ctx, again, hash, keep, step)
	if err != nil {
		return next, err
	}
	next.unchanged += unchanged
	// In the order of the source, as new users are appended in it.
	next.updates = append(slices.Clip(next.updates), more...)
	// sort, not slices: each slices.SortFunc element type adds its own copy
	// of the sorting code to the binary.
	sort.Slice(next.updates, func(i, j int) bool { return order[next.updates[i].User] < order[next.updates[j].User] })
	return next, nil
}

// writeImport writes what an importSource planned and prints the summary.
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
// --import-hashed, and reports its bad lines on stderr before it fails.
func readImport(o *Options, s Streams) (importSource, error) {
	path := o.Import
	if path == "" {
		path = o.ImportHashed
	}
	name, in, closeSrc, err := openImport(path, s)
	if err != nil {
		return nil, err
	}
	defer closeSrc()
	var src importSource
	if o.Import != "" {
		var creds []pwfile.Credential
		creds, err = pwfile.ReadImport(in)
		src = &passwords{creds: creds}
	} else {
		var creds []pwfile.HashedCredential
		creds, err = pwfile.ReadHashedImport(in, o.Broker)
		src = hashes(creds)
	}
	if err != nil {
		return nil, importFailed(err, path, name, s)
	}
	return src, nil
}

// openImport opens the import source src ("-": stdin) and returns the name
// messages give it. Only what can end is read: a regular file or a pipe (a
// FIFO, a socket), and stdin from a terminal; a device such as /dev/urandom
// or /dev/zero is refused before it is opened, since it is never a list of
// users and would be read up to pwfile.MaxImportSize.
func openImport(src string, s Streams) (name string, in io.Reader, closeSrc func(), err error) {
	if src == dashArg {
		if f, ok := s.In.(*os.File); ok && !s.InTerminal {
			if fi, err := f.Stat(); err == nil && !importable(fi.Mode()) {
				return "", nil, nil, fail(ExitError, msgImportNotFile, msgStdinName)
			}
		}
		return msgStdinName, s.In, func() {}, nil
	}
	fi, err := os.Stat(src)
	if err != nil {
		return "", nil, nil, fail(ExitError, msgImportOpen, src, strerror(err))
	}
	if !importable(fi.Mode()) {
		return "", nil, nil, fail(ExitError, msgImportNotFile, src)
	}
	f, err := os.Open(src)
	if err != nil {
		return "", nil, nil, fail(ExitError, msgImportOpen, src, strerror(err))
	}
	return src, f, func() { f.Close() }, nil
}

// importable reports whether a source of mode m may be read. A directory
// passes, for its read to fail with the system's own words.
func importable(m fs.FileMode) bool {
	return m&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeIrregular) == 0
}

// importFailed explains what pwfile.ReadImport or ReadHashedImport returned
// for the source src, called name in messages: the bad lines on stderr
// (at most pwfile.MaxBadLines of them) and the error to exit with.
func importFailed(err error, src, name string, s Streams) error {
	var bad *pwfile.ImportError
	switch {
	case errors.As(err, &bad):
		for _, l := range bad.Lines {
			fmt.Fprintf(s.ErrOut, msgImportLine+"\n", l.Line, name, importReason(l.Err))
		}
		lines := plural(len(bad.Lines)+bad.More, "bad line")
		if bad.More > 0 {
			return fail(ExitError, msgImportBadMany, lines, name, len(bad.Lines))
		}
		return fail(ExitError, msgImportBad, lines, name)
	case errors.Is(err, pwfile.ErrImportTooLarge):
		return fail(ExitError, msgImportTooLarge, name, pwfile.MaxImportSize>>20)
	}
	return fail(ExitError, msgImportOpen, src, strerror(err))
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
