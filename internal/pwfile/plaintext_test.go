package pwfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

// reverse stands in for a KDF: deterministic, so the output can be compared,
// and slow enough on long inputs for workers to finish out of order.
func reverse(pw []byte) (string, error) {
	b := []byte(string(pw))
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return "H" + string(b), nil
}

func TestHashPlaintext(t *testing.T) {
	in := "# plain users\nalice:secret\r\n\nbob: pass word :extra\ncarol:$7$101$s$h\ndave:$6$s$h\neve:$argon2id$v=19$x\nfrank:$5$x"
	want := "# plain users\nalice:Hterces\n\nbob:Hdrow ssap\ncarol:$7$101$s$h\ndave:$6$s$h\neve:$argon2id$v=19$x\nfrank:Hx$5$\n"
	for _, workers := range []int{0, 1, 4} {
		var out bytes.Buffer
		var calls atomic.Int32
		n, err := HashPlaintext(t.Context(), strings.NewReader(in), &out, workers, reverse, func() { calls.Add(1) })
		if err != nil {
			t.Fatal(err)
		}
		if out.String() != want || n != 3 || calls.Load() != 3 {
			t.Errorf("workers %d: got %q, n %d, progress %d; want %q, 3, 3", workers, out.String(), n, calls.Load(), want)
		}
	}
}

func TestHashPlaintextKeepsOrder(t *testing.T) {
	var in, want strings.Builder
	for i := range 5000 {
		pw := strings.Repeat("p", (i*7919)%300) + fmt.Sprint(i)
		fmt.Fprintf(&in, "user%d:%s\n", i, pw)
		h, _ := reverse([]byte(pw))
		fmt.Fprintf(&want, "user%d:%s\n", i, h)
	}
	var out bytes.Buffer
	if _, err := HashPlaintext(t.Context(), strings.NewReader(in.String()), &out, 8, reverse, nil); err != nil {
		t.Fatal(err)
	}
	if out.String() != want.String() {
		t.Fatal("lines came out of order or changed")
	}
}

func TestHashPlaintextErrors(t *testing.T) {
	var pe *ParseError
	if _, err := HashPlaintext(t.Context(), strings.NewReader("a:1\nbad\nb:2\n"), &bytes.Buffer{}, 2, reverse, nil); !errors.As(err, &pe) || pe.Line != 2 {
		t.Errorf("corrupt file: err %v, want ParseError at line 2", err)
	}
	boom := errors.New("boom")
	fail := func(pw []byte) (string, error) {
		if string(pw) == "17" {
			return "", boom
		}
		return reverse(pw)
	}
	var in strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&in, "u%d:%d\n", i, i)
	}
	if _, err := HashPlaintext(t.Context(), strings.NewReader(in.String()), &bytes.Buffer{}, 3, fail, nil); !errors.Is(err, boom) {
		t.Errorf("hash error: err %v, want boom", err)
	}
}

// withCancelAt returns a context and a hash (reverse) that cancels it from
// within its nth call, as Ctrl-C would mid-run, and the count of calls.
func withCancelAt(t *testing.T, n int32) (context.Context, HashFunc, *atomic.Int32) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	calls := new(atomic.Int32)
	return ctx, func(pw []byte) (string, error) {
		if calls.Add(1) == n {
			cancel()
		}
		return reverse(pw)
	}, calls
}

// TestHashPlaintextCancel is TestHashAllCancel for -U: no queued line is
// hashed once the context is done, and nothing counts as success.
func TestHashPlaintextCancel(t *testing.T) {
	const workers = 4
	var in strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&in, "u%d:pw%d\n", i, i)
	}
	ctx, hash, calls := withCancelAt(t, 3)
	if _, err := HashPlaintext(ctx, strings.NewReader(in.String()), &bytes.Buffer{}, workers, hash, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("HashPlaintext after cancel: %v; want context.Canceled", err)
	}
	if n := calls.Load(); n > 3+workers {
		t.Errorf("%d hashes, want at most %d: queued work ran after the cancel", n, 3+workers)
	}
}
