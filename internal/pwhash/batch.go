package pwhash

import (
	"crypto/rand"
	"crypto/subtle"
)

// BatchSize is how many passwords a worker should hand HashBatch or
// VerifyBatch at once for algorithm a: the number of PBKDF2 chains this CPU
// runs side by side (8 with AVX-512, 4 with AVX2), and 1 where batches gain
// nothing (other algorithms, other CPUs, FIPS 140 mode).
func BatchSize(a Algorithm) int {
	if a != "" && a != PBKDF2 {
		return 1
	}
	if k := widestLaneKernel(); k != nil {
		return k.lanes
	}
	return 1
}

// HashBatch returns Hash(passwords[i], p) for every i, each with its own
// fresh salt. PBKDF2 hashes are derived several at once in SIMD lanes where
// the CPU has them (see BatchSize), which makes a batch several times as
// fast per core as one hash after another; single passwords gain nothing.
// On any error it returns no hashes. HashBatch is safe for concurrent use.
func HashBatch(passwords [][]byte, p Params) ([]string, error) {
	d, saltLen, keyLen, err := p.prepare()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(passwords))
	if d.Algorithm != PBKDF2 {
		for i, pw := range passwords {
			if out[i], err = Hash(pw, p); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	salts := make([]byte, saltLen*len(passwords))
	if _, err := rand.Read(salts); err != nil {
		return nil, err
	}
	keys := make([]byte, keyLen*len(passwords))
	defer clear(keys)
	jobs := make([]pbkdf2Job, len(passwords))
	for i, pw := range passwords {
		jobs[i] = pbkdf2Job{
			password: pw,
			salt:     salts[i*saltLen : (i+1)*saltLen],
			iter:     d.Iterations,
			key:      keys[i*keyLen : (i+1)*keyLen],
		}
	}
	pbkdf2Keys(laneKernelFor(len(jobs)), jobs)
	for i, j := range jobs {
		if j.err != nil {
			return nil, j.err
		}
		d.Salt, d.Key = j.salt, j.key
		out[i] = d.Encode()
	}
	return out, nil
}

// VerifyBatch returns, for every i, what Verify(passwords[i], encoded[i])
// returns: ok[i] and errs[i]. Its PBKDF2 hashes are derived several at once,
// as in HashBatch; hashes with different iteration counts may share a
// batch. It panics if the slices differ in length. VerifyBatch is safe for
// concurrent use.
func VerifyBatch(passwords [][]byte, encoded []string) (ok []bool, errs []error) {
	return verifyBatch(passwords, encoded, laneKernelFor)
}

// verifyBatch is VerifyBatch with the kernel for n PBKDF2 hashes chosen by
// kernelFor.
func verifyBatch(passwords [][]byte, encoded []string, kernelFor func(n int) *laneKernel) ([]bool, []error) {
	if len(passwords) != len(encoded) {
		panic("pwhash: VerifyBatch with different numbers of passwords and hashes")
	}
	ok, errs := make([]bool, len(encoded)), make([]error, len(encoded))
	var jobs []pbkdf2Job
	var want [][]byte // the decoded key of each job
	var index []int   // the position of each job in the batch
	for i, e := range encoded {
		d, err := Decode(e)
		switch {
		case err != nil:
			errs[i] = err
		case d.Algorithm != PBKDF2:
			ok[i], errs[i] = Verify(passwords[i], e)
		default:
			jobs = append(jobs, pbkdf2Job{password: passwords[i], salt: d.Salt, iter: d.Iterations, key: make([]byte, len(d.Key))})
			want = append(want, d.Key)
			index = append(index, i)
		}
	}
	pbkdf2Keys(kernelFor(len(jobs)), jobs)
	for n, j := range jobs {
		i := index[n]
		if errs[i] = j.err; j.err == nil {
			ok[i] = subtle.ConstantTimeCompare(j.key, want[n]) == 1
		}
		clear(j.key)
	}
	return ok, errs
}
