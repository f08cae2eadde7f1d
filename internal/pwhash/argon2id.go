package pwhash

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// The $argon2id$ format is the PHC string libargon2's argon2id_hash_encoded
// writes. Mosquitto 2.1 brokers built with argon2 pass the whole string to
// argon2id_verify, so we accept whatever libargon2 would verify, within our
// cost caps.

// What Mosquitto 2.1's tool writes (develop snapshot dd2c25c and 2.1.2 built
// with WITH_ARGON2): OWASP's first argon2id setting, 46 MiB and one pass,
// with a 64-byte salt and a 64-byte tag.
const (
	// KiB; Workers bounds how many run at once by it.
	argon2Memory  = 47104
	argon2Time    = 1
	argon2Threads = 1
	argon2SaltLen = 64
	argon2KeyLen  = 64
)

// libargon2's lower limits (argon2.h): strings below them fail to verify in
// the broker, so they are malformed, not merely weak.
const (
	argon2MinSaltLen = 8 // ARGON2_MIN_SALT_LENGTH
	argon2MinKeyLen  = 4 // ARGON2_MIN_OUTLEN
)

const argon2Version = 19 // 0x13, the only version libargon2 writes since 2016

func decodeArgon2id(s string) (*Decoded, error) {
	version, rest, ok := strings.Cut(s, "$")
	if !ok {
		return nil, malformed("missing argon2 parameters")
	}
	// libargon2 reads a string without "v=" as version 1.0 (0x10), a
	// different function we do not implement.
	if strings.HasPrefix(version, "m=") {
		return nil, unsupported("argon2 version 1.0 (no v= field)")
	}
	vs, ok := strings.CutPrefix(version, "v=")
	if !ok {
		return nil, malformed("missing argon2 version")
	}
	v, err := parseCount(vs, "argon2 version")
	if err != nil {
		return nil, err
	}
	if v != argon2Version {
		return nil, unsupported("argon2 version other than 19")
	}

	params, rest, ok := strings.Cut(rest, "$")
	if !ok {
		return nil, malformed("missing salt field")
	}
	var mtp [3]uint64
	for i, key := range [3]string{"m=", "t=", "p="} {
		field, more, found := strings.Cut(params, ",")
		value, hasKey := strings.CutPrefix(field, key)
		if !hasKey || found != (i < 2) {
			return nil, malformed("argon2 parameters are not m=,t=,p= in that order")
		}
		if mtp[i], err = parseCount(value, "argon2 "+key[:1]); err != nil {
			return nil, err
		}
		params = more
	}
	m, t, p := mtp[0], mtp[1], mtp[2]
	if t < 1 || p < 1 {
		return nil, malformed("argon2 t and p must be at least 1")
	}
	// libargon2 refuses this (ARGON2_MEMORY_TOO_LITTLE); x/crypto would
	// silently raise the memory and compute a different tag.
	if m < 8*p {
		return nil, malformed("argon2 m is below 8 KiB per lane")
	}

	salt, key, err := decodeSaltKey(rawB64, rest)
	if err != nil {
		return nil, err
	}
	if len(salt) < argon2MinSaltLen || len(key) < argon2MinKeyLen || uint64(len(key)) > math.MaxUint32 {
		return nil, malformed("argon2 salt or tag length outside libargon2's limits")
	}

	// m is checked first so that m*t cannot overflow: parseCount saturates
	// at 2^40 and the memory cap is 2^20.
	if m > MaxArgon2Memory || m*t > MaxArgon2Work || p > MaxArgon2Threads {
		return nil, tooCostly(fmt.Sprintf("argon2 limits are m=%d, m*t=%d, p=%d", MaxArgon2Memory, MaxArgon2Work, MaxArgon2Threads))
	}
	return &Decoded{
		Algorithm: Argon2id,
		Memory:    uint32(m),
		Time:      uint32(t),
		Threads:   uint8(p),
		Salt:      salt,
		Key:       key,
	}, nil
}

func (d *Decoded) appendArgon2id(dst []byte) []byte {
	dst = append(dst, argon2idPrefix+"v=19$m="...)
	dst = strconv.AppendUint(dst, uint64(d.Memory), 10)
	dst = append(dst, ",t="...)
	dst = strconv.AppendUint(dst, uint64(d.Time), 10)
	dst = append(dst, ",p="...)
	dst = strconv.AppendUint(dst, uint64(d.Threads), 10)
	return appendB64Fields(dst, rawB64, d.Salt, d.Key)
}

// argon2Key is argon2.IDKey; tests replace it to count derivations without
// allocating their memory.
var argon2Key = argon2.IDKey

// argon2InUse is the argon2 memory of the derivations running in this
// process, within argon2Budget.
var argon2InUse = newMemoryBudget(argon2Budget)

// deriveArgon2id runs one derivation once its memory fits in argon2Budget
// beside those already running. Workers keeps hashing within the budget, but
// verification meets the memory of each stored hash only as it decodes it
// (--if-changed may verify hashes of up to MaxArgon2Memory on every core),
// so the bound is taken here, where every derivation passes. A derivation
// larger than the whole budget runs alone.
func deriveArgon2id(password, salt []byte, time, memory uint32, threads uint8, keyLen int) []byte {
	need := min(memory, argon2Budget)
	argon2InUse.acquire(need)
	defer argon2InUse.release(need)
	return argon2Key(password, salt, time, memory, threads, uint32(keyLen))
}

// memoryBudget is a counting semaphore of KiB.
type memoryBudget struct {
	mu    sync.Mutex
	freed sync.Cond
	free  uint32
}

func newMemoryBudget(kib uint32) *memoryBudget {
	b := &memoryBudget{free: kib}
	b.freed.L = &b.mu
	return b
}

// acquire waits until kib KiB are free and takes them.
func (b *memoryBudget) acquire(kib uint32) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.free < kib {
		b.freed.Wait()
	}
	b.free -= kib
}

func (b *memoryBudget) release(kib uint32) {
	b.mu.Lock()
	b.free += kib
	b.mu.Unlock()
	b.freed.Broadcast()
}
