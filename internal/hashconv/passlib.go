package hashconv

import (
	"strings"

	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// passlib's pbkdf2_sha512 writes $pbkdf2-sha512$ROUNDS$SALT$CHECKSUM, with
// salt and checksum in its "adapted base64" (passlib.utils.binary.ab64_encode):
// the standard alphabet with '.' in place of '+', without '=' padding.

func decodePasslib(s string) (*pwhash.Decoded, error) {
	fields := strings.Split(s, "$")
	if len(fields) != 3 {
		return nil, malformed("passlib hash is not ROUNDS$SALT$CHECKSUM")
	}
	iter, err := parseIterations(fields[0])
	if err != nil {
		return nil, err
	}
	salt, err := ab64Decode(fields[1], "salt")
	if err != nil {
		return nil, err
	}
	key, err := ab64Decode(fields[2], "hash")
	if err != nil {
		return nil, err
	}
	// passlib itself refuses other sizes, so such a string was not written
	// by it.
	if len(key) != passlibKeyLen {
		return nil, malformed("passlib pbkdf2-sha512 checksum is not 64 bytes")
	}
	if len(salt) > passlibMaxSalt {
		return nil, malformed("passlib pbkdf2-sha512 salt is over 1024 bytes")
	}
	return pbkdf2Decoded(iter, salt, key)
}

// ab64Decode refuses '+', which passlib never writes, so that each byte
// string has one accepted encoding.
func ab64Decode(field, name string) ([]byte, error) {
	if strings.ContainsRune(field, '+') {
		return nil, malformed(name + " is not canonical adapted base64")
	}
	return decodeB64(rawB64, strings.ReplaceAll(field, ".", "+"), name)
}

func ab64Encode(b []byte) string {
	return strings.ReplaceAll(rawB64.EncodeToString(b), "+", ".")
}
