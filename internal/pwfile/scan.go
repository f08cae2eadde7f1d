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
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxLineLen bounds one line of a password file, not counting its '\n'. A
// username and a plaintext password of 65535 bytes each (the original's
// limits) fit with room to spare, so only a damaged or hostile file reaches
// it.
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
	lr          lineReader
	line        Line
	err         error
	keepCorrupt bool
}

// NewScanner returns a Scanner reading from r.
func NewScanner(r io.Reader) *Scanner {
	return &Scanner{lr: newLineReader(r, nil)}
}

// KeepCorrupt makes Scan return a line that cannot be parsed as a Line of
// Kind Corrupt, with the reason in its Err, and go on, instead of stopping
// there; only a line longer than MaxLineLen still stops it. A linter wants
// every bad line, an edit none.
func (s *Scanner) KeepCorrupt() { s.keepCorrupt = true }

// Scan advances to the next line. It returns false at the end of the input
// or at the first line that cannot be parsed; Err then tells which.
func (s *Scanner) Scan() bool {
	if s.err != nil {
		return false
	}
	raw, ok := s.lr.next()
	if !ok {
		s.err = s.lr.err
		return false
	}
	s.line = Line{Num: s.lr.num, Raw: raw}
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

// lineReader splits a stream into raw lines, line endings kept, in one
// buffer that holds the longest line allowed. It reads in chunks of about
// that size, so that a big file moves in few system calls and lines are
// found with one vectorised search each. Given a writer, it also copies
// the lines its caller keeps: they sit next to each other in the buffer, so
// a whole run of them goes out in one Write, straight from the buffer,
// when the buffer is refilled or the caller cuts a line out.
type lineReader struct {
	r          io.Reader
	buf        []byte
	start, end int  // buf[start:end] is read but not yet returned
	span       int  // buf[span:start] is kept but not yet written to w
	eof        bool // r has nothing more
	num        int  // number of the last line returned
	err        error
	w          io.Writer
}

func newLineReader(r io.Reader, w io.Writer) lineReader {
	// One byte more than the longest line: a full buffer without a '\n'
	// then proves the line too long, without waiting for more input.
	return lineReader{r: r, w: w, buf: make([]byte, MaxLineLen+1)}
}

// next returns the next line, valid until the following call, or false at
// the end of the input or on an error, left in err.
func (lr *lineReader) next() ([]byte, bool) {
	searched := 0 // bytes of buf[start:end] known to hold no '\n'
	for {
		if i := bytes.IndexByte(lr.buf[lr.start+searched:lr.end], '\n'); i >= 0 {
			line := lr.buf[lr.start : lr.start+searched+i+1]
			lr.start += len(line)
			lr.num++
			return line, true
		}
		searched = lr.end - lr.start
		if lr.eof || lr.err != nil {
			if lr.err == nil && lr.start < lr.end {
				line := lr.buf[lr.start:lr.end]
				lr.start = lr.end
				lr.num++
				return line, true
			}
			return nil, false
		}
		lr.fill()
	}
}

// fill reads more after the unreturned bytes. When the buffer is full it
// first writes out the kept run and moves the unreturned bytes to the front.
func (lr *lineReader) fill() {
	if lr.end == len(lr.buf) {
		if lr.start == 0 {
			lr.err = &ParseError{Line: lr.num + 1, Err: ErrLineTooLong}
			return
		}
		if err := lr.flush(); err != nil {
			lr.err = err
			return
		}
		lr.end = copy(lr.buf, lr.buf[lr.start:lr.end])
		lr.start, lr.span = 0, 0
	}
	// As bufio does, give up on a reader that keeps returning nothing.
	for range 100 {
		n, err := lr.r.Read(lr.buf[lr.end:])
		lr.end += n
		if err == io.EOF {
			lr.eof = true
			return
		}
		if err != nil {
			lr.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	lr.err = io.ErrNoProgress
}

// cut writes out the kept run before line, the one next just returned, and
// starts the next run after it, so that line itself is not copied.
func (lr *lineReader) cut(line []byte) error {
	if err := lr.write(lr.buf[lr.span : lr.start-len(line)]); err != nil {
		return err
	}
	lr.span = lr.start
	return nil
}

// flush writes out the kept run up to the last line returned.
func (lr *lineReader) flush() error {
	if err := lr.write(lr.buf[lr.span:lr.start]); err != nil {
		return err
	}
	lr.span = lr.start
	return nil
}

func (lr *lineReader) write(b []byte) error {
	if lr.w == nil || len(b) == 0 {
		return nil
	}
	_, err := lr.w.Write(b)
	return err
}

// scanRawLines is bufio.ScanLines without dropping the line ending, for
// ReadImport, whose lines keep their '\r' until TrimPasswordLine.
func scanRawLines(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i+1], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

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
