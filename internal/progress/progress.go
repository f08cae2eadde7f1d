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
	l.scratch = l.appendLine(l.scratch[:0], now.Sub(l.start))
	// The display is a courtesy: a terminal that fails to take it must not
	// fail the work it reports on.
	_, _ = l.w.Write(l.scratch)
}

// Clear erases the line if anything was drawn, leaving the cursor at the
// start of an empty line; call it on every way out, interruptions included,
// so that what comes next (an error, the shell's prompt, the ^C the terminal
// echoed) does not share the line with a stale count.
func (l *Line) Clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.drawn.IsZero() {
		return
	}
	l.drawn = time.Time{}
	_, _ = io.WriteString(l.w, "\r\x1b[K")
}

// appendLine appends "\r", the text for the count after elapsed, and "erase
// to the end of the line", so that a shorter text never leaves the tail of
// a longer one.
func (l *Line) appendLine(b []byte, elapsed time.Duration) []byte {
	b = append(b, '\r')
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
	return append(b, "\x1b[K"...)
}
