package pwhash

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha512"
	"fmt"
	"strings"
	"testing"
)

func TestFastPBKDF2SelfCheck(t *testing.T) {
	if !fastPBKDF2OK() {
		t.Fatal("the fast PBKDF2 path disagrees with crypto/pbkdf2 and is not used")
	}
}

// TestFastPBKDF2MatchesStdlib compares the fast path with crypto/pbkdf2 at
// the edges: empty and block-sized passwords, keys hashed first (over 128
// bytes), one iteration, partial and multiple output blocks.
func TestFastPBKDF2MatchesStdlib(t *testing.T) {
	passwords := []string{"", "p", "password", strings.Repeat("x", 127), strings.Repeat("y", 128), strings.Repeat("z", 129), strings.Repeat("w", 300)}
	salts := []string{"", "s", "0123456789ab", strings.Repeat("S", 64), strings.Repeat("T", 200)}
	for _, pw := range passwords {
		for _, salt := range salts {
			for _, iter := range []int{1, 2, 3, 101} {
				for _, keyLen := range []int{1, 32, 63, 64, 65, 128, 129} {
					want, err := pbkdf2.Key(sha512.New, pw, []byte(salt), iter, keyLen)
					if err != nil {
						t.Fatal(err)
					}
					got, err := fastPBKDF2([]byte(pw), []byte(salt), iter, keyLen)
					if err != nil || !bytes.Equal(got, want) {
						t.Fatalf("pw %d bytes, salt %d bytes, %d iterations, key %d bytes: got %x, %v; want %x",
							len(pw), len(salt), iter, keyLen, got, err, want)
					}
				}
			}
		}
	}
}

func FuzzFastPBKDF2(f *testing.F) {
	f.Add([]byte("password"), []byte("0123456789ab"), uint8(3), uint8(64))
	f.Add([]byte(strings.Repeat("k", 200)), []byte(""), uint8(1), uint8(100))
	f.Fuzz(func(t *testing.T, pw, salt []byte, iter, keyLen uint8) {
		if iter == 0 || keyLen == 0 {
			return
		}
		want, err := pbkdf2.Key(sha512.New, string(pw), salt, int(iter), int(keyLen))
		if err != nil {
			t.Skip(err)
		}
		got, err := fastPBKDF2(pw, salt, int(iter), int(keyLen))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("got %x, %v; want %x", got, err, want)
		}
	})
}

// BenchmarkPBKDF2 compares the fast path with crypto/pbkdf2 per iteration,
// the figure that decides a -I 2000000 hash and a broker's cost per CONNECT.
func BenchmarkPBKDF2(b *testing.B) {
	const iter = 10000
	salt := []byte("0123456789ab")
	for _, impl := range []struct {
		name string
		key  func() ([]byte, error)
	}{
		{"stdlib", func() ([]byte, error) { return pbkdf2.Key(sha512.New, string(benchPassword), salt, iter, 64) }},
		{"fast", func() ([]byte, error) { return fastPBKDF2(benchPassword, salt, iter, 64) }},
	} {
		b.Run(fmt.Sprintf("%s/iter=%d", impl.name, iter), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := impl.key(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*iter), "ns/iteration")
		})
	}
}
