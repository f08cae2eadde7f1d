package pwhash

import "crypto/sha512"

// The $6$ format is Mosquitto's legacy hash (1.6 and earlier): one SHA-512
// over the password followed by the salt, with no stretching at all.

func decodeSHA512(s string) (*Decoded, error) {
	salt, key, err := decodeSaltKey(paddedB64, s)
	if err != nil {
		return nil, err
	}
	// Unlike PBKDF2, the digest has one length; anything else never matches.
	if len(key) != sha512.Size {
		return nil, malformed("sha512 hash is not 64 bytes")
	}
	return &Decoded{Algorithm: SHA512, Salt: salt, Key: key}, nil
}

func (d *Decoded) appendSHA512(dst []byte) []byte {
	dst = append(dst, sha512Prefix[:len(sha512Prefix)-1]...)
	return appendB64Fields(dst, paddedB64, d.Salt, d.Key)
}

func deriveSHA512(password, salt []byte) []byte {
	h := sha512.New()
	h.Write(password)
	h.Write(salt)
	return h.Sum(make([]byte, 0, sha512.Size))
}
