package cli

import (
	"github.com/mqpasswd/mqpasswd/internal/progress"
)

// newProgress returns step, to call after each of n users (n < 0: a count
// not known in advance, as for -U), and done, to call at the end. When
// stderr is a terminal they draw a progress line there, cleared at the end;
// otherwise step is nil and done does nothing, so logs and pipes stay clean.
func newProgress(s Streams, n int, what string) (step func(), done func()) {
	if !s.ErrOutTerminal {
		return nil, func() {}
	}
	line := progress.New(s.ErrOut, n, what)
	return func() { line.Add(1) }, line.Clear
}
