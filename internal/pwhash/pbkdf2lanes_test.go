package pwhash

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// goLaneKernel runs the lanes one after another with sha512Block: the
// reference for the assembly, and the driver's test on every architecture.
func goLaneKernel(lanes int) *laneKernel {
	return newLaneKernel(fmt.Sprintf("go%d", lanes), lanes, 1, func(s laneState, n int) {
		for l := range s.lanes() {
			var inner, outer, u, t [8]uint64
			s.get(laneInner, l, &inner)
			s.get(laneOuter, l, &outer)
			s.get(laneU, l, &u)
			s.get(laneT, l, &t)
			var block [sha512.BlockSize]byte
			block[sha512.Size] = 0x80
			binary.BigEndian.PutUint64(block[sha512.BlockSize-8:], (sha512.BlockSize+sha512.Size)*8)
			for range n {
				for _, cv := range []*[8]uint64{&inner, &outer} {
					for w, v := range u {
						binary.BigEndian.PutUint64(block[8*w:], v)
					}
					u = *cv
					sha512Block(&u, &block)
				}
				for w := range t {
					t[w] ^= u[w]
				}
			}
			s.set(laneU, l, &u)
			s.set(laneT, l, &t)
		}
	})
}

// testKernels are every lane kernel this CPU runs and the Go reference.
func testKernels() []*laneKernel {
	return append(append([]*laneKernel{}, laneKernels...), goLaneKernel(3))
}

func TestLaneKernelsSelfCheck(t *testing.T) {
	for _, k := range testKernels() {
		if !k.ok() {
			t.Errorf("%s: the lane kernel disagrees with crypto/pbkdf2 and is not used", k.name)
		}
	}
	t.Logf("lane kernels on this CPU: %d", len(laneKernels))
}

// randomJobs returns n jobs with random passwords (up to 200 bytes, so some
// are hashed first), 12- or 64-byte salts, 1 to maxIter iterations and keys
// of 1 to 200 bytes (up to four chains).
func randomJobs(r *rand.Rand, n, maxIter int) []pbkdf2Job {
	jobs := make([]pbkdf2Job, n)
	for i := range jobs {
		pw := make([]byte, r.IntN(201))
		salt := make([]byte, []int{12, 64}[r.IntN(2)])
		for _, b := range [][]byte{pw, salt} {
			for j := range b {
				b[j] = byte(r.Uint32())
			}
		}
		jobs[i] = pbkdf2Job{password: pw, salt: salt, iter: 1 + r.IntN(maxIter), key: make([]byte, 1+r.IntN(200))}
	}
	return jobs
}

func checkJobs(t *testing.T, name string, jobs []pbkdf2Job) {
	t.Helper()
	for i, j := range jobs {
		want, err := pbkdf2.Key(sha512.New, string(j.password), j.salt, j.iter, len(j.key))
		if err != nil {
			t.Fatal(err)
		}
		if j.err != nil || !bytes.Equal(j.key, want) {
			t.Fatalf("%s: job %d (pw %d bytes, salt %d bytes, %d iterations, key %d bytes): got %x, %v; want %x",
				name, i, len(j.password), len(j.salt), j.iter, len(j.key), j.key, j.err, want)
		}
	}
}

// TestLaneKernelsMatchStdlib runs batches smaller and larger than the
// lanes, with chains of different lengths side by side.
func TestLaneKernelsMatchStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, k := range testKernels() {
		for _, n := range []int{1, 2, k.lanes - 1, k.lanes, k.lanes + 1, 5 * k.lanes} {
			jobs := randomJobs(r, n, 40)
			pbkdf2Lanes(k, jobs)
			checkJobs(t, k.name, jobs)
		}
	}
}

// TestLanesNarrowTail checks that the last chains of a batch move to the
// narrower kernel, and only once they fit in it, with the right keys.
func TestLanesNarrowTail(t *testing.T) {
	wide, narrow := goLaneKernel(5), goLaneKernel(2)
	wide.narrower = narrow
	var narrowCalls, fits int
	jobs := randomJobs(rand.New(rand.NewPCG(3, 4)), 11, 30)
	for i := range jobs {
		jobs[i].key = jobs[i].key[:min(len(jobs[i].key), 64)]
	}
	iterate := narrow.iterate
	narrow.iterate = func(s laneState, n int) {
		narrowCalls++
		if s.lanes() == 2 {
			fits++
		}
		iterate(s, n)
	}
	pbkdf2Lanes(wide, jobs)
	checkJobs(t, "go5+go2", jobs)
	if narrowCalls == 0 || fits != narrowCalls {
		t.Errorf("narrower kernel ran %d times, %d of them on its own width", narrowCalls, fits)
	}
}

func TestPBKDF2KeysBadJob(t *testing.T) {
	for _, k := range testKernels() {
		jobs := []pbkdf2Job{
			{password: []byte("a"), salt: []byte("s"), iter: 0, key: make([]byte, 64)},
			{password: []byte("b"), salt: []byte("s"), iter: 2, key: nil},
			{password: []byte("c"), salt: []byte("s"), iter: 2, key: make([]byte, 64)},
		}
		pbkdf2Lanes(k, jobs)
		if jobs[0].err == nil || jobs[1].err == nil {
			t.Errorf("%s: no error for zero iterations or an empty key", k.name)
		}
		checkJobs(t, k.name, jobs[2:])
	}
}

// FuzzPBKDF2Lanes derives a batch of lanes+2 keys from the fuzzer's
// password, salt and iteration count, each lane with its own password
// (the input with the lane's index appended), a 12- or 64-byte salt and
// a different iteration count, and compares every lane with crypto/pbkdf2.
func FuzzPBKDF2Lanes(f *testing.F) {
	f.Add([]byte("password"), []byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), uint16(3), uint8(64))
	f.Add(bytes.Repeat([]byte("k"), 200), []byte(""), uint16(1), uint8(100))
	f.Fuzz(func(t *testing.T, pw, salt []byte, iter uint16, keyLen uint8) {
		salt = append(salt, make([]byte, 64)...)
		for _, k := range testKernels() {
			jobs := make([]pbkdf2Job, k.lanes+2)
			for i := range jobs {
				jobs[i] = pbkdf2Job{
					password: append(bytes.Clone(pw), byte(i)),
					salt:     salt[:[]int{12, 64}[i%2]],
					iter:     1 + (int(iter)+97*i)%300,
					key:      make([]byte, 1+(int(keyLen)+i)%160),
				}
			}
			pbkdf2Lanes(k, jobs)
			checkJobs(t, k.name, jobs)
		}
	})
}

// BenchmarkPBKDF2Lanes measures one worker's bulk hashing at -I 1000, per
// password and iteration: the serial fast path against each lane kernel,
// on batches of 64 passwords.
func BenchmarkPBKDF2Lanes(b *testing.B) {
	const iter, batch = DefaultIterations, 64
	salt := []byte("0123456789ab")
	impls := []struct {
		name string
		run  func(jobs []pbkdf2Job)
	}{{"serial", func(jobs []pbkdf2Job) {
		for i := range jobs {
			key, err := fastPBKDF2(jobs[i].password, jobs[i].salt, jobs[i].iter, len(jobs[i].key))
			if err != nil {
				b.Fatal(err)
			}
			copy(jobs[i].key, key)
		}
	}}}
	for _, k := range laneKernels {
		impls = append(impls, struct {
			name string
			run  func(jobs []pbkdf2Job)
		}{k.name, func(jobs []pbkdf2Job) { pbkdf2Lanes(k, jobs) }})
	}
	for _, impl := range impls {
		b.Run(impl.name, func(b *testing.B) {
			jobs := make([]pbkdf2Job, batch)
			for i := range jobs {
				jobs[i] = pbkdf2Job{password: benchPassword, salt: salt, iter: iter, key: make([]byte, 64)}
			}
			for b.Loop() {
				impl.run(jobs)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*iter*batch), "ns/iteration/password")
		})
	}
}

// TestLaneAssemblyGenerated checks that the assembly is what its generator
// writes, so that what the generator says is what runs.
func TestLaneAssemblyGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator with go run")
	}
	out := filepath.Join(t.TempDir(), "lanes.s")
	cmd := exec.Command("go", "run", "gen_sha512lanes.go", "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run gen_sha512lanes.go: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("sha512lanes_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("sha512lanes_amd64.s differs from what gen_sha512lanes.go writes: run go generate")
	}
}
