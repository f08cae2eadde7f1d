package cli

import (
	"time"

	"github.com/schollz/progressbar/v3"
)

// newProgress returns step, to call after each of n users (n < 0: a count
// not known in advance, as for -U), and done, to call at the end. When
// stderr is a terminal they draw a progress bar there, cleared at the end;
// otherwise step is nil and done does nothing, so logs and pipes stay clean.
func newProgress(s Streams, n int, what string) (step func(), done func()) {
	if !s.ErrOutTerminal {
		return nil, func() {}
	}
	bar := progressbar.NewOptions(n,
		progressbar.OptionSetWriter(s.ErrOut),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("users"),
		progressbar.OptionSetPredictTime(n >= 0),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	return func() { bar.Add(1) }, func() { bar.Clear() }
}
