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

// ImportError lists every bad line of an import file, in line order. Each
// cause is one of this package's sentinels or a *DuplicateError; none quotes
// a password or a line.
type ImportError struct {
	Lines []*ParseError
}

func (e *ImportError) Error() string {
	return fmt.Sprintf("%d bad import lines, the first at line %d: %v", len(e.Lines), e.Lines[0].Line, e.Lines[0].Err)
}

// ReadImport reads "user:password" lines for a bulk import. The username is
// the text before the first ':' and must pass CheckUsername without white
// space at either end; the password is everything after that ':', exactly
// as typed (spaces and further colons included), up to the line ending: the
// '\n' and any '\r' before it are not part of it. Blank lines and lines starting with
// '#' are skipped, as in a password file. A user may appear only once.
//
// Every bad line is reported: the error is then an *ImportError and no
// credentials are returned. A read error is returned as it is.
func ReadImport(r io.Reader) ([]Credential, error) {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64*1024), MaxLineLen)
	s.Split(scanRawLines)
	var (
		creds []Credential
		bad   []*ParseError
		seen  = map[string]int{}
		num   int
	)
	for s.Scan() {
		num++
		c, err := parseImportLine(num, s.Bytes())
		if err == nil && c.User != "" {
			if first, dup := seen[c.User]; dup {
				err = &DuplicateError{User: c.User, First: first}
			} else {
				seen[c.User] = num
			}
		}
		switch {
		case err != nil:
			bad = append(bad, &ParseError{Line: num, Err: err})
		case c.User != "":
			creds = append(creds, c)
		}
	}
	if err := s.Err(); err != nil {
		if !errors.Is(err, bufio.ErrTooLong) {
			return nil, err
		}
		bad = append(bad, &ParseError{Line: num + 1, Err: ErrLineTooLong})
	}
	if len(bad) > 0 {
		for _, c := range creds {
			clear(c.Password)
		}
		return nil, &ImportError{Lines: bad}
	}
	return creds, nil
}

// parseImportLine parses one raw line; a zero Credential and no error mean a
// line to skip.
func parseImportLine(num int, raw []byte) (Credential, error) {
	line := TrimPasswordLine(raw)
	if len(line) > 0 && line[0] == '#' || len(trimSpace(line)) == 0 {
		return Credential{}, nil
	}
	user, password, ok := bytes.Cut(line, []byte(":"))
	if !ok {
		return Credential{}, ErrNoColon
	}
	if err := CheckUsername(string(user)); err != nil {
		return Credential{}, err
	}
	switch {
	case len(password) == 0:
		return Credential{}, ErrEmptyPassword
	case len(password) > MaxPasswordLen:
		return Credential{}, ErrPasswordTooLong
	}
	return Credential{Line: num, User: string(user), Password: bytes.Clone(password)}, nil
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

// Unchanged reports whether user may keep its entries when its password is
// set to password: it has entries, and every one of them is what k.Params
// writes for k.Broker and verifies password. A hash that does not decode
// does not verify. Unchanged is safe for concurrent use.
func (k *Keep) Unchanged(user string, password []byte) bool {
	hashes := k.Current[user]
	return len(hashes) > 0 && !slices.ContainsFunc(hashes, func(h string) bool {
		if !k.Params.Satisfies(h, k.Broker) {
			return true
		}
		ok, err := pwhash.Verify(password, h)
		return !ok || err != nil
	})
}

// HashAll hashes the password of each credential on workers goroutines and
// returns the updates in the order of creds. Each password is cleared once
// it is used, and every one on error; progress, if not nil, is called after
// each credential. Once ctx is done no further hash starts and ctx's error
// is returned.
//
// With keep not nil, a credential whose user keep.Unchanged leaves alone
// gets no Update, and unchanged counts it. Such a user's lines can then be
// left as they are, and a file where nothing changed need not be written at
// all.
func HashAll(ctx context.Context, creds []Credential, workers int, hash HashFunc, keep *Keep, progress func()) (updates []Update, unchanged int, err error) {
	type job struct {
		c         *Credential
		hash      string
		unchanged bool
		err       error
	}
	updates = make([]Update, 0, len(creds))
	err = inOrder(ctx, workers,
		func(send func(*job, bool) bool) error {
			for i := range creds {
				if !send(&job{c: &creds[i]}, true) {
					break
				}
			}
			return nil
		},
		func(j *job) {
			if j.unchanged = keep != nil && keep.Unchanged(j.c.User, j.c.Password); !j.unchanged {
				j.hash, j.err = hash(j.c.Password)
			}
			clear(j.c.Password)
		},
		func(j *job) error {
			switch {
			case j.err != nil:
				return j.err
			case j.unchanged:
				unchanged++
			default:
				updates = append(updates, Update{User: j.c.User, Hash: j.hash})
			}
			if progress != nil {
				progress()
			}
			return nil
		})
	if err != nil {
		for i := range creds {
			clear(creds[i].Password)
		}
		return nil, 0, err
	}
	return updates, unchanged, nil
}

// Authenticate reports whether password is user's in the password file r,
// checking the entry a 2.0 broker uses (the last, when there are several).
// For a user without an entry it returns ErrUserNotFound, but only after
// hashing the password at the cost of our default hash, so that how long the
// answer takes does not tell whether the user exists. A hash that does not
// decode gives its *pwhash.DecodeError.
func Authenticate(r io.Reader, user string, password []byte) (bool, error) {
	hash, err := Lookup(r, user)
	if errors.Is(err, ErrUserNotFound) {
		if _, herr := pwhash.Hash(password, pwhash.Params{}); herr != nil {
			return false, herr
		}
		return false, err
	}
	if err != nil {
		return false, err
	}
	return pwhash.Verify(password, hash)
}
