package pwfile

import (
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

// upgrade runs an Upgrade's two steps on one content, as -U does when the
// file did not change between them.
func upgrade(ctx context.Context, in string, workers int, hash func([]byte) (string, error), progress func()) (string, int, error) {
	u := NewUpgrade()
	defer u.Clear()
	creds, err := u.Pending(strings.NewReader(in))
	if err != nil {
		return "", 0, err
	}
	if err := u.Hash(ctx, creds, serial(hash, workers), progress); err != nil {
		return "", 0, err
	}
	var out strings.Builder
	n, missing, err := u.Apply(strings.NewReader(in), &out)
	if missing != 0 {
		return "", 0, fmt.Errorf("%d plaintext entries without a hash", missing)
	}
	return out.String(), n, err
}

func TestUpgrade(t *testing.T) {
	in := "# plain users\nalice:secret\r\n\nbob: pass word :extra\ncarol:$7$101$s$h\ndave:$6$s$h\neve:$argon2id$v=19$x\nfrank:$5$x"
	want := "# plain users\nalice:Hterces\n\nbob:Hdrow ssap\ncarol:$7$101$s$h\ndave:$6$s$h\neve:$argon2id$v=19$x\nfrank:Hx$5$\n"
	for _, workers := range []int{0, 1, 4} {
		var calls atomic.Int32
		out, n, err := upgrade(t.Context(), in, workers, reverse, func() { calls.Add(1) })
		if err != nil {
			t.Fatal(err)
		}
		if out != want || n != 3 || calls.Load() != 3 {
			t.Errorf("workers %d: got %q, n %d, progress %d; want %q, 3, 3", workers, out, n, calls.Load(), want)
		}
	}
}

func TestUpgradeKeepsOrder(t *testing.T) {
	var in, want strings.Builder
	for i := range 5000 {
		pw := strings.Repeat("p", (i*7919)%300) + fmt.Sprint(i)
		fmt.Fprintf(&in, "user%d:%s\n", i, pw)
		h, _ := reverse([]byte(pw))
		fmt.Fprintf(&want, "user%d:%s\n", i, h)
	}
	out, _, err := upgrade(t.Context(), in.String(), 8, reverse, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out != want.String() {
		t.Fatal("lines came out of order or changed")
	}
}

// TestUpgradeAgain: after the file changed between the steps, a second
// round hashes only the entries that are new or have another password, and
// Apply reports plaintext entries it has no hash for instead of guessing.
func TestUpgradeAgain(t *testing.T) {
	var calls atomic.Int32
	hash := func(pw []byte) (string, error) {
		calls.Add(1)
		return reverse(pw)
	}
	u := NewUpgrade()
	defer u.Clear()
	creds, err := u.Pending(strings.NewReader("alice:one\nbob:two\n"))
	if err != nil || len(creds) != 2 {
		t.Fatalf("Pending = %v, %v", creds, err)
	}
	if err := u.Hash(t.Context(), creds, serial(hash, 2), nil); err != nil {
		t.Fatal(err)
	}
	changed := "alice:one\nbob:changed\ncarol:three\n"
	var out strings.Builder
	if n, missing, err := u.Apply(strings.NewReader(changed), &out); err != nil || n != 1 || missing != 2 || out.String() != "alice:Heno\nbob:changed\ncarol:three\n" {
		t.Errorf("Apply before the second round = %d, %d, %v, %q", n, missing, err, out.String())
	}
	creds, err = u.Pending(strings.NewReader(changed))
	if err != nil || len(creds) != 2 || creds[0].User != "bob" || creds[1].User != "carol" {
		t.Fatalf("second Pending = %v, %v; want bob and carol", creds, err)
	}
	if err := u.Hash(t.Context(), creds, serial(hash, 2), nil); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if n, missing, err := u.Apply(strings.NewReader(changed), &out); err != nil || n != 3 || missing != 0 || out.String() != "alice:Heno\nbob:Hdegnahc\ncarol:Heerht\n" {
		t.Errorf("Apply after the second round = %d, %d, %v, %q", n, missing, err, out.String())
	}
	if calls.Load() != 4 {
		t.Errorf("%d hashes, want 4: alice was hashed again", calls.Load())
	}
}

func TestUpgradeErrors(t *testing.T) {
	var pe *ParseError
	if _, err := NewUpgrade().Pending(strings.NewReader("a:1\nbad\nb:2\n")); !errors.As(err, &pe) || pe.Line != 2 {
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
	if _, _, err := upgrade(t.Context(), in.String(), 3, fail, nil); !errors.Is(err, boom) {
		t.Errorf("hash error: err %v, want boom", err)
	}
}

// withCancelAt returns a context and a hash (reverse) that cancels it from
// within its nth call, as Ctrl-C would mid-run, and the count of calls.
func withCancelAt(t *testing.T, n int32) (context.Context, func([]byte) (string, error), *atomic.Int32) {
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

// TestUpgradeCancel is TestHashAllCancel for -U: no queued entry is
// hashed once the context is done, and nothing counts as success.
func TestUpgradeCancel(t *testing.T) {
	const workers = 4
	var in strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&in, "u%d:pw%d\n", i, i)
	}
	ctx, hash, calls := withCancelAt(t, 3)
	if _, _, err := upgrade(ctx, in.String(), workers, hash, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Upgrade after cancel: %v; want context.Canceled", err)
	}
	if n := calls.Load(); n > 3+workers {
		t.Errorf("%d hashes, want at most %d: queued work ran after the cancel", n, 3+workers)
	}
}

// serial is a Hasher that hashes one password per call with fn, on workers goroutines.
func serial(fn func([]byte) (string, error), workers int) Hasher {
	return Hasher{Workers: workers, Batch: 1, Hash: func(passwords [][]byte) ([]string, error) {
		hashes := make([]string, len(passwords))
		for i, pw := range passwords {
			h, err := fn(pw)
			if err != nil {
				return nil, err
			}
			hashes[i] = h
		}
		return hashes, nil
	}}
}
