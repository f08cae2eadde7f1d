// Package pwhash implements the password-hash formats of Mosquitto's password
// file ($6$, $7$ and $argon2id$), generating them with salts from crypto/rand
// and parsing them strictly, so that every string it accepts re-encodes to the
// same bytes and none can make it run a key derivation beyond fixed cost caps.
package pwhash

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
)

// Algorithm names a hash format by its mosquitto_passwd -H value.
type Algorithm string

const (
	SHA512   Algorithm = "sha512"        // $6$: one SHA-512 over password and salt
	PBKDF2   Algorithm = "sha512-pbkdf2" // $7$: PBKDF2-HMAC-SHA512
	Argon2id Algorithm = "argon2id"      // $argon2id$: a PHC string
)

// ParseAlgorithm maps a -H value to an Algorithm. It accepts exactly the
// names mosquitto_passwd compares with strcmp, plus "argon2" as another name
// for argon2id: the 2.1 development tool's usage text advertised "-H argon2"
// but the tool itself rejected it; we honour the usage text.
// Any other name gives an error wrapping ErrUnknownAlgorithm.
func ParseAlgorithm(name string) (Algorithm, error) {
	switch name {
	case string(SHA512), string(PBKDF2), string(Argon2id):
		return Algorithm(name), nil
	case "argon2":
		return Argon2id, nil
	}
	return "", fmt.Errorf("%w %q", ErrUnknownAlgorithm, name)
}

// MarshalText returns a's -H name.
func (a Algorithm) MarshalText() ([]byte, error) { return []byte(a), nil }

// UnmarshalText sets a from a -H name, as ParseAlgorithm reads it.
func (a *Algorithm) UnmarshalText(text []byte) error {
	v, err := ParseAlgorithm(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Broker is the Mosquitto broker generation a password file is written for.
type Broker int

const (
	Broker20       Broker = iota // Mosquitto 2.0: 12-byte salts (default)
	Broker21                     // Mosquitto 2.1 as released: 64-byte salts, no argon2id
	Broker21Argon2               // Mosquitto 2.1 built with argon2: also argon2id
)

// String is the generation as --broker names it: "2.0", "2.1" or
// "2.1-argon2".
func (b Broker) String() string {
	switch b {
	case Broker21:
		return "2.1"
	case Broker21Argon2:
		return "2.1-argon2"
	}
	return "2.0"
}

// ParseBroker maps a --broker value, "2.0", "2.1" or "2.1-argon2", to a
// Broker. Any other value gives an error wrapping ErrUnknownBroker.
func ParseBroker(name string) (Broker, error) {
	for _, b := range []Broker{Broker20, Broker21, Broker21Argon2} {
		if name == b.String() {
			return b, nil
		}
	}
	return Broker20, fmt.Errorf("%w %q", ErrUnknownBroker, name)
}

// MarshalText returns b as --broker names it.
func (b Broker) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText sets b from a --broker value, as ParseBroker reads it.
func (b *Broker) UnmarshalText(text []byte) error {
	v, err := ParseBroker(string(text))
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// Params chooses how Hash hashes a password. The zero value gives our
// default, PBKDF2 with DefaultIterations and SaltLen20, which every 2.0 and
// 2.1 broker loads.
type Params struct {
	Algorithm  Algorithm // zero value means PBKDF2
	Iterations int       // PBKDF2 only; 0 means none chosen: Hash uses DefaultIterations, Satisfies takes any
	SaltLen    int       // $6$/$7$ salt bytes, SaltLen20 or SaltLen21; 0 means SaltLen20
}

const (
	// DefaultIterations is the PBKDF2 iteration count of Mosquitto 2.1.x.
	// Upstream commit 1662641b (2025-02-27) reverted the develop branch's
	// 210000 to 1000, because the single-threaded broker runs PBKDF2 on
	// every CONNECT.
	DefaultIterations = 1000

	// SaltLen20 is the only salt length a Mosquitto 2.0 broker loads for
	// $6$ and $7$; it drops entries with any other length.
	SaltLen20 = 12
	// SaltLen21 is the salt length Mosquitto 2.1's tool writes. 2.1 brokers
	// load 12 or 64, 2.0 brokers drop 64 (upstream issue #3720).
	SaltLen21 = 64

	// The caps below bound what a hostile or mistaken password file can make
	// Verify spend. Decode refuses anything above them with ErrTooCostly
	// before any key derivation runs.

	// MaxIterations caps the PBKDF2 work: iterations times the number of
	// 64-byte output blocks. It is 20 times OWASP's 210000 (the figure
	// Mosquitto's develop branch briefly used), about 1.5 s on one core.
	MaxIterations = 1 << 22
	// MaxArgon2Memory caps argon2id memory in KiB (1 GiB): 16 times RFC
	// 9106's second recommended setting (64 MiB) and 22 times Mosquitto
	// 2.1's 47104. Derivations running at once share argon2Budget, so
	// verifying such hashes in parallel runs them one at a time.
	MaxArgon2Memory = 1 << 20
	// MaxArgon2Work caps argon2id time: memory in KiB times passes (t), as
	// each pass fills all the memory once. It allows four passes over 1 GiB,
	// a few seconds on one core, or proportionally more over less memory.
	MaxArgon2Work = 1 << 22
	// MaxArgon2Threads is the most lanes golang.org/x/crypto/argon2 can run
	// (it takes a uint8); libargon2 allows more, but total work does not
	// depend on lanes, so nothing real is lost.
	MaxArgon2Threads = 255
)

// ParamsFor returns the default Params for algorithm a when writing for
// broker generation b: for $6$ and $7$ the salt length that generation
// writes, and no iteration count chosen (so DefaultIterations). A zero a
// means PBKDF2. argon2id always uses Mosquitto 2.1's fixed parameters, so
// only its Algorithm is set.
func ParamsFor(a Algorithm, b Broker) Params {
	if a == "" {
		a = PBKDF2
	}
	p := Params{Algorithm: a}
	if a == Argon2id {
		return p
	}
	p.SaltLen = SaltLen20
	if b != Broker20 {
		p.SaltLen = SaltLen21
	}
	return p
}

var (
	// ErrUnknownAlgorithm is wrapped by errors for a -H name or
	// Params.Algorithm this package does not know.
	ErrUnknownAlgorithm = errors.New("unknown hash algorithm")
	// ErrUnknownBroker is wrapped by ParseBroker's error.
	ErrUnknownBroker = errors.New("unknown broker version")
	// ErrMalformed means the string claims a known format but breaks its
	// syntax or its limits (bad base64, a leading zero, zero iterations).
	ErrMalformed = errors.New("malformed password hash")
	// ErrUnsupported means the string is not one of the formats we know:
	// plaintext, $5$, $argon2i$, an argon2 version other than 19.
	ErrUnsupported = errors.New("unsupported password hash type")
	// ErrTooCostly means the parameters exceed MaxIterations or the argon2
	// caps, so verifying would cost more than we are willing to spend.
	ErrTooCostly = errors.New("password hash parameters over the cost limit")
)

// DecodeError is the error Decode, and so Verify, returns for a hash it will
// not use. Err is exactly one of ErrMalformed, ErrUnsupported or
// ErrTooCostly, so callers may switch on it. The message never quotes the
// hash: during -U the field may hold a plaintext password.
type DecodeError struct {
	Err    error
	Reason string // what is wrong, e.g. "iterations have a leading zero"
}

func (e *DecodeError) Error() string {
	if e.Reason == "" {
		return e.Err.Error()
	}
	return e.Err.Error() + ": " + e.Reason
}

func (e *DecodeError) Unwrap() error { return e.Err }

func malformed(reason string) error   { return &DecodeError{Err: ErrMalformed, Reason: reason} }
func unsupported(reason string) error { return &DecodeError{Err: ErrUnsupported, Reason: reason} }
func tooCostly(reason string) error   { return &DecodeError{Err: ErrTooCostly, Reason: reason} }

// Decoded is a parsed hash. Salt and Key are the raw bytes; Key is the
// digest, derived key or argon2 tag the password must reproduce.
type Decoded struct {
	Algorithm  Algorithm
	Iterations int    // PBKDF2
	Memory     uint32 // argon2id, KiB
	Time       uint32 // argon2id
	Threads    uint8  // argon2id
	Salt, Key  []byte
}

const (
	sha512Prefix   = "$6$"
	pbkdf2Prefix   = "$7$"
	argon2idPrefix = "$argon2id$"
)

// AlgorithmOf returns the algorithm whose format a password-file field
// claims, judged by its prefix ($6$, $7$, $argon2id$) alone, and false for a
// field with none of them. A broken hash still claims its algorithm.
func AlgorithmOf(field string) (Algorithm, bool) {
	switch {
	case strings.HasPrefix(field, sha512Prefix):
		return SHA512, true
	case strings.HasPrefix(field, pbkdf2Prefix):
		return PBKDF2, true
	case strings.HasPrefix(field, argon2idPrefix):
		return Argon2id, true
	}
	return "", false
}

// LooksHashed reports whether a password-file field already holds one of our
// hash formats, judged by its prefix alone, so that -U leaves it alone
// instead of hashing the hash as the original does.
func LooksHashed(field string) bool {
	_, ok := AlgorithmOf(field)
	return ok
}

// Decode parses encoded strictly: counts are ASCII digits without a leading
// zero, base64 is canonical (padded standard for $6$/$7$, unpadded for
// argon2id), salt and key are non-empty, argon2id must be version 19 with
// parameters in the order m,t,p and within libargon2's minimums. Every string
// Decode accepts satisfies Decode(s).Encode() == s. Errors are *DecodeError.
// Decode never panics and is safe for concurrent use.
func Decode(encoded string) (*Decoded, error) {
	switch {
	case strings.HasPrefix(encoded, sha512Prefix):
		return decodeSHA512(encoded[len(sha512Prefix):])
	case strings.HasPrefix(encoded, pbkdf2Prefix):
		return decodePBKDF2(encoded[len(pbkdf2Prefix):])
	case strings.HasPrefix(encoded, argon2idPrefix):
		return decodeArgon2id(encoded[len(argon2idPrefix):])
	case encoded == "":
		return nil, malformed("empty")
	case strings.HasPrefix(encoded, "$argon2i$"), strings.HasPrefix(encoded, "$argon2d$"):
		return nil, unsupported("only the argon2id variant of argon2 is supported")
	}
	return nil, unsupported("not a $6$, $7$ or $argon2id$ hash")
}

// Encode returns d in its canonical form, as Hash writes it and Decode reads
// it, without the "user:" part. It returns "" if d.Algorithm is unknown.
func (d *Decoded) Encode() string {
	// 64 bytes hold the longest prefix and parameters, so this is the only
	// allocation before the final string.
	buf := make([]byte, 0, 64+paddedB64.EncodedLen(len(d.Salt))+paddedB64.EncodedLen(len(d.Key)))
	switch d.Algorithm {
	case SHA512:
		buf = d.appendSHA512(buf)
	case PBKDF2:
		buf = d.appendPBKDF2(buf)
	case Argon2id:
		buf = d.appendArgon2id(buf)
	default:
		return ""
	}
	return string(buf)
}

// Acceptance says which Mosquitto brokers load an entry, as measured with the
// real brokers (broker-acceptance.md, beside the project's hash vectors).
type Acceptance struct {
	Broker20       bool // 2.0.x
	Broker21       bool // 2.1.x as released, built without argon2
	Broker21Argon2 bool // 2.1 built with argon2 (and the 2.1 develop snapshot)
}

// Accepted reports which brokers load d. A 2.0 broker loads $6$/$7$ only
// with a 12-byte salt and a 64-byte hash; 2.1 also loads 64-byte salts;
// argon2id is loaded only by 2.1 brokers built with argon2, which hand the
// whole string to libargon2 and so take any parameters Decode accepts.
func (d *Decoded) Accepted() Acceptance {
	switch d.Algorithm {
	case SHA512, PBKDF2:
		if len(d.Key) != 64 || d.Algorithm == PBKDF2 && d.Iterations < 1 {
			return Acceptance{}
		}
		switch len(d.Salt) {
		case SaltLen20:
			return Acceptance{Broker20: true, Broker21: true, Broker21Argon2: true}
		case SaltLen21:
			return Acceptance{Broker21: true, Broker21Argon2: true}
		}
	case Argon2id:
		return Acceptance{Broker21Argon2: true}
	}
	return Acceptance{}
}

// By reports whether brokers of generation b load the entry.
func (a Acceptance) By(b Broker) bool {
	switch b {
	case Broker21:
		return a.Broker21
	case Broker21Argon2:
		return a.Broker21Argon2
	}
	return a.Broker20
}

// Hash returns the encoded hash of password (without "user:") under p, with
// a fresh salt from crypto/rand. argon2id ignores Iterations and SaltLen and
// always uses Mosquitto 2.1's m=47104,t=1,p=1 with a 64-byte salt and tag,
// as its tool ignores -I. Hash is safe for concurrent use.
func Hash(password []byte, p Params) (string, error) {
	d, saltLen, keyLen, err := p.prepare()
	if err != nil {
		return "", err
	}
	d.Salt = make([]byte, saltLen)
	if _, err := rand.Read(d.Salt); err != nil {
		return "", err
	}
	key, err := d.derive(password, keyLen)
	if err != nil {
		return "", err
	}
	d.Key = key
	return d.Encode(), nil
}

// prepare checks p and returns what Hash writes under it but the salt and
// key, and their lengths.
func (p Params) prepare() (d Decoded, saltLen, keyLen int, err error) {
	d = Decoded{Algorithm: p.algorithm()}
	saltLen, keyLen = SaltLen20, 64
	switch d.Algorithm {
	case SHA512, PBKDF2:
		switch p.SaltLen {
		case 0: // SaltLen20
		case SaltLen20, SaltLen21:
			saltLen = p.SaltLen
		default:
			return d, 0, 0, fmt.Errorf("salt length %d: brokers load only %d or %d bytes", p.SaltLen, SaltLen20, SaltLen21)
		}
		if d.Algorithm == PBKDF2 {
			d.Iterations = p.Iterations
			switch {
			case d.Iterations == 0:
				d.Iterations = DefaultIterations
			case d.Iterations < 0:
				return d, 0, 0, fmt.Errorf("iterations %d: must be at least 1", d.Iterations)
			case d.Iterations > MaxIterations:
				return d, 0, 0, fmt.Errorf("%w: %d iterations, the limit is %d", ErrTooCostly, d.Iterations, MaxIterations)
			}
		}
	case Argon2id:
		d.Memory, d.Time, d.Threads = argon2Memory, argon2Time, argon2Threads
		saltLen, keyLen = argon2SaltLen, argon2KeyLen
	default:
		return d, 0, 0, fmt.Errorf("%w %q", ErrUnknownAlgorithm, p.Algorithm)
	}
	return d, saltLen, keyLen, nil
}

// Verify reports whether password matches encoded. A wrong password is
// (false, nil); a hash that Decode refuses is (false, *DecodeError), so a
// malformed, unsupported or over-cost entry is never run. The comparison
// takes constant time. Verify is safe for concurrent use. Any other error
// comes from crypto/pbkdf2, which under GODEBUG=fips140=only refuses the
// short salts and keys Mosquitto uses.
func Verify(password []byte, encoded string) (bool, error) {
	d, err := Decode(encoded)
	if err != nil {
		return false, err
	}
	key, err := d.derive(password, len(d.Key))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(key, d.Key) == 1, nil
}

// derive computes the key that password gives under d's algorithm,
// parameters and salt. keyLen is ignored by SHA-512, whose digest is fixed.
func (d *Decoded) derive(password []byte, keyLen int) ([]byte, error) {
	switch d.Algorithm {
	case SHA512:
		return deriveSHA512(password, d.Salt), nil
	case PBKDF2:
		return pbkdf2Key(password, d.Salt, d.Iterations, keyLen)
	case Argon2id:
		return deriveArgon2id(password, d.Salt, d.Time, d.Memory, d.Threads, keyLen), nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownAlgorithm, d.Algorithm)
}

// parseCount parses a decimal parameter as we write it: ASCII digits only, no
// sign, no leading zero. Values above countSaturated read as countSaturated,
// which is over every cap, so callers report cost only after all syntax.
func parseCount(s, name string) (uint64, error) {
	if s == "" {
		return 0, malformed(name + " is empty")
	}
	if s[0] == '0' && len(s) > 1 {
		return 0, malformed(name + " has a leading zero")
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, malformed(name + " is not a decimal number")
		}
		v = min(v*10+uint64(c-'0'), countSaturated)
	}
	return v, nil
}

const countSaturated = 1 << 40

// Strict decoders refuse non-zero trailing bits, so each byte string has
// exactly one accepted encoding.
var (
	paddedB64 = base64.StdEncoding.Strict()    // $6$, $7$: OpenSSL's encoder, with '='
	rawB64    = base64.RawStdEncoding.Strict() // argon2id: the PHC string form, no '='
)

// decodeSaltKey decodes the "SALT$KEY" tail every format shares. Go's base64
// decoder skips '\r' and '\n' even in strict mode; refusing them keeps
// decoding one to one.
func decodeSaltKey(enc *base64.Encoding, s string) (salt, key []byte, err error) {
	saltField, keyField, ok := strings.Cut(s, "$")
	if !ok {
		return nil, nil, malformed("missing hash field")
	}
	if saltField == "" || keyField == "" {
		return nil, nil, malformed("empty salt or hash")
	}
	if strings.ContainsAny(s, "\r\n") {
		return nil, nil, malformed("line break inside the hash")
	}
	if salt, err = enc.DecodeString(saltField); err != nil {
		return nil, nil, malformed("salt is not canonical base64")
	}
	if key, err = enc.DecodeString(keyField); err != nil {
		return nil, nil, malformed("hash is not canonical base64")
	}
	return salt, key, nil
}

// appendB64Fields appends "$" salt "$" key, the tail every format shares.
func appendB64Fields(dst []byte, enc *base64.Encoding, salt, key []byte) []byte {
	dst = append(dst, '$')
	dst = enc.AppendEncode(dst, salt)
	dst = append(dst, '$')
	return enc.AppendEncode(dst, key)
}

// algorithm is p's Algorithm, whose zero value means PBKDF2.
func (p Params) algorithm() Algorithm {
	if p.Algorithm == "" {
		return PBKDF2
	}
	return p.Algorithm
}

// argon2Budget bounds the memory of the argon2id derivations (hashes and
// verifications) that run at once in this process, in KiB.
const argon2Budget = 512 * 1024

// Workers is how many hashes of algorithm a to compute at once: one per core
// (GOMAXPROCS), and for argon2id, at 46 MiB each, no more than fit in
// argon2Budget. More workers would only wait: every argon2id derivation
// waits for its memory within argon2Budget, so verifying stored hashes of
// up to MaxArgon2Memory each on these workers stays within it too (or one
// hash at a time, for a hash above it).
func Workers(a Algorithm) int {
	n := runtime.GOMAXPROCS(0)
	if a == Argon2id {
		n = min(n, argon2Budget/argon2Memory)
	}
	return max(n, 1)
}

// Satisfies reports whether encoded, a hash already in a file, is what p
// would write for broker b, so that it may stay when its password is set
// again (--if-changed): the same algorithm, the same PBKDF2 iteration count
// when p chooses one (an explicit -I), and loaded by b (argon2id: by 2.1
// brokers built with argon2). Changing -H, -I or the broker in a
// configuration therefore rewrites the entry.
func (p Params) Satisfies(encoded string, b Broker) bool {
	d, err := Decode(encoded)
	if err != nil || d.Algorithm != p.algorithm() {
		return false
	}
	if p.Iterations != 0 && d.Algorithm == PBKDF2 && d.Iterations != p.Iterations {
		return false
	}
	if d.Algorithm == Argon2id {
		return d.Accepted().Broker21Argon2
	}
	return d.Accepted().By(b)
}
