package progress

import (
	"bytes"
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
	c.t = c.t.Add(time.Second)
	l.Add(10)
	if got, want := out.String(), "\rHashing 10/100 users (10%), 10 users/s, 9s left\x1b[K"; got != want {
		t.Fatalf("first draw %q, want %q", got, want)
	}
	out.Reset()
	c.t = c.t.Add(interval / 2)
	l.Add(1)
	if out.Len() != 0 {
		t.Fatalf("drew %q within the interval", out.String())
	}
	c.t = c.t.Add(interval)
	l.Add(1)
	if out.Len() == 0 {
		t.Fatal("no draw after the interval")
	}
	out.Reset()
	l.Clear()
	if got := out.String(); got != "\r\x1b[K" {
		t.Fatalf("Clear wrote %q", got)
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
	if got, want := out.String(), "\rHashing 50 users, 25 users/s\x1b[K"; got != want {
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
