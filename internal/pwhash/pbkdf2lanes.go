package pwhash

import (
	"crypto/fips140"
	"crypto/pbkdf2"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"sync"
)

// pbkdf2Job is one PBKDF2-HMAC-SHA512 derivation of a batch: the key, of
// len(key) bytes, is written in place, or err says why it could not be.
type pbkdf2Job struct {
	password, salt []byte
	iter           int
	key            []byte
	err            error
}

// laneKernel runs PBKDF2 chains side by side, one per 64-bit lane: iterate
// advances every lane of s by n >= 1 iterations. A lane costs as much idle
// as busy, so a batch of fewer than minJobs passwords is faster through the
// serial fast path.
type laneKernel struct {
	name    string
	lanes   int
	minJobs int
	iterate func(s laneState, n int)
	ok      func() bool // the self-check against crypto/pbkdf2, run once
	// narrower, if not nil, has fewer lanes and runs an iteration in less
	// time: the last chains of a batch move to it once they fit.
	narrower *laneKernel
}

func newLaneKernel(name string, lanes, minJobs int, iterate func(s laneState, n int)) *laneKernel {
	k := &laneKernel{name: name, lanes: lanes, minJobs: minJobs, iterate: iterate}
	k.ok = sync.OnceValue(k.selfCheck)
	return k
}

// widestLaneKernel returns the widest kernel this CPU runs that has passed
// its self-check, or nil. Under FIPS 140 mode it is always nil, so that
// crypto/pbkdf2's checks apply.
func widestLaneKernel() *laneKernel {
	if fips140.Enabled() {
		return nil
	}
	for _, k := range laneKernels {
		if k.ok() {
			return k
		}
	}
	return nil
}

// laneKernelFor returns the kernel to derive n keys at once with, or nil for
// the serial path.
func laneKernelFor(n int) *laneKernel {
	if k := widestLaneKernel(); k != nil && n >= k.minJobs {
		return k
	}
	return nil
}

// pbkdf2Keys derives every job's key, in the lanes of k, or one after
// another with pbkdf2Key if k is nil.
func pbkdf2Keys(k *laneKernel, jobs []pbkdf2Job) {
	if k != nil {
		pbkdf2Lanes(k, jobs)
		return
	}
	for i := range jobs {
		j := &jobs[i]
		var key []byte
		if key, j.err = pbkdf2Key(j.password, j.salt, j.iter, len(j.key)); j.err == nil {
			copy(j.key, key)
			clear(key)
		}
	}
}

// maxLaneStep bounds the iterations of one kernel call to well under a
// millisecond, because the runtime cannot preempt a goroutine inside
// assembly: at MaxIterations one call would otherwise hold up the garbage
// collector, and every goroutine waiting for it, for seconds.
const maxLaneStep = 1 << 10

var errBadJob = errors.New("pbkdf2: iterations and key length must be at least 1")

// laneChain is the chain of one 64-byte block of a job's key in a lane.
type laneChain struct {
	job   *pbkdf2Job // nil for an idle lane
	block int        // 1-based, as INT(i) in RFC 8018
	left  int        // iterations still to run
}

// pbkdf2Lanes derives every job's key with kernel k. Each 64-byte block of
// a key is its own chain; a lane whose chain ends takes the next one at
// once, so lanes idle only at the end of the batch, while its last chains
// run out, and those move to k's narrower kernel once they fit in it.
func pbkdf2Lanes(k *laneKernel, jobs []pbkdf2Job) {
	s := newLaneState(k.lanes)
	defer func() { clear(s) }()
	lanes := make([]laneChain, k.lanes)
	next, nextBlock := 0, 1
	for {
		active, n := 0, 0
		for l := range lanes {
			for lanes[l].job == nil && next < len(jobs) {
				j := &jobs[next]
				if j.iter < 1 || len(j.key) == 0 {
					j.err = errBadJob
					next++
					continue
				}
				c := laneChain{job: j, block: nextBlock, left: j.iter - 1}
				if nextBlock*sha512.Size >= len(j.key) {
					next, nextBlock = next+1, 1
				} else {
					nextBlock++
				}
				startChain(s, l, c.job, c.block)
				if c.left == 0 {
					finishChain(s, l, c.job, c.block)
					continue
				}
				lanes[l] = c
			}
			if lanes[l].job != nil {
				if active == 0 || lanes[l].left < n {
					n = lanes[l].left
				}
				active++
			}
		}
		if active == 0 {
			return
		}
		if nk := k.narrower; nk != nil && next == len(jobs) && active <= nk.lanes && nk.ok() {
			k = nk
			s, lanes = moveLanes(s, lanes, k.lanes)
		}
		n = min(n, maxLaneStep)
		k.iterate(s, n)
		for l := range lanes {
			if c := &lanes[l]; c.job != nil {
				if c.left -= n; c.left == 0 {
					finishChain(s, l, c.job, c.block)
					*c = laneChain{}
				}
			}
		}
	}
}

// moveLanes returns a state of width lanes holding the busy lanes of s,
// and their chains; it clears s.
func moveLanes(s laneState, chains []laneChain, width int) (laneState, []laneChain) {
	to, moved := newLaneState(width), make([]laneChain, width)
	var words [8]uint64
	n := 0
	for l, c := range chains {
		if c.job == nil {
			continue
		}
		for sec := range 4 {
			s.get(sec, l, &words)
			to.set(sec, n, &words)
		}
		moved[n] = c
		n++
	}
	clear(words[:])
	clear(s)
	return to, moved
}

// startChain puts into lane l the state of block's chain for job after its
// first iteration: the HMAC chaining values and U_1 = T = HMAC(P, S || INT(block)).
func startChain(s laneState, l int, j *pbkdf2Job, block int) {
	const blockSize = sha512.BlockSize
	var key, pad [blockSize]byte
	if len(j.password) > blockSize {
		sum := sha512.Sum512(j.password)
		copy(key[:], sum[:])
		clear(sum[:])
	} else {
		copy(key[:], j.password)
	}
	inner, outer := sha512IV, sha512IV
	for _, p := range []struct {
		cv *[8]uint64
		c  byte
	}{{&inner, 0x36}, {&outer, 0x5c}} {
		for b := range pad {
			pad[b] = key[b] ^ p.c
		}
		sha512Block(p.cv, &pad)
	}
	var counter [4]byte
	binary.BigEndian.PutUint32(counter[:], uint32(block))
	u := sha512After(inner, j.salt, counter[:])
	var digest [sha512.Size]byte
	for w, v := range u {
		binary.BigEndian.PutUint64(digest[8*w:], v)
	}
	u = sha512After(outer, digest[:])
	s.set(laneInner, l, &inner)
	s.set(laneOuter, l, &outer)
	s.set(laneU, l, &u)
	s.set(laneT, l, &u)
	clear(key[:])
	clear(pad[:])
	clear(digest[:])
}

// sha512After finishes a SHA-512 whose first block, a key XOR pad, left the
// chaining value cv, over the message parts, and returns its digest as words.
func sha512After(cv [8]uint64, parts ...[]byte) [8]uint64 {
	const blockSize = sha512.BlockSize
	var block [blockSize]byte
	n, total := 0, blockSize
	for _, p := range parts {
		for len(p) > 0 {
			c := copy(block[n:], p)
			n, p, total = n+c, p[c:], total+c
			if n == blockSize {
				sha512Block(&cv, &block)
				n = 0
			}
		}
	}
	// The padding: 0x80, zeros, and the length in bits in the last 16 bytes.
	block[n] = 0x80
	clear(block[n+1:])
	if n+1 > blockSize-16 {
		sha512Block(&cv, &block)
		clear(block[:])
	}
	binary.BigEndian.PutUint64(block[blockSize-8:], uint64(total)*8)
	sha512Block(&cv, &block)
	clear(block[:])
	return cv
}

// finishChain writes lane l's T, the finished block of job's key.
func finishChain(s laneState, l int, j *pbkdf2Job, block int) {
	var t [8]uint64
	s.get(laneT, l, &t)
	var out [sha512.Size]byte
	for w, v := range t {
		binary.BigEndian.PutUint64(out[8*w:], v)
	}
	copy(j.key[(block-1)*sha512.Size:], out[:])
	clear(out[:])
	clear(t[:])
}

// selfCheck derives a batch of keys with k and compares each with
// crypto/pbkdf2: more chains than lanes, with different iteration counts so
// that lanes are refilled at different times, passwords longer than a
// block, 12- and 64-byte salts and keys of two blocks.
func (k *laneKernel) selfCheck() bool {
	long := []byte("mqpasswd lane self-check: a password longer than one 128-byte SHA-512 block, so that HMAC hashes the key first...")
	salt := []byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	jobs := make([]pbkdf2Job, 2*k.lanes+1)
	for i := range jobs {
		jobs[i] = pbkdf2Job{
			password: long[:(i*37)%len(long)],
			salt:     salt[:[]int{12, 64}[i%2]],
			iter:     1 + (i*5)%7,
			key:      make([]byte, []int{64, 100}[i%3/2]),
		}
	}
	pbkdf2Lanes(k, jobs)
	for _, j := range jobs {
		want, err := pbkdf2.Key(sha512.New, string(j.password), j.salt, j.iter, len(j.key))
		if err != nil || j.err != nil || subtle.ConstantTimeCompare(j.key, want) != 1 {
			return false
		}
	}
	return true
}
