package pwfile

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// MaxPasswordLen is the original tool's limit for a password: MQTT strings
// are at most 65535 bytes long.
const MaxPasswordLen = 65535

// TrimPasswordLine returns a line read for a password without its line
// ending, and any '\r' or '\n' before it: a password cannot end in '\r',
// so lines from Windows editors and terminals read as they look. The
// prompt and --import read passwords the same way through it.
func TrimPasswordLine(line []byte) []byte {
	return bytes.TrimRight(line, "\r\n")
}

// Credential is a user and the password to give it, read from line Line of
// an import file.
type Credential struct {
	Line     int
	User     string
	Password []byte
}

// Reasons ReadImport refuses a line, besides those of CheckUsername and
// ErrLineTooLong.
var (
	ErrNoColon         = errors.New("no ':' between username and password")
	ErrEmptyPassword   = errors.New("empty password")
	ErrPasswordTooLong = errors.New("password longer than 65535 bytes")
)

// DuplicateError is the cause of a ParseError for a user given a second time.
type DuplicateError struct {
	User  string
	First int // the line that gave it first
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("user %q already given at line %d", e.User, e.First)
}

// MaxBadLines is how many bad lines an *ImportError lists; it only counts
// the others, so a source that is not an import file at all (a binary
// file, /dev/urandom through a pipe) costs no memory for its lines.
const MaxBadLines = 20

// MaxImportSize bounds an import source, in bytes. Everything an import
// reads is checked before anything is written, so its users and passwords
// are all in memory at once; 128 MiB is 2.5 million users of 50 bytes.
const MaxImportSize = 128 << 20

// ErrImportTooLarge is returned by ReadImport and ReadHashedImport for a
// source longer than MaxImportSize.
var ErrImportTooLarge = fmt.Errorf("import source larger than %d MiB", MaxImportSize>>20)

// ImportError reports the bad lines of an import file: the first
// MaxBadLines of them, in line order, and how many more there were. Each
// cause is one of this package's sentinels or a *DuplicateError; none
// quotes a password or a line.
type ImportError struct {
	Lines []*ParseError
	More  int // bad lines after those in Lines
}

func (e *ImportError) Error() string {
	return fmt.Sprintf("%d bad import lines, the first at line %d: %v", len(e.Lines)+e.More, e.Lines[0].Line, e.Lines[0].Err)
}

// add records bad line num.
func (e *ImportError) add(num int, err error) {
	if len(e.Lines) < MaxBadLines {
		e.Lines = append(e.Lines, &ParseError{Line: num, Err: err})
	} else {
		e.More++
	}
}

// newImportScanner returns a scanner of the raw lines of an import source,
// each at most MaxLineLen long, that fails with ErrImportTooLarge after
// MaxImportSize bytes.
func newImportScanner(r io.Reader) *bufio.Scanner {
	s := bufio.NewScanner(&sizeLimit{r: r, left: MaxImportSize})
	s.Buffer(make([]byte, 64*1024), MaxLineLen)
	s.Split(scanRawLines)
	return s
}

// sizeLimit reads r up to left bytes, and fails with ErrImportTooLarge if r
// holds more.
type sizeLimit struct {
	r    io.Reader
	left int64
}

func (l *sizeLimit) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var probe [1]byte
		if n, err := l.r.Read(probe[:]); n == 0 {
			return 0, err
		}
		return 0, ErrImportTooLarge
	}
	p = p[:min(int64(len(p)), l.left)]
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// ReadImport reads "user:password" lines for a bulk import. The username is
// the text before the first ':' and must pass CheckUsername without white
// space at either end; the password is everything after that ':', exactly
// as typed (spaces and further colons included), up to the line ending: the
// '\n' and any '\r' before it are not part of it. Blank lines and lines starting with
// '#' are skipped, as in a password file. A user may appear only once.
//
// Any bad line makes the error an *ImportError, and no credentials are
// returned; from the first one on, no password is kept. A source longer
// than MaxImportSize gives ErrImportTooLarge; any other read error is
// returned as it is.
func ReadImport(r io.Reader) ([]Credential, error) {
	return readImport(r, parsePassword, func(c Credential) { clear(c.Password) })
}

// parsePassword checks the password given to user on line num.
func parsePassword(num int, user string, password []byte) (Credential, error) {
	switch {
	case len(password) == 0:
		return Credential{}, ErrEmptyPassword
	case len(password) > MaxPasswordLen:
		return Credential{}, ErrPasswordTooLong
	}
	return Credential{Line: num, User: user, Password: bytes.Clone(password)}, nil
}

// readImport reads the "user:rest" lines of an import source, the part
// both kinds of import share: it skips blank and '#' lines, checks each
// username and that it is given once, and collects the bad lines into an
// *ImportError. parse turns the rest of a line into a credential. From the
// first bad line on no credential is kept, and discard, if not nil, is
// called for each one dropped, so that none outlives a failed read.
func readImport[C any](r io.Reader, parse func(num int, user string, rest []byte) (C, error), discard func(C)) ([]C, error) {
	drop := func(cs ...C) {
		if discard != nil {
			for _, c := range cs {
				discard(c)
			}
		}
	}
	s := newImportScanner(r)
	var (
		creds []C
		bad   ImportError
		seen  = map[string]int{}
		num   int
	)
	for s.Scan() {
		num++
		user, rest, err := cutImportLine(s.Bytes())
		if err == nil && user == "" {
			continue
		}
		if err == nil {
			if first, dup := seen[user]; dup {
				err = &DuplicateError{User: user, First: first}
			} else {
				seen[user] = num
			}
		}
		var c C
		if err == nil {
			c, err = parse(num, user, rest)
		}
		switch {
		case err != nil:
			bad.add(num, err)
			drop(creds...)
			creds = nil
		case len(bad.Lines) == 0:
			creds = append(creds, c)
		default:
			drop(c)
		}
	}
	if err := s.Err(); err != nil {
		if !errors.Is(err, bufio.ErrTooLong) {
			drop(creds...)
			return nil, err
		}
		bad.add(num+1, ErrLineTooLong)
	}
	if len(bad.Lines) > 0 {
		drop(creds...)
		return nil, &bad
	}
	return creds, nil
}

// cutImportLine splits a raw import line at its first ':' into a checked
// username and the rest; an empty user and no error mean a line to skip.
func cutImportLine(raw []byte) (user string, rest []byte, err error) {
	line := TrimPasswordLine(raw)
	if len(line) > 0 && line[0] == '#' || len(trimSpace(line)) == 0 {
		return "", nil, nil
	}
	u, rest, ok := bytes.Cut(line, []byte(":"))
	if !ok {
		return "", nil, ErrNoColon
	}
	if err := CheckUsername(string(u)); err != nil {
		return "", nil, err
	}
	return string(u), rest, nil
}

// Hashes returns the hashes of every entry of the given users in the
// password file r, in file order; a user without an entry has none. Errors
// are as for Scanner.
func Hashes(r io.Reader, users []string) (map[string][]string, error) {
	want := make(map[string]bool, len(users))
	for _, u := range users {
		want[u] = true
	}
	found := map[string][]string{}
	s := NewScanner(r)
	for s.Scan() {
		l := s.Line()
		if l.Kind == Entry && want[string(l.User)] {
			found[string(l.User)] = append(found[string(l.User)], string(l.Hash))
		}
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	return found, nil
}

// Keep is the rule of --if-changed: which users are left as they are when
// their password is set again.
type Keep struct {
	// Current holds each user's hashes in the file, from Hashes.
	Current map[string][]string
	// Params and Broker are what a hash must be to stay (Params.Satisfies).
	Params pwhash.Params
	Broker pwhash.Broker
}

// Unchanged reports, for each credential, whether its user may keep its
// entries when its password is set again: the user has entries, and every
// one of them is what k.Params writes for k.Broker and verifies the
// password. A hash that does not decode does not verify. The hashes are
// verified in one pwhash.VerifyBatch, several at once. Unchanged is safe
// for concurrent use.
func (k *Keep) Unchanged(creds []*Credential) []bool {
	keep := make([]bool, len(creds))
	var passwords [][]byte
	var hashes []string
	var owner []int
	for i, c := range creds {
		current := k.Current[c.User]
		keep[i] = len(current) > 0 && !slices.ContainsFunc(current, func(h string) bool {
			return !k.Params.Satisfies(h, k.Broker)
		})
		if !keep[i] {
			continue
		}
		for _, h := range current {
			passwords, hashes, owner = append(passwords, c.Password), append(hashes, h), append(owner, i)
		}
	}
	ok, errs := pwhash.VerifyBatch(passwords, hashes)
	for j, i := range owner {
		keep[i] = keep[i] && ok[j] && errs[j] == nil
	}
	return keep
}

// HashAll hashes the password of each credential with h, Batch at a time on
// Workers goroutines, and returns the updates in the order of creds. Each
// password is cleared once it is hashed, and every one on error; progress,
// if not nil, is called after each credential. Once ctx is done no further
// batch starts and ctx's error is returned.
//
// With keep not nil, a credential whose user keep.Unchanged leaves alone
// gets no Update, and unchanged counts it. Such a user's lines can then be
// left as they are, and a file where nothing changed need not be written at
// all. Its password is kept, for the caller to verify again should the
// file change before it is written, and to clear.
func HashAll(ctx context.Context, creds []Credential, h Hasher, keep *Keep, progress func()) (updates []Update, unchanged int, err error) {
	type job struct {
		creds     []*Credential
		hashes    []string // of the credentials not unchanged, in order
		unchanged []bool
		err       error
	}
	batch := max(h.Batch, 1)
	updates = make([]Update, 0, len(creds))
	err = inOrder(ctx, max(h.Workers, 1),
		func(send func(*job, bool) bool) error {
			for start := 0; start < len(creds); start += batch {
				j := &job{}
				for i := start; i < min(start+batch, len(creds)); i++ {
					j.creds = append(j.creds, &creds[i])
				}
				if !send(j, true) {
					break
				}
			}
			return nil
		},
		func(j *job) {
			j.unchanged = make([]bool, len(j.creds))
			if keep != nil {
				j.unchanged = keep.Unchanged(j.creds)
			}
			var passwords [][]byte
			for i, c := range j.creds {
				if !j.unchanged[i] {
					passwords = append(passwords, c.Password)
				}
			}
			if len(passwords) > 0 {
				j.hashes, j.err = h.Hash(passwords)
				if j.err == nil && len(j.hashes) != len(passwords) {
					j.err = fmt.Errorf("%d hashes for %d passwords", len(j.hashes), len(passwords))
				}
			}
			for _, pw := range passwords {
				clear(pw)
			}
		},
		func(j *job) error {
			if j.err != nil {
				return j.err
			}
			next := 0
			for i, c := range j.creds {
				if j.unchanged[i] {
					unchanged++
				} else {
					updates = append(updates, Update{User: c.User, Hash: j.hashes[next]})
					next++
				}
				if progress != nil {
					progress()
				}
			}
			return nil
		})
	if err != nil {
		clearCredentials(creds)
		return nil, 0, err
	}
	return updates, unchanged, nil
}

// Authenticate reports whether password is user's in the password file r,
// checking the entry a 2.0 broker uses (the last, when there are several).
// For a user without an entry it returns ErrUserNotFound at once: whoever
// asks has read the file, and -v names a missing user in its message, so
// there is nothing for a dummy hash's timing to hide. A hash that does not
// decode gives its *pwhash.DecodeError.
func Authenticate(r io.Reader, user string, password []byte) (bool, error) {
	hash, err := Lookup(r, user)
	if err != nil {
		return false, err
	}
	return pwhash.Verify(password, hash)
}
