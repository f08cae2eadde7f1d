package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// fakeClock is a time that moves only when the test says so.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func newTest(total int) (*Line, *bytes.Buffer, *fakeClock) {
	var out bytes.Buffer
	c := &fakeClock{t: time.Unix(1000, 0)}
	l := New(&out, total, "Hashing")
	l.now, l.start = c.now, c.t
	return l, &out, c
}

func TestLineThrottlesAndClears(t *testing.T) {
	l, out, c := newTest(100)
	c.t = c.t.Add(interval)
	l.Add(10)
	first := "Hashing 10/100 users (10%), 100 users/s, 1s left"
	if got, want := out.String(), "\r"+first; got != want {
		t.Fatalf("first draw %q, want %q", got, want)
	}
	out.Reset()
	c.t = c.t.Add(interval / 2)
	l.Add(1)
	if out.Len() != 0 {
		t.Fatalf("drew %q within the interval", out.String())
	}
	c.t = c.t.Add(time.Second)
	l.Add(1)
	// A shorter text is padded over the tail of the longer one.
	second := "Hashing 12/100 users (12%), 10 users/s, 8s left"
	if got, want := out.String(), "\r"+second+strings.Repeat(" ", len(first)-len(second)); got != want {
		t.Fatalf("second draw %q, want %q", got, want)
	}
	out.Reset()
	// Clear blanks the line and the ^C a terminal may have echoed after it.
	l.Clear()
	if got, want := out.String(), "\r"+strings.Repeat(" ", len(first)+2)+"\r"; got != want {
		t.Fatalf("Clear wrote %q, want %q", got, want)
	}
	out.Reset()
	l.Clear()
	if out.Len() != 0 {
		t.Fatalf("second Clear wrote %q", out.String())
	}
}

func TestLineUnknownTotal(t *testing.T) {
	l, out, c := newTest(-1)
	c.t = c.t.Add(2 * time.Second)
	l.Add(50)
	if got, want := out.String(), "\rHashing 50 users, 25 users/s"; got != want {
		t.Fatalf("draw %q, want %q", got, want)
	}
}

func TestClearWithoutDraw(t *testing.T) {
	l, out, _ := newTest(10)
	l.Clear()
	if out.Len() != 0 {
		t.Fatalf("Clear before any draw wrote %q", out.String())
	}
}
