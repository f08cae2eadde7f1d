package hashconv

import (
	"strings"

	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// mosquitto-go-auth's pbkdf2 hasher (hashing/pbkdf2.go) writes
// PBKDF2$ALGORITHM$ITER$SALT$HASH with padded standard base64, the salt
// base64-encoded under its default auth_opt_hasher_salt_encoding "base64".
// Under "utf-8" the salt field is the salt's text itself, which the string
// does not tell apart, so such hashes are read as base64 and fail to verify
// or, mostly, to decode. The key length is whatever the hash field holds
// (go-auth's default keylen is 32 bytes, which brokers do not load).

func decodeGoAuth(s string) (*pwhash.Decoded, error) {
	fields := strings.Split(s, "$")
	if len(fields) != 4 {
		return nil, malformed("go-auth hash is not PBKDF2$sha512$ITER$SALT$HASH")
	}
	if fields[0] != "sha512" {
		return nil, &pwhash.DecodeError{Err: pwhash.ErrUnsupported, Reason: "only go-auth's sha512 PBKDF2 is PBKDF2-HMAC-SHA512"}
	}
	iter, err := parseIterations(fields[1])
	if err != nil {
		return nil, err
	}
	salt, err := decodeB64(paddedB64, fields[2], "salt")
	if err != nil {
		return nil, err
	}
	key, err := decodeB64(paddedB64, fields[3], "hash")
	if err != nil {
		return nil, err
	}
	return pbkdf2Decoded(iter, salt, key)
}
