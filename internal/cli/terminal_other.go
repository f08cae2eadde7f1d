//go:build !unix

package cli

import "golang.org/x/term"

// readTerminal returns a function that reads one password line from the
// console fd without echo, and one that restores the console as it was.
func readTerminal(fd int) (read func() ([]byte, error), restore func(), err error) {
	state, err := term.GetState(fd)
	if err != nil {
		return nil, nil, err
	}
	read = func() ([]byte, error) { return term.ReadPassword(fd) }
	return read, func() { term.Restore(fd, state) }, nil
}
