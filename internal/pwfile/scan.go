// Package pwfile reads and edits Mosquitto password files as a stream of
// lines, one line in memory at a time, and writes every line it does not edit
// back byte for byte.
//
// An entry is parsed as mosquitto_passwd does: the line is split at ':' the
// way C's strtok splits it (leading colons skipped, only the text up to the
// next ':' is the hash) and white space is trimmed around both fields. Unlike
// the original tool, lines starting with '#' and blank lines are kept as they
// are, since the broker skips them too.
package pwfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxLineLen bounds one line of a password file. A username and a plaintext
// password of 65535 bytes each (the original's limits) fit with room to spare,
// so only a damaged or hostile file reaches it.
const MaxLineLen = 1 << 20

// ErrLineTooLong is the cause of the ParseError for a line longer than
// MaxLineLen, in a password file or an import.
var ErrLineTooLong = fmt.Errorf("line longer than %d bytes", MaxLineLen)

// Kind says what a line of a password file holds.
type Kind int

const (
	Entry   Kind = iota // username:hash (or username:plaintext before -U)
	Comment             // starts with '#'
	Blank               // white space only
	Corrupt             // none of these; only from a Scanner told to KeepCorrupt
)

// Line is one line of a password file. Its byte slices point into the
// scanner's buffer and are valid only until the next call to Scan.
type Line struct {
	Num  int    // 1-based line number
	Raw  []byte // the line as read, with its line ending if it had one
	Kind Kind
	User []byte // Entry only: the trimmed username
	Hash []byte // Entry only: the trimmed second field
	Err  error  // Corrupt only: what is wrong with the line
}

// Terminated reports whether the line ends in '\n'.
func (l Line) Terminated() bool {
	return len(l.Raw) > 0 && l.Raw[len(l.Raw)-1] == '\n'
}

// ErrCorrupt is the cause of a ParseError for a line that is not an entry,
// a comment or a blank line.
var ErrCorrupt = errors.New("no username and hash separated by ':'")

// ParseError reports a line of a password file that cannot be read.
type ParseError struct {
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("corrupt password file at line %d: %v", e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Scanner reads a password file line by line.
type Scanner struct {
	s           *bufio.Scanner
	line        Line
	err         error
	keepCorrupt bool
}

// NewScanner returns a Scanner reading from r.
func NewScanner(r io.Reader) *Scanner {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64*1024), MaxLineLen)
	s.Split(scanRawLines)
	return &Scanner{s: s}
}

// scanRawLines is bufio.ScanLines without dropping the line ending, so that
// lines we do not edit are written back exactly, CRLF included.
func scanRawLines(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i+1], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// KeepCorrupt makes Scan return a line that cannot be parsed as a Line of
// Kind Corrupt, with the reason in its Err, and go on, instead of stopping
// there; only a line longer than MaxLineLen still stops it. A linter wants
// every bad line, an edit none.
func (s *Scanner) KeepCorrupt() { s.keepCorrupt = true }

// Scan advances to the next line. It returns false at the end of the input
// or at the first line that cannot be parsed; Err then tells which.
func (s *Scanner) Scan() bool {
	if s.err != nil || !s.s.Scan() {
		if s.err == nil && s.s.Err() != nil {
			s.err = s.s.Err()
			if errors.Is(s.err, bufio.ErrTooLong) {
				s.err = &ParseError{Line: s.line.Num + 1, Err: ErrLineTooLong}
			}
		}
		return false
	}
	s.line = Line{Num: s.line.Num + 1, Raw: s.s.Bytes()}
	if err := parseLine(&s.line); err != nil {
		if s.keepCorrupt {
			s.line.Kind, s.line.Err = Corrupt, err
			return true
		}
		s.err = &ParseError{Line: s.line.Num, Err: err}
		return false
	}
	return true
}

// Line returns the line read by the last successful Scan.
func (s *Scanner) Line() Line { return s.line }

// Err returns the first error met: a *ParseError for a bad line, or the
// reader's error. It is nil at a clean end of input.
func (s *Scanner) Err() error { return s.err }

func parseLine(l *Line) error {
	raw := l.Raw
	if len(raw) > 0 && raw[0] == '#' {
		l.Kind = Comment
		return nil
	}
	if len(trimSpace(raw)) == 0 {
		l.Kind = Blank
		return nil
	}
	user, rest := strtok(raw)
	hash, _ := strtok(rest)
	user, hash = trimSpace(user), trimSpace(hash)
	if len(user) == 0 || len(hash) == 0 {
		return ErrCorrupt
	}
	l.Kind, l.User, l.Hash = Entry, user, hash
	return nil
}

// strtok returns the next ':'-separated token of b and what follows it, as
// C's strtok(b, ":") would: leading separators are skipped.
func strtok(b []byte) (tok, rest []byte) {
	for len(b) > 0 && b[0] == ':' {
		b = b[1:]
	}
	if i := bytes.IndexByte(b, ':'); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

// isSpace is C's isspace in the "C" locale, which the original trims with.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}
