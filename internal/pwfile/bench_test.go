package pwfile

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// benchUsers is the size of the in-memory file the benchmarks stream: large
// enough that per-line costs dominate, small enough to build quickly.
const benchUsers = 100_000

// benchHash is a $7$ hash as mosquitto_passwd 2.0 writes it (101 iterations,
// 12-byte salt), so lines have the length of a real file's.
const benchHash = "$7$101$ZUvuGhBIQbQYLlzl$wHlEdjnqwAJNkF2z9zz3CCxoEkpA8435+/AV4CiY/DQFhFgfvYzjIgBrXG4xvkXhzK1QQafGSW3VIJHN+eZFuA=="

// benchFile returns a password file of n users named user-0000000 upwards.
func benchFile(b *testing.B, n int) []byte {
	b.Helper()
	var buf bytes.Buffer
	buf.Grow(n * (len(benchHash) + 14))
	for i := range n {
		fmt.Fprintf(&buf, "user-%07d:%s\n", i, benchHash)
	}
	return buf.Bytes()
}

func BenchmarkScan(b *testing.B) {
	data := benchFile(b, benchUsers)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s := NewScanner(bytes.NewReader(data))
		n := 0
		for s.Scan() {
			n++
		}
		if s.Err() != nil || n != benchUsers {
			b.Fatal(n, s.Err())
		}
	}
}

// writeCounter discards what is written and counts the Write calls, each of
// which costs a cancellation check and a copy in the real writer.
type writeCounter struct{ n int }

func (w *writeCounter) Write(p []byte) (int, error) {
	w.n++
	return len(p), nil
}

// BenchmarkSet rewrites the whole file to change the user in the middle, as
// an update does.
func BenchmarkSet(b *testing.B) {
	data := benchFile(b, benchUsers)
	updates := []Update{{User: fmt.Sprintf("user-%07d", benchUsers/2), Hash: benchHash}}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var w writeCounter
	for b.Loop() {
		found, err := Set(bytes.NewReader(data), &w, updates)
		if err != nil || !found[0] {
			b.Fatal(found, err)
		}
	}
	b.ReportMetric(float64(w.n)/float64(b.N), "writes/op")
}

func BenchmarkDelete(b *testing.B) {
	data := benchFile(b, benchUsers)
	user := fmt.Sprintf("user-%07d", benchUsers/2)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var w writeCounter
	for b.Loop() {
		if err := Delete(bytes.NewReader(data), &w, user); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(w.n)/float64(b.N), "writes/op")
}

// BenchmarkUpgrade is -U on a file of plaintext users with the original's
// 101 PBKDF2 iterations, on every core: it shows whether the workers are
// kept busy (compare with pwhash's single-hash benchmarks).
func BenchmarkUpgrade(b *testing.B) {
	const users = 2000
	var buf bytes.Buffer
	for i := range users {
		fmt.Fprintf(&buf, "user-%07d:password%d\n", i, i)
	}
	data := buf.Bytes()
	p := pwhash.Params{Algorithm: pwhash.PBKDF2, Iterations: 101}
	hash := func(pw []byte) (string, error) { return pwhash.Hash(pw, p) }
	b.ReportAllocs()
	for b.Loop() {
		u := NewUpgrade()
		creds, err := u.Pending(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if err := u.Hash(b.Context(), creds, serial(hash, runtime.GOMAXPROCS(0)), nil); err != nil {
			b.Fatal(err)
		}
		n, _, err := u.Apply(bytes.NewReader(data), io.Discard)
		if err != nil || n != users {
			b.Fatal(n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*users), "ns/user")
}
