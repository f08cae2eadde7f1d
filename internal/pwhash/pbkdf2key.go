package pwhash

import (
	"crypto/fips140"
	"crypto/pbkdf2"
	"crypto/sha512"
	"crypto/subtle"
	"encoding"
	"encoding/binary"
	"errors"
	"hash"
	"sync"
)

// pbkdf2Key is PBKDF2-HMAC-SHA512 (RFC 8018), the same function as
// crypto/pbkdf2.Key(sha512.New, ...), but faster (BenchmarkPBKDF2 measures
// by how much): for every iteration after the first it runs only the two
// SHA-512 compressions HMAC needs, from the precomputed states after K^ipad
// and K^opad, on blocks it pads once. crypto/hmac instead copies the 64-byte
// message into the digest, and copies and pads it again in each Sum.
//
// The compressions are the standard library's own (assembly where it has
// one), reached through the documented state marshalling of its SHA-512
// digest. Reading the chaining value out of that state relies on its layout,
// so the fast path is checked once against crypto/pbkdf2 and is used only if
// it agrees; under FIPS 140 mode crypto/pbkdf2 is always used, so that its
// checks apply.
func pbkdf2Key(password, salt []byte, iter, keyLen int) ([]byte, error) {
	if keyLen <= 0 || fips140.Enabled() || !fastPBKDF2OK() {
		return pbkdf2.Key(sha512.New, string(password), salt, iter, keyLen)
	}
	return fastPBKDF2(password, salt, iter, keyLen)
}

// sha512State is what the standard library's SHA-512 digest implements to
// save and restore its state.
type sha512State interface {
	hash.Hash
	encoding.BinaryAppender
	encoding.BinaryUnmarshaler
}

// stateDigestOff is where the chaining value sits in a marshalled SHA-512 state:
// after the 4-byte magic "sha\x07", the eight 64-bit words big-endian, which
// after a complete block are exactly the digest bytes.
const stateDigestOff = 4

// fastPBKDF2OK checks once that the fast path gives crypto/pbkdf2's result,
// over two output blocks and a key longer than a SHA-512 block.
var fastPBKDF2OK = sync.OnceValue(func() bool {
	password := []byte("mqpasswd self-check: a password longer than one 128-byte SHA-512 block, so that HMAC hashes the key first")
	salt := []byte("0123456789ab")
	for _, pw := range [][]byte{password, password[:8]} {
		want, err := pbkdf2.Key(sha512.New, string(pw), salt, 3, 100)
		if err != nil {
			return false
		}
		got, err := fastPBKDF2(pw, salt, 3, 100)
		if err != nil || subtle.ConstantTimeCompare(got, want) != 1 {
			return false
		}
	}
	return true
})

var errSHA512State = errors.New("sha512 digest cannot save its state")

func fastPBKDF2(password, salt []byte, iter, keyLen int) ([]byte, error) {
	const (
		blockSize = sha512.BlockSize // 128
		size      = sha512.Size      // 64
	)
	h, ok := sha512.New().(sha512State)
	if !ok {
		return nil, errSHA512State
	}
	// The HMAC key: hashed when longer than a block, then zero-padded.
	var key [blockSize]byte
	if len(password) > blockSize {
		sum := sha512.Sum512(password)
		copy(key[:], sum[:])
	} else {
		copy(key[:], password)
	}
	var pad [blockSize]byte
	states := make([][]byte, 2) // after K^ipad, after K^opad
	for i, c := range []byte{0x36, 0x5c} {
		for j := range pad {
			pad[j] = key[j] ^ c
		}
		h.Reset()
		h.Write(pad[:])
		var err error
		if states[i], err = h.AppendBinary(nil); err != nil {
			return nil, err
		}
	}
	inner, outer := states[0], states[1]

	// block is U (the previous HMAC output, or the inner digest) followed by
	// SHA-512's padding for a 192-byte message: one block after K^pad.
	var block [blockSize]byte
	block[size] = 0x80
	binary.BigEndian.PutUint64(block[blockSize-8:], (blockSize+size)*8)
	state := make([]byte, 0, len(inner))
	compress := func(from []byte) error {
		if err := h.UnmarshalBinary(from); err != nil {
			return err
		}
		h.Write(block[:])
		var err error
		if state, err = h.AppendBinary(state[:0]); err != nil {
			return err
		}
		copy(block[:size], state[stateDigestOff:stateDigestOff+size])
		return nil
	}

	numBlocks := (keyLen + size - 1) / size
	dk := make([]byte, numBlocks*size)
	var counter [4]byte
	for n := 1; n <= numBlocks; n++ {
		// U_1 = HMAC(password, salt || INT(n)), of any length, so hashed
		// with Write and Sum; Sum leaves the padding in block[size:] alone.
		binary.BigEndian.PutUint32(counter[:], uint32(n))
		if err := h.UnmarshalBinary(inner); err != nil {
			return nil, err
		}
		h.Write(salt)
		h.Write(counter[:])
		h.Sum(block[:0])
		if err := h.UnmarshalBinary(outer); err != nil {
			return nil, err
		}
		h.Write(block[:size])
		h.Sum(block[:0])
		t := dk[(n-1)*size : n*size]
		copy(t, block[:size])
		for range iter - 1 {
			if err := compress(inner); err != nil {
				return nil, err
			}
			if err := compress(outer); err != nil {
				return nil, err
			}
			subtle.XORBytes(t, t, block[:size])
		}
	}
	clear(key[:])
	clear(pad[:])
	clear(block[:])
	clear(state)
	clear(inner)
	clear(outer)
	return dk[:keyLen], nil
}
