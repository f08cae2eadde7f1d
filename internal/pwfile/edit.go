package pwfile

import (
	"errors"
	"io"
)

// ErrUserNotFound is returned by Delete and Lookup for a username that has no
// entry in the file.
var ErrUserNotFound = errors.New("user not found in password file")

// Update gives a user's new hash.
type Update struct {
	User string
	Hash string // the encoded hash, without "user:"
}

// Set copies the password file r to w with the hash of every entry of each
// user in updates replaced by its new one, and appends "user:hash" lines, in
// the order of updates, for the users that had none. Every entry of a user
// listed twice is updated, as mosquitto_passwd 2.0 does, so that the broker
// takes the new password whichever entry it keeps. Users in updates must be
// distinct. found[i] reports whether updates[i].User had an entry.
//
// A file without a final newline gets one before a line is appended; the
// original tool glues the new entry onto the last one.
func Set(r io.Reader, w io.Writer, updates []Update) (found []bool, err error) {
	index := make(map[string]int, len(updates))
	for i, u := range updates {
		index[u.User] = i
	}
	found = make([]bool, len(updates))
	s := NewScanner(r)
	terminated := true
	for s.Scan() {
		l := s.Line()
		terminated = l.Terminated()
		i, ok := -1, false
		switch {
		case l.Kind != Entry:
		case len(updates) == 1:
			// One user, the usual edit: comparing is cheaper than hashing
			// every name for the map (BenchmarkSet: about 15% of a rewrite).
			i, ok = 0, string(l.User) == updates[0].User
		default:
			i, ok = index[string(l.User)]
		}
		if !ok {
			if _, err := w.Write(l.Raw); err != nil {
				return nil, err
			}
			continue
		}
		found[i] = true
		if err := writeEntry(w, updates[i].User, updates[i].Hash); err != nil {
			return nil, err
		}
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	for i, u := range updates {
		if found[i] {
			continue
		}
		if !terminated {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return nil, err
			}
			terminated = true
		}
		if err := writeEntry(w, u.User, u.Hash); err != nil {
			return nil, err
		}
	}
	return found, nil
}

// Delete copies r to w without any entry of user. It returns ErrUserNotFound
// when there is none. A corrupt line stops it with a *ParseError, joined with
// ErrUserNotFound when the user had no entry before that line, so that the
// caller can warn about both as the original does.
func Delete(r io.Reader, w io.Writer, user string) error {
	s := NewScanner(r)
	found := false
	for s.Scan() {
		l := s.Line()
		if l.Kind == Entry && string(l.User) == user {
			found = true
			continue
		}
		if _, err := w.Write(l.Raw); err != nil {
			return err
		}
	}
	if err := s.Err(); err != nil {
		if !found {
			// The original warns about both; see Delete's comment.
			return errors.Join(err, ErrUserNotFound)
		}
		return err
	}
	if !found {
		return ErrUserNotFound
	}
	return nil
}

// Lookup returns the hash of user's entry in r. When the user is listed more
// than once it returns the last entry, the one a 2.0 broker keeps.
func Lookup(r io.Reader, user string) (string, error) {
	s := NewScanner(r)
	var hash []byte
	found := false
	for s.Scan() {
		l := s.Line()
		if l.Kind == Entry && string(l.User) == user {
			hash, found = append(hash[:0], l.Hash...), true
		}
	}
	if err := s.Err(); err != nil {
		return "", err
	}
	if !found {
		return "", ErrUserNotFound
	}
	return string(hash), nil
}

// writeEntry writes the line of an entry to w in one Write.
func writeEntry(w io.Writer, user, hash string) error {
	_, err := w.Write(AppendEntry(make([]byte, 0, len(user)+len(hash)+2), user, hash))
	return err
}

// AppendEntry appends the password-file line "user:hash\n" to b, as every
// entry is written.
func AppendEntry(b []byte, user, hash string) []byte {
	b = append(b, user...)
	b = append(b, ':')
	b = append(b, hash...)
	return append(b, '\n')
}
