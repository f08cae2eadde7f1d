package pwhash

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// batchPaths are the ways a batch can be derived on this machine: serially
// (nil) and with each lane kernel, whatever the batch's size.
func batchPaths() map[string]func(int) *laneKernel {
	paths := map[string]func(int) *laneKernel{"serial": func(int) *laneKernel { return nil }}
	for _, k := range testKernels() {
		paths[k.name] = func(int) *laneKernel { return k }
	}
	return paths
}

// TestVectorsBatch runs every vector through every path in one batch, with
// the near misses and flipped hashes of the PBKDF2 ones, and expects exactly
// what Verify says for each.
func TestVectorsBatch(t *testing.T) {
	var passwords [][]byte
	var encoded []string
	for _, v := range allVectors(t) {
		passwords = append(passwords, v.Password)
		encoded = append(encoded, v.Hash)
		// Verify's own test covers the near misses of the other formats
		// and of the slow rows; these add PBKDF2 chains of 1 to 1000
		// iterations to the batch.
		if d, err := Decode(v.Hash); err != nil || d.Algorithm != PBKDF2 || d.Iterations > DefaultIterations {
			continue
		}
		for _, wrong := range nearMisses(v.Password) {
			passwords = append(passwords, wrong)
			encoded = append(encoded, v.Hash)
		}
		for _, bad := range flippedHashes(v.Hash) {
			passwords = append(passwords, v.Password)
			encoded = append(encoded, bad)
		}
	}
	wantOK := make([]bool, len(encoded))
	wantErr := make([]error, len(encoded))
	rights := 0
	for i := range encoded {
		wantOK[i], wantErr[i] = Verify(passwords[i], encoded[i])
		if wantOK[i] {
			rights++
		}
	}
	if rights < len(allVectors(t))-len(craftedDecodeErr) {
		t.Fatalf("only %d entries verify", rights)
	}
	for name, kernelFor := range batchPaths() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ok, errs := verifyBatch(passwords, encoded, kernelFor)
			for i := range encoded {
				if ok[i] != wantOK[i] || !sameError(errs[i], wantErr[i]) {
					t.Errorf("%d (%s): got %v, %v; Verify says %v, %v", i, encoded[i], ok[i], errs[i], wantOK[i], wantErr[i])
				}
			}
		})
	}
}

func sameError(a, b error) bool {
	var da, db *DecodeError
	if errors.As(a, &da) && errors.As(b, &db) {
		return *da == *db
	}
	return a == b
}

func TestHashBatch(t *testing.T) {
	for _, p := range []Params{
		{},
		{Algorithm: PBKDF2, Iterations: 1, SaltLen: SaltLen21},
		{Algorithm: PBKDF2, Iterations: 101, SaltLen: SaltLen20},
		{Algorithm: SHA512, SaltLen: SaltLen21},
	} {
		for _, n := range []int{0, 1, 2, 9, 17} {
			t.Run(fmt.Sprintf("%+v/%d", p, n), func(t *testing.T) {
				passwords := make([][]byte, n)
				for i := range passwords {
					passwords[i] = bytes.Repeat([]byte{'a' + byte(i)}, 1+i*13)
				}
				hashes, err := HashBatch(passwords, p)
				if err != nil || len(hashes) != n {
					t.Fatalf("HashBatch = %d hashes, %v", len(hashes), err)
				}
				want, _, _, _ := p.prepare()
				salts := map[string]bool{}
				for i, h := range hashes {
					d, err := Decode(h)
					if err != nil {
						t.Fatal(err)
					}
					if d.Algorithm != want.Algorithm || d.Iterations != want.Iterations || len(d.Salt) != max(p.SaltLen, SaltLen20) {
						t.Errorf("hash %d is %s, want %+v", i, h, p)
					}
					if salts[string(d.Salt)] {
						t.Errorf("hash %d repeats a salt", i)
					}
					salts[string(d.Salt)] = true
					if ok, err := Verify(passwords[i], h); !ok || err != nil {
						t.Errorf("hash %d does not verify: %v, %v", i, ok, err)
					}
					if ok, _ := Verify(passwords[(i+1)%n], h); ok && n > 1 {
						t.Errorf("hash %d verifies another password", i)
					}
				}
			})
		}
	}
}

func TestHashBatchBadParams(t *testing.T) {
	for _, p := range []Params{
		{Iterations: -1},
		{SaltLen: 16},
		{Iterations: MaxIterations + 1},
		{Algorithm: "md5"},
	} {
		if hashes, err := HashBatch([][]byte{[]byte("a"), []byte("b")}, p); err == nil || hashes != nil {
			t.Errorf("HashBatch(%+v) = %v, nil; want an error", p, hashes)
		}
	}
}

func TestBatchSize(t *testing.T) {
	k := widestLaneKernel()
	want := 1
	if k != nil {
		want = k.lanes
	}
	if got := BatchSize(PBKDF2); got != want {
		t.Errorf("BatchSize(PBKDF2) = %d, want %d", got, want)
	}
	if got := BatchSize(Argon2id); got != 1 {
		t.Errorf("BatchSize(Argon2id) = %d, want 1", got)
	}
}

// BenchmarkHashBatch is one worker's bulk hashing at -I 1000 (as -U and
// --import do it), per password, in batches of BatchSize against Hash one
// password at a time.
func BenchmarkHashBatch(b *testing.B) {
	p := ParamsFor(PBKDF2, Broker20)
	const users = 64
	passwords := make([][]byte, users)
	for i := range passwords {
		passwords[i] = fmt.Appendf(nil, "password-%d", i)
	}
	b.Run("Hash", func(b *testing.B) {
		for b.Loop() {
			for _, pw := range passwords {
				if _, err := Hash(pw, p); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*users), "ns/password")
	})
	b.Run("HashBatch", func(b *testing.B) {
		size := BatchSize(PBKDF2)
		for b.Loop() {
			for i := 0; i < users; i += size {
				if _, err := HashBatch(passwords[i:min(i+size, users)], p); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*users), "ns/password")
	})
}
