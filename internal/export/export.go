// Package export writes the users of a Mosquitto password file in other
// shapes without their passwords: a dynamic-security plugin configuration,
// or user:hash lines for passlib and mosquitto-go-auth. It streams the
// password file, keeps every hash bit for bit, and leaves out, with the
// reason, each entry the target cannot hold.
package export

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/mqpasswd/mqpasswd/internal/hashconv"
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// ErrPlaintext is the cause of a Refusal for an entry that holds no hash,
// such as a password -U has not hashed yet.
var ErrPlaintext = errors.New("no hash, a plaintext password (run -U first)")

// ErrUsernameNotUTF8 is the cause of a Refusal for a username that is not
// UTF-8: MQTT usernames are UTF-8, and a JSON file holds nothing else.
var ErrUsernameNotUTF8 = errors.New("username is not valid UTF-8")

// Refusal is an entry of the password file an export left out, and why: Err
// is ErrPlaintext, ErrUsernameNotUTF8, a username error of
// pwfile.CheckUsername, a *pwhash.DecodeError, a *hashconv.HoldError, a
// *pwhash.LoadError or a *pwfile.DuplicateError. None quotes the hash.
type Refusal struct {
	Line int
	User string
	Err  error
}

// Result counts what an export wrote and lists what it left out, in line
// order.
type Result struct {
	Exported int
	// Argon2id counts the exported argon2id entries, which only 2.1
	// brokers built with argon2 load (Dynsec for 2.1 only).
	Argon2id int
	Refused  []Refusal
}

// Lines writes "user:hash\n" for each entry of the password file r whose hash
// f (hashconv.GoAuth or hashconv.Passlib) holds, in file order; a user listed
// twice is written twice, and go-auth, like a 2.0 broker, keeps the last. A
// corrupt line stops it with the *pwfile.ParseError after the lines before
// it were written; entries it cannot convert go to Result.Refused.
func Lines(r io.Reader, w io.Writer, f hashconv.Format) (*Result, error) {
	if f != hashconv.GoAuth && f != hashconv.Passlib {
		return nil, fmt.Errorf("%w %q: not a format of lines", hashconv.ErrUnknownFormat, f)
	}
	res := &Result{}
	var buf []byte
	err := entries(r, res, func(l pwfile.Line, d *pwhash.Decoded) error {
		s, err := hashconv.Encode(d, f)
		if err != nil {
			return err
		}
		buf = pwfile.AppendEntry(buf[:0], string(l.User), s)
		return nil
	}, func() error {
		_, err := w.Write(buf)
		return err
	})
	return res, err
}

// entries calls check for every entry of r whose hash decodes, and write
// after each check that passed; a check's error becomes a Refusal, write's
// stops the reading.
func entries(r io.Reader, res *Result, check func(pwfile.Line, *pwhash.Decoded) error, write func() error) error {
	s := pwfile.NewScanner(r)
	for s.Scan() {
		l := s.Line()
		if l.Kind != pwfile.Entry {
			continue
		}
		err := checkEntry(l, check)
		if err != nil {
			res.Refused = append(res.Refused, Refusal{Line: l.Num, User: string(l.User), Err: err})
			continue
		}
		if err := write(); err != nil {
			return err
		}
		res.Exported++
	}
	return s.Err()
}

func checkEntry(l pwfile.Line, check func(pwfile.Line, *pwhash.Decoded) error) error {
	if err := pwfile.CheckUsername(string(l.User)); err != nil {
		return err
	}
	if !utf8.Valid(l.User) {
		return ErrUsernameNotUTF8
	}
	if !pwhash.LooksHashed(string(l.Hash)) {
		return ErrPlaintext
	}
	d, err := pwhash.Decode(string(l.Hash))
	if err != nil {
		return err
	}
	return check(l, d)
}
