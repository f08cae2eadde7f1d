//go:build unix

package cli

import (
	"errors"
	"io"
	"syscall"

	"golang.org/x/term"
)

// readTerminal makes the terminal fd raw (no echo, no line editing by the
// kernel, whose canonical mode cuts a line at 4095 bytes) and returns a
// function that reads one password line from it with readTyped, and one
// that restores the terminal as it was.
func readTerminal(fd int) (read func() ([]byte, error), restore func(), err error) {
	state, err := term.MakeRaw(fd)
	if err != nil {
		return nil, nil, err
	}
	read = func() ([]byte, error) { return readTyped(fdReader(fd)) }
	return read, func() { term.Restore(fd, state) }, nil
}

// fdReader reads a file descriptor directly: an *os.File made for it would
// close it when collected.
type fdReader int

func (fd fdReader) Read(p []byte) (int, error) {
	for {
		n, err := syscall.Read(int(fd), p)
		switch {
		case errors.Is(err, syscall.EINTR):
			continue
		case err != nil:
			return 0, err
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}
