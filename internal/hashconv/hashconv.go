// Package hashconv converts PBKDF2-HMAC-SHA512 hashes between Mosquitto's $7$
// and the shapes other tools keep them in, passlib's $pbkdf2-sha512$ and
// mosquitto-go-auth's PBKDF2$sha512$, without the password: only salt,
// iterations and derived key move, so a conversion is lossless or refused.
// Its parsers are as strict as pwhash's: every string they accept encodes
// back to the same bytes, and none makes a caller run a key derivation above
// pwhash's cost caps.
package hashconv

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// Format names a place a hash can be exported to, as --export names it.
type Format string

const (
	// Dynsec is a client of Mosquitto's dynamic-security plugin.
	Dynsec Format = "dynsec"
	// GoAuth is mosquitto-go-auth's pbkdf2 hasher: PBKDF2$sha512$ITER$SALT$HASH,
	// salt and hash in padded standard base64 (its default salt encoding),
	// as the Home Assistant add-on takes pre-hashed passwords.
	GoAuth Format = "goauth"
	// Passlib is passlib.hash.pbkdf2_sha512: $pbkdf2-sha512$ROUNDS$SALT$CHECKSUM,
	// in passlib's adapted base64 ('.' for '+', no padding).
	Passlib Format = "passlib"
)

// Formats lists every Format in the order --list --json names them.
var Formats = []Format{Dynsec, GoAuth, Passlib}

// ErrUnknownFormat is wrapped by ParseFormat's error.
var ErrUnknownFormat = errors.New("unknown export format")

// ParseFormat maps an --export value to a Format.
func ParseFormat(name string) (Format, error) {
	for _, f := range Formats {
		if name == string(f) {
			return f, nil
		}
	}
	return "", fmt.Errorf("%w %q", ErrUnknownFormat, name)
}

// ErrCannotHold is wrapped by every *HoldError.
var ErrCannotHold = errors.New("the format cannot hold this hash")

// HoldError says why a hash cannot be written in a format without losing
// what the password needs. Reason never quotes the hash.
type HoldError struct {
	Format Format
	Reason string
}

func (e *HoldError) Error() string {
	return fmt.Sprintf("%s cannot hold it: %s", e.Format, e.Reason)
}

func (e *HoldError) Unwrap() error { return ErrCannotHold }

const (
	passlibPrefix = "$pbkdf2-sha512$"
	goAuthPrefix  = "PBKDF2$"

	// passlibMaxSalt is passlib's pbkdf2_sha512.max_salt_size.
	passlibMaxSalt = 1024
	// passlibKeyLen is passlib's pbkdf2_sha512.checksum_size: the full
	// SHA-512 output, which is also the only length brokers load.
	passlibKeyLen = 64
)

// Decode parses a hash in any form an import of hashes takes: Mosquitto's
// own ($6$, $7$, $argon2id$, through pwhash.Decode), passlib's
// $pbkdf2-sha512$ and mosquitto-go-auth's PBKDF2$sha512$; the last two come
// back as PBKDF2, so d.Encode() is their $7$ form. Errors are
// *pwhash.DecodeError and never quote s. Decode never panics.
func Decode(s string) (*pwhash.Decoded, error) {
	switch {
	case strings.HasPrefix(s, passlibPrefix):
		return decodePasslib(s[len(passlibPrefix):])
	case strings.HasPrefix(s, goAuthPrefix):
		return decodeGoAuth(s[len(goAuthPrefix):])
	case pwhash.LooksHashed(s):
		return pwhash.Decode(s)
	case s == "":
		return nil, malformed("empty")
	}
	return nil, &pwhash.DecodeError{Err: pwhash.ErrUnsupported,
		Reason: "not a $6$, $7$, $argon2id$, $pbkdf2-sha512$ or PBKDF2$sha512$ hash"}
}

// Encode writes d in format f, GoAuth or Passlib, after Check. Decode reads
// back exactly d.
func Encode(d *pwhash.Decoded, f Format) (string, error) {
	if f == Dynsec {
		return "", fmt.Errorf("%w %q: a dynsec client is not a hash string", ErrUnknownFormat, f)
	}
	if err := Check(d, f, pwhash.Broker20); err != nil {
		return "", err
	}
	if f == Passlib {
		return passlibPrefix + strconv.Itoa(d.Iterations) + "$" + ab64Encode(d.Salt) + "$" + ab64Encode(d.Key), nil
	}
	return goAuthPrefix + "sha512$" + strconv.Itoa(d.Iterations) + "$" + paddedB64.EncodeToString(d.Salt) + "$" + paddedB64.EncodeToString(d.Key), nil
}

// Check returns nil if d can be exported to f, else a *HoldError, or for
// Dynsec a *pwhash.LoadError, with the reason. b matters only for Dynsec:
// the 2.0 plugin stores sha512-pbkdf2 alone, with a 12-byte salt and a
// 64-byte key (measured with the 2.0.11 plugin: 16- and 64-byte salts are
// refused); the 2.1 plugin takes any hash a 2.1 broker loads.
func Check(d *pwhash.Decoded, f Format, b pwhash.Broker) error {
	hold := func(format string, args ...any) error {
		return &HoldError{Format: f, Reason: fmt.Sprintf(format, args...)}
	}
	if f == Dynsec {
		if b == pwhash.Broker20 && d.Algorithm != pwhash.PBKDF2 {
			return hold("the 2.0 plugin stores only sha512-pbkdf2 hashes, this is %s", d.Algorithm)
		}
		return d.LoadableBy(b)
	}
	if f != GoAuth && f != Passlib {
		return fmt.Errorf("%w %q", ErrUnknownFormat, f)
	}
	switch {
	case d.Algorithm != pwhash.PBKDF2:
		return hold("it holds only PBKDF2-HMAC-SHA512, this is %s", d.Algorithm)
	case d.Iterations < 1:
		return hold("iterations must be at least 1")
	case len(d.Salt) == 0 || len(d.Key) == 0:
		return hold("empty salt or hash")
	case f == Passlib && len(d.Key) != passlibKeyLen:
		return hold("the hash has %d bytes; passlib's pbkdf2_sha512 holds only %d", len(d.Key), passlibKeyLen)
	case f == Passlib && len(d.Salt) > passlibMaxSalt:
		return hold("the salt has %d bytes; passlib's pbkdf2_sha512 holds at most %d", len(d.Salt), passlibMaxSalt)
	}
	return nil
}

// Targets names the export targets d fits, for --list --json: "dynsec-2.0",
// "dynsec-2.1" and "dynsec-2.1-argon2" (--export dynsec with that --broker),
// "goauth", "passlib".
func Targets(d *pwhash.Decoded) []string {
	var t []string
	for _, b := range []pwhash.Broker{pwhash.Broker20, pwhash.Broker21, pwhash.Broker21Argon2} {
		if Check(d, Dynsec, b) == nil {
			t = append(t, string(Dynsec)+"-"+b.String())
		}
	}
	for _, f := range []Format{GoAuth, Passlib} {
		if Check(d, f, pwhash.Broker20) == nil {
			t = append(t, string(f))
		}
	}
	return t
}

func malformed(reason string) error {
	return &pwhash.DecodeError{Err: pwhash.ErrMalformed, Reason: reason}
}

// Strict decoders refuse non-zero trailing bits, so each byte string has
// exactly one accepted encoding.
var (
	paddedB64 = base64.StdEncoding.Strict()
	rawB64    = base64.RawStdEncoding.Strict()
)

// decodeB64 decodes one field strictly. Go's decoder skips '\r' and '\n'
// even in strict mode; refusing them keeps decoding one to one.
func decodeB64(enc *base64.Encoding, field, name string) ([]byte, error) {
	if field == "" {
		return nil, malformed(name + " is empty")
	}
	if strings.ContainsAny(field, "\r\n") {
		return nil, malformed("line break inside the " + name)
	}
	b, err := enc.DecodeString(field)
	if err != nil {
		return nil, malformed(name + " is not canonical base64")
	}
	return b, nil
}

// parseIterations parses a count as passlib and we write it: ASCII digits,
// no sign, no leading zero (passlib refuses zero-padded rounds), at least 1.
func parseIterations(s string) (int, error) {
	switch {
	case s == "":
		return 0, malformed("iterations are empty")
	case s[0] == '0' && len(s) > 1:
		return 0, malformed("iterations have a leading zero")
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, malformed("iterations are not a decimal number")
		}
		// Saturate above the cap, so that long digit strings cannot overflow.
		n = min(n*10+int(s[i]-'0'), pwhash.MaxIterations+1)
	}
	if n < 1 {
		return 0, malformed("iterations must be at least 1")
	}
	return n, nil
}

// pbkdf2Decoded checks the cost of a PBKDF2 hash as pwhash.Decode does for
// $7$: every iteration runs once per 64-byte block of output.
func pbkdf2Decoded(iter int, salt, key []byte) (*pwhash.Decoded, error) {
	blocks := (len(key) + 63) / 64
	if iter > pwhash.MaxIterations || iter*blocks > pwhash.MaxIterations {
		return nil, &pwhash.DecodeError{Err: pwhash.ErrTooCostly,
			Reason: fmt.Sprintf("iterations times 64-byte hash blocks is above the limit of %d", pwhash.MaxIterations)}
	}
	return &pwhash.Decoded{Algorithm: pwhash.PBKDF2, Iterations: iter, Salt: salt, Key: key}, nil
}
