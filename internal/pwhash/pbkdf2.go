package pwhash

import (
	"crypto/sha512"
	"fmt"
	"strconv"
	"strings"
)

// The $7$ format is PBKDF2-HMAC-SHA512 with the iteration count in the
// string: the default of every Mosquitto version since 1.6.

func decodePBKDF2(s string) (*Decoded, error) {
	iterField, rest, ok := strings.Cut(s, "$")
	if !ok {
		return nil, malformed("missing salt field")
	}
	iter, err := parseCount(iterField, "iterations")
	if err != nil {
		return nil, err
	}
	// Mosquitto 2.0 drops such an entry ("Invalid hash iterations") and 2.1
	// refuses the whole file.
	if iter < 1 {
		return nil, malformed("iterations must be at least 1")
	}
	salt, key, err := decodeSaltKey(paddedB64, rest)
	if err != nil {
		return nil, err
	}
	// PBKDF2 runs every iteration once per 64-byte block of output, so a
	// long key multiplies the cost just as iterations do.
	blocks := (uint64(len(key)) + sha512.Size - 1) / sha512.Size
	if iter > MaxIterations || iter*blocks > MaxIterations {
		return nil, tooCostly(fmt.Sprintf("iterations times 64-byte hash blocks is above the limit of %d", MaxIterations))
	}
	return &Decoded{Algorithm: PBKDF2, Iterations: int(iter), Salt: salt, Key: key}, nil
}

func (d *Decoded) appendPBKDF2(dst []byte) []byte {
	dst = append(dst, pbkdf2Prefix...)
	dst = strconv.AppendInt(dst, int64(d.Iterations), 10)
	return appendB64Fields(dst, paddedB64, d.Salt, d.Key)
}
