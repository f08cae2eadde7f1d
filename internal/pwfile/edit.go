package pwfile

import (
	"bytes"
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

// ErrBareCR is the cause of the ParseError for a line holding a carriage
// return that does not end it. A file whose lines end in CR alone is one
// line to the broker and to us, so an edit would keep or rewrite it as a
// whole and silently drop the entries the user sees in it; it is refused.
var ErrBareCR = errors.New("carriage return inside a line: lines that end in CR alone cannot be told apart (convert the file to LF line endings, for example with mac2unix)")

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
	lr := newLineReader(r, w)
	terminated := true
	for {
		raw, ok := lr.next()
		if !ok {
			break
		}
		terminated = raw[len(raw)-1] == '\n'
		user, err := editable(raw, lr.num)
		if err != nil {
			return nil, err
		}
		if user == nil {
			continue
		}
		i, ok := -1, false
		if len(updates) == 1 {
			// One user, the usual edit: comparing is cheaper than hashing
			// every name for the map.
			i, ok = 0, string(user) == updates[0].User
		} else {
			i, ok = index[string(user)]
		}
		if !ok {
			continue
		}
		found[i] = true
		if err := lr.cut(raw); err != nil {
			return nil, err
		}
		if err := writeEntry(w, updates[i].User, updates[i].Hash); err != nil {
			return nil, err
		}
	}
	if lr.err != nil {
		return nil, lr.err
	}
	if err := lr.flush(); err != nil {
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
	lr := newLineReader(r, w)
	found := false
	for {
		raw, ok := lr.next()
		if !ok {
			break
		}
		u, err := editable(raw, lr.num)
		if err != nil {
			lr.err = err
			break
		}
		if u == nil || string(u) != user {
			continue
		}
		found = true
		if err := lr.cut(raw); err != nil {
			return err
		}
	}
	if err := lr.err; err != nil {
		var pe *ParseError
		if !found && errors.As(err, &pe) {
			// The original warns about both; see Delete's comment.
			return errors.Join(err, ErrUserNotFound)
		}
		return err
	}
	if err := lr.flush(); err != nil {
		return err
	}
	if !found {
		return ErrUserNotFound
	}
	return nil
}

// editable reads line num of a file being edited: the username if it is an
// entry, nil for a comment or a blank line, or a *ParseError for a line an
// edit must not pass over. Most lines are entries that plainEntryUser
// recognises without the full parser.
func editable(raw []byte, num int) ([]byte, error) {
	if user, ok := plainEntryUser(raw); ok {
		return user, nil
	}
	l := Line{Num: num, Raw: raw}
	if err := parseLine(&l); err != nil {
		return nil, &ParseError{Line: num, Err: err}
	}
	if hasBareCR(raw) {
		return nil, &ParseError{Line: num, Err: ErrBareCR}
	}
	return l.User, nil
}

// plainEntryUser recognises the usual entry, "user:hash" with nothing to trim
// around either field and no carriage return but in a final CRLF, and
// returns its username as the full parser would. For any other line it
// returns false, and the full parser decides; FuzzPlainEntryUser holds the
// two to the same answer.
func plainEntryUser(raw []byte) ([]byte, bool) {
	i := bytes.IndexByte(raw, ':')
	if i <= 0 || i+1 >= len(raw) || raw[0] == '#' || isSpace(raw[0]) || isSpace(raw[i-1]) || raw[i+1] == ':' || isSpace(raw[i+1]) {
		return nil, false
	}
	if j := bytes.IndexByte(raw, '\r'); j >= 0 && j+1 != len(raw) && (j+2 != len(raw) || raw[j+1] != '\n') {
		return nil, false
	}
	return raw[:i], true
}

// hasBareCR reports whether raw holds a carriage return followed by
// anything but the line's final '\n'.
func hasBareCR(raw []byte) bool {
	for {
		j := bytes.IndexByte(raw, '\r')
		if j < 0 || j+1 == len(raw) {
			return false
		}
		if raw[j+1] != '\n' {
			return true
		}
		raw = raw[j+1:]
	}
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
