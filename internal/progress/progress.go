// Package progress draws a one-line progress display on a terminal: a count,
// its rate and, when the total is known, the time left. It replaces a
// progress-bar library that linked net/http into the binary, which cost
// every run of the tool start-up time for a display few runs show.
package progress

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// interval is the shortest time between two draws: often enough to look
// alive, rarely enough that drawing costs nothing next to hashing.
const interval = 100 * time.Millisecond

// Line is a progress display on one terminal line. Its methods may be called
// from several goroutines.
type Line struct {
	mu      sync.Mutex
	w       io.Writer
	what    string
	total   int // < 0 when not known in advance
	n       int
	start   time.Time
	drawn   time.Time // zero until the first draw
	width   int       // the cursor's column after the last draw
	now     func() time.Time
	scratch []byte
}

// New returns a Line writing to w, which should be a terminal, labelled
// with what; total is the count expected at the end, or < 0 if unknown.
func New(w io.Writer, total int, what string) *Line {
	return &Line{w: w, what: what, total: total, now: time.Now, start: time.Now()}
}

// Add counts n more and redraws the line if the last draw is old enough.
func (l *Line) Add(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n += n
	now := l.now()
	if !l.drawn.IsZero() && now.Sub(l.drawn) < interval {
		return
	}
	l.drawn = now
	b := l.appendText(append(l.scratch[:0], '\r'), now.Sub(l.start))
	l.scratch = appendSpaces(b, l.width-(len(b)-1))
	l.width = len(l.scratch) - 1
	// The display is a courtesy: a terminal that fails to take it must not
	// fail the work it reports on.
	_, _ = l.w.Write(l.scratch)
}

// Clear blanks the line if anything was drawn and leaves the cursor at its
// start; call it on every way out, interruptions included, so that what
// comes next (an error, the shell's prompt) does not share the line with a
// stale count or with the ^C the terminal echoed after it. Spaces, not an
// escape sequence, so that a Windows console without VT processing shows
// the same.
func (l *Line) Clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.drawn.IsZero() {
		return
	}
	l.drawn = time.Time{}
	b := appendSpaces([]byte{'\r'}, l.width+len("^C"))
	_, _ = l.w.Write(append(b, '\r'))
	l.width = 0
}

func appendSpaces(b []byte, n int) []byte {
	for range max(n, 0) {
		b = append(b, ' ')
	}
	return b
}

// appendText appends the text for the count after elapsed: a shorter text
// than the last one is padded by the caller, so that no tail is left.
func (l *Line) appendText(b []byte, elapsed time.Duration) []byte {
	b = append(b, l.what...)
	if l.total >= 0 {
		b = fmt.Appendf(b, " %d/%d users", l.n, l.total)
		if l.total > 0 {
			b = fmt.Appendf(b, " (%d%%)", l.n*100/l.total)
		}
	} else {
		b = fmt.Appendf(b, " %d users", l.n)
	}
	if secs := elapsed.Seconds(); secs > 0 {
		rate := float64(l.n) / secs
		b = fmt.Appendf(b, ", %.0f users/s", rate)
		if l.total > l.n && rate > 0 {
			left := time.Duration(float64(l.total-l.n) / rate * float64(time.Second))
			b = fmt.Appendf(b, ", %v left", left.Round(time.Second))
		}
	}
	return b
}
