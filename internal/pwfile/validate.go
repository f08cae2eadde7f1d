package pwfile

import "io"

// Validate reads a whole password file and returns the first *ParseError, or r's error: it
// accepts exactly what an edit accepts, so that content this tool itself wrote always passes.
func Validate(r io.Reader) error {
	s := NewScanner(r)
	for s.Scan() {
	}
	return s.Err()
}
