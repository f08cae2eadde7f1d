package pwhash

import (
	"bytes"
	"encoding/base64"
	"errors"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseAlgorithm(t *testing.T) {
	tests := []struct {
		name string
		want Algorithm
		err  error
	}{
		{"sha512", SHA512, nil},
		{"sha512-pbkdf2", PBKDF2, nil},
		{"argon2id", Argon2id, nil},
		{"argon2", Argon2id, nil},
		// The original compares with strcmp: no case folding, no trimming.
		{"SHA512", "", ErrUnknownAlgorithm},
		{"Argon2id", "", ErrUnknownAlgorithm},
		{" sha512", "", ErrUnknownAlgorithm},
		{"sha512 ", "", ErrUnknownAlgorithm},
		{"pbkdf2", "", ErrUnknownAlgorithm},
		{"argon2i", "", ErrUnknownAlgorithm},
		{"md5", "", ErrUnknownAlgorithm},
		{"", "", ErrUnknownAlgorithm},
	}
	for _, tt := range tests {
		got, err := ParseAlgorithm(tt.name)
		if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("ParseAlgorithm(%q) = %q, %v; want %q, %v", tt.name, got, err, tt.want, tt.err)
		}
	}
}

func TestParamsFor(t *testing.T) {
	tests := []struct {
		a    Algorithm
		b    Broker
		want Params
	}{
		{PBKDF2, Broker20, Params{PBKDF2, 0, SaltLen20}},
		{PBKDF2, Broker21, Params{PBKDF2, 0, SaltLen21}},
		{"", Broker20, Params{PBKDF2, 0, SaltLen20}},
		{"", Broker21, Params{PBKDF2, 0, SaltLen21}},
		{SHA512, Broker20, Params{SHA512, 0, SaltLen20}},
		{SHA512, Broker21, Params{SHA512, 0, SaltLen21}},
		{Argon2id, Broker20, Params{Algorithm: Argon2id}},
		{Argon2id, Broker21, Params{Algorithm: Argon2id}},
		{PBKDF2, Broker21Argon2, Params{PBKDF2, 0, SaltLen21}},
		{Argon2id, Broker21Argon2, Params{Algorithm: Argon2id}},
	}
	for _, tt := range tests {
		if got := ParamsFor(tt.a, tt.b); got != tt.want {
			t.Errorf("ParamsFor(%q, %d) = %+v, want %+v", tt.a, tt.b, got, tt.want)
		}
	}
}

// b64 and raw encode n bytes of filler in the two alphabets' forms.
func b64(n int) string { return base64.StdEncoding.EncodeToString(filler(n)) }
func raw(n int) string { return base64.RawStdEncoding.EncodeToString(filler(n)) }

func filler(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*37 + 11)
	}
	return b
}

func TestDecode(t *testing.T) {
	s12, s16, s64, k32, k64, k65 := b64(12), b64(16), b64(64), b64(32), b64(64), b64(65)
	argonTail := "$" + raw(64) + "$" + raw(64)
	tests := []struct {
		name string
		in   string
		err  error    // nil: Decode must succeed and Encode must give in back
		want *Decoded // checked when set
	}{
		// $6$
		{"sha512 12-byte salt", "$6$" + s12 + "$" + k64, nil,
			&Decoded{Algorithm: SHA512, Salt: filler(12), Key: filler(64)}},
		{"sha512 64-byte salt", "$6$" + s64 + "$" + k64, nil, nil},
		{"sha512 16-byte salt decodes", "$6$" + s16 + "$" + k64, nil, nil},
		{"sha512 1-byte salt", "$6$" + b64(1) + "$" + k64, nil, nil},
		{"sha512 32-byte digest", "$6$" + s12 + "$" + k32, ErrMalformed, nil},
		{"sha512 empty salt", "$6$$" + k64, ErrMalformed, nil},
		{"sha512 empty hash", "$6$" + s12 + "$", ErrMalformed, nil},
		{"sha512 no hash field", "$6$" + s12, ErrMalformed, nil},
		{"sha512 extra field", "$6$" + s12 + "$" + k64 + "$x", ErrMalformed, nil},
		{"sha512 hash padding removed", "$6$" + s12 + "$" + strings.TrimRight(k64, "="), ErrMalformed, nil},
		{"sha512 salt padding removed", "$6$" + strings.TrimRight(s64, "=") + "$" + k64, ErrMalformed, nil},
		{"sha512 url alphabet", "$6$" + strings.ReplaceAll(s12, "+", "-") + "-$" + k64, ErrMalformed, nil},
		{"sha512 trailing bits set", "$6$" + s12 + "$" + k64[:85] + "B==", ErrMalformed, nil},
		{"sha512 line break in hash", "$6$" + s12 + "$" + k64[:40] + "\n" + k64[40:], ErrMalformed, nil},
		{"sha512 carriage return in salt", "$6$" + s12[:8] + "\r" + s12[8:] + "$" + k64, ErrMalformed, nil},
		{"sha512 space after hash", "$6$" + s12 + "$" + k64 + " ", ErrMalformed, nil},

		// $7$
		{"pbkdf2 2.0 shape", "$7$101$" + s12 + "$" + k64, nil,
			&Decoded{Algorithm: PBKDF2, Iterations: 101, Salt: filler(12), Key: filler(64)}},
		{"pbkdf2 2.1 shape", "$7$1000$" + s64 + "$" + k64, nil, nil},
		{"pbkdf2 one iteration", "$7$1$" + s12 + "$" + k64, nil, nil},
		{"pbkdf2 32-byte key decodes", "$7$101$" + s12 + "$" + k32, nil, nil},
		{"pbkdf2 16-byte salt decodes", "$7$101$" + s16 + "$" + k64, nil, nil},
		{"pbkdf2 at the cap", "$7$4194304$" + s12 + "$" + k64, nil, nil},
		{"pbkdf2 two blocks at the cap", "$7$2097152$" + s12 + "$" + k65, nil, nil},
		{"pbkdf2 over the cap", "$7$4194305$" + s12 + "$" + k64, ErrTooCostly, nil},
		{"pbkdf2 two blocks over the cap", "$7$2097153$" + s12 + "$" + k65, ErrTooCostly, nil},
		{"pbkdf2 beyond uint64", "$7$123456789012345678901234567890$" + s12 + "$" + k64, ErrTooCostly, nil},
		{"pbkdf2 huge and malformed", "$7$123456789012345678901234567890$" + s12 + "$" + k64[:86], ErrMalformed, nil},
		{"pbkdf2 zero iterations", "$7$0$" + s12 + "$" + k64, ErrMalformed, nil},
		{"pbkdf2 leading zero", "$7$0101$" + s12 + "$" + k64, ErrMalformed, nil},
		{"pbkdf2 plus sign", "$7$+101$" + s12 + "$" + k64, ErrMalformed, nil},
		{"pbkdf2 negative", "$7$-1$" + s12 + "$" + k64, ErrMalformed, nil},
		{"pbkdf2 space", "$7$ 101$" + s12 + "$" + k64, ErrMalformed, nil},
		{"pbkdf2 exponent", "$7$1e3$" + s12 + "$" + k64, ErrMalformed, nil},
		{"pbkdf2 hex", "$7$0x65$" + s12 + "$" + k64, ErrMalformed, nil},
		{"pbkdf2 empty iterations", "$7$$" + s12 + "$" + k64, ErrMalformed, nil},
		{"pbkdf2 no iterations", "$7$" + s12 + "$" + k64, ErrMalformed, nil},
		{"pbkdf2 no salt field", "$7$101", ErrMalformed, nil},
		{"pbkdf2 padding removed", "$7$101$" + s12 + "$" + strings.TrimRight(k64, "="), ErrMalformed, nil},
		{"pbkdf2 too much padding", "$7$101$" + s12 + "$" + k64 + "=", ErrMalformed, nil},

		// $argon2id$
		{"argon2id mosquitto 2.1", "$argon2id$v=19$m=47104,t=1,p=1" + argonTail, nil,
			&Decoded{Algorithm: Argon2id, Memory: 47104, Time: 1, Threads: 1, Salt: filler(64), Key: filler(64)}},
		{"argon2id RFC 9106 second choice", "$argon2id$v=19$m=65536,t=3,p=4$" + raw(16) + "$" + raw(32), nil,
			&Decoded{Algorithm: Argon2id, Memory: 65536, Time: 3, Threads: 4, Salt: filler(16), Key: filler(32)}},
		{"argon2id libargon2 minimums", "$argon2id$v=19$m=8,t=1,p=1$" + raw(8) + "$" + raw(4), nil, nil},
		{"argon2id 8 KiB per lane", "$argon2id$v=19$m=32,t=1,p=4" + argonTail, nil, nil},
		{"argon2id below 8 KiB per lane", "$argon2id$v=19$m=31,t=1,p=4" + argonTail, ErrMalformed, nil},
		{"argon2id memory at the cap", "$argon2id$v=19$m=1048576,t=4,p=1" + argonTail, nil, nil},
		{"argon2id memory over the cap", "$argon2id$v=19$m=1048577,t=1,p=1" + argonTail, ErrTooCostly, nil},
		{"argon2id work over the cap", "$argon2id$v=19$m=1048576,t=5,p=1" + argonTail, ErrTooCostly, nil},
		{"argon2id many passes, little memory", "$argon2id$v=19$m=4096,t=1024,p=1" + argonTail, nil, nil},
		{"argon2id passes over the cap", "$argon2id$v=19$m=4096,t=1025,p=1" + argonTail, ErrTooCostly, nil},
		{"argon2id max lanes", "$argon2id$v=19$m=2040,t=1,p=255" + argonTail, nil, nil},
		{"argon2id lanes over the cap", "$argon2id$v=19$m=2048,t=1,p=256" + argonTail, ErrTooCostly, nil},
		{"argon2id huge memory", "$argon2id$v=19$m=99999999999999999999999,t=99999999999999999999,p=1" + argonTail, ErrTooCostly, nil},
		{"argon2id zero passes", "$argon2id$v=19$m=47104,t=0,p=1" + argonTail, ErrMalformed, nil},
		{"argon2id zero lanes", "$argon2id$v=19$m=47104,t=1,p=0" + argonTail, ErrMalformed, nil},
		{"argon2id zero memory", "$argon2id$v=19$m=0,t=1,p=1" + argonTail, ErrMalformed, nil},
		{"argon2id leading zero", "$argon2id$v=19$m=047104,t=1,p=1" + argonTail, ErrMalformed, nil},
		{"argon2id order t,m,p", "$argon2id$v=19$t=1,m=47104,p=1" + argonTail, ErrMalformed, nil},
		{"argon2id missing p", "$argon2id$v=19$m=47104,t=1" + argonTail, ErrMalformed, nil},
		{"argon2id extra parameter", "$argon2id$v=19$m=47104,t=1,p=1,keyid=x" + argonTail, ErrMalformed, nil},
		{"argon2id space after comma", "$argon2id$v=19$m=47104, t=1,p=1" + argonTail, ErrMalformed, nil},
		{"argon2id version 16", "$argon2id$v=16$m=47104,t=1,p=1" + argonTail, ErrUnsupported, nil},
		{"argon2id no version", "$argon2id$m=47104,t=1,p=1" + argonTail, ErrUnsupported, nil},
		{"argon2id version leading zero", "$argon2id$v=019$m=47104,t=1,p=1" + argonTail, ErrMalformed, nil},
		{"argon2id bad version field", "$argon2id$x=19$m=47104,t=1,p=1" + argonTail, ErrMalformed, nil},
		{"argon2id padded base64", "$argon2id$v=19$m=65536,t=3,p=4$" + b64(16) + "$" + b64(32), ErrMalformed, nil},
		{"argon2id 7-byte salt", "$argon2id$v=19$m=47104,t=1,p=1$" + raw(7) + "$" + raw(64), ErrMalformed, nil},
		{"argon2id 3-byte tag", "$argon2id$v=19$m=47104,t=1,p=1$" + raw(64) + "$" + raw(3), ErrMalformed, nil},
		{"argon2id no tag", "$argon2id$v=19$m=47104,t=1,p=1$" + raw(64), ErrMalformed, nil},
		{"argon2id no parameters", "$argon2id$v=19", ErrMalformed, nil},
		{"argon2id prefix only", "$argon2id$", ErrMalformed, nil},

		// Formats we do not implement.
		{"empty", "", ErrMalformed, nil},
		{"plaintext", "pw-o_plain", ErrUnsupported, nil},
		{"plaintext with dollars", "pa$$word", ErrUnsupported, nil},
		{"sha256-crypt", "$5$" + s12 + "$" + k32, ErrUnsupported, nil},
		{"bcrypt", "$2b$10$abcdefghijklmnopqrstuu", ErrUnsupported, nil},
		{"argon2i", "$argon2i$v=19$m=4096,t=1,p=1$" + raw(16) + "$" + raw(32), ErrUnsupported, nil},
		{"argon2d", "$argon2d$v=19$m=4096,t=1,p=1$" + raw(16) + "$" + raw(32), ErrUnsupported, nil},
		{"truncated prefix", "$6", ErrUnsupported, nil},
		{"upper-case prefix", "$ARGON2ID$v=19$m=47104,t=1,p=1" + argonTail, ErrUnsupported, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Decode(tt.in)
			if tt.err != nil {
				assertDecodeErr(t, err, tt.err)
				if d != nil {
					t.Errorf("Decode returned %+v with an error", d)
				}
				// During -U the field may be a plaintext password.
				if err != nil && len(tt.in) > 8 && strings.Contains(err.Error(), tt.in) {
					t.Errorf("error %q quotes the input", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got := d.Encode(); got != tt.in {
				t.Errorf("Encode() = %q, want %q", got, tt.in)
			}
			if tt.want != nil && !equalDecoded(d, tt.want) {
				t.Errorf("Decode = %+v, want %+v", d, tt.want)
			}
		})
	}
}

func equalDecoded(a, b *Decoded) bool {
	return a.Algorithm == b.Algorithm && a.Iterations == b.Iterations &&
		a.Memory == b.Memory && a.Time == b.Time && a.Threads == b.Threads &&
		bytes.Equal(a.Salt, b.Salt) && bytes.Equal(a.Key, b.Key)
}

// assertDecodeErr checks that err is a *DecodeError whose Err is want.
func assertDecodeErr(t *testing.T, err, want error) {
	t.Helper()
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("error = %v (%T), want *DecodeError wrapping %v", err, err, want)
	}
	if de.Err != want || !errors.Is(err, want) {
		t.Errorf("error = %v, want it to wrap %v", err, want)
	}
	if msg := err.Error(); msg == "" || msg != strings.ToLower(msg[:1])+msg[1:] || strings.HasSuffix(msg, ".") {
		t.Errorf("error message %q: want lower case, no final period", msg)
	}
}

func TestDecodeErrorMessage(t *testing.T) {
	err := &DecodeError{Err: ErrMalformed, Reason: "iterations have a leading zero"}
	if got, want := err.Error(), "malformed password hash: iterations have a leading zero"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := (&DecodeError{Err: ErrTooCostly}).Error(), ErrTooCostly.Error(); got != want {
		t.Errorf("Error() without reason = %q, want %q", got, want)
	}
}

// TestAccepted covers the rules of broker-acceptance.md that the vectors
// leave out (TestVectorsAccepted and TestCraftedAccepted check the vectors).
func TestAccepted(t *testing.T) {
	all := Acceptance{Broker20: true, Broker21: true, Broker21Argon2: true}
	only21 := Acceptance{Broker21: true, Broker21Argon2: true}
	onlyArgon2 := Acceptance{Broker21Argon2: true}
	none := Acceptance{}
	tests := []struct {
		in   string
		want Acceptance
	}{
		{"$7$1$" + b64(12) + "$" + b64(64), all},
		{"$7$4194304$" + b64(12) + "$" + b64(64), all},
		{"$7$101$" + b64(64) + "$" + b64(64), only21},
		{"$7$101$" + b64(12) + "$" + b64(65), none},
		{"$7$101$" + b64(13) + "$" + b64(64), none},
		{"$7$101$" + b64(11) + "$" + b64(64), none},
		{"$7$101$" + b64(63) + "$" + b64(64), none},
		{"$6$" + b64(12) + "$" + b64(64), all},
		{"$6$" + b64(64) + "$" + b64(64), only21},
		{"$6$" + b64(32) + "$" + b64(64), none},
		{"$argon2id$v=19$m=47104,t=1,p=1$" + raw(64) + "$" + raw(64), onlyArgon2},
		{"$argon2id$v=19$m=8,t=1,p=1$" + raw(8) + "$" + raw(4), onlyArgon2},
	}
	for _, tt := range tests {
		d, err := Decode(tt.in)
		if err != nil {
			t.Errorf("Decode(%q): %v", tt.in, err)
			continue
		}
		if got := d.Accepted(); got != tt.want {
			t.Errorf("Accepted(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		for b, want := range map[Broker]bool{Broker20: tt.want.Broker20, Broker21: tt.want.Broker21, Broker21Argon2: tt.want.Broker21Argon2} {
			if got := tt.want.By(b); got != want {
				t.Errorf("%+v.By(%v) = %v, want %v", tt.want, b, got, want)
			}
		}
	}
	if got := (&Decoded{}).Accepted(); got != (Acceptance{}) {
		t.Errorf("zero Decoded: Accepted() = %+v, want none", got)
	}
}

func TestLooksHashed(t *testing.T) {
	tests := []struct {
		field string
		want  bool
	}{
		{"$6$" + b64(12) + "$" + b64(64), true},
		{"$7$101$x$y", true},
		{"$argon2id$v=19$m=47104,t=1,p=1$x$y", true},
		// Broken hashes are still hashes: -U must not hash them again.
		{"$7$", true},
		{"$6$", true},
		{"$argon2id$", true},
		{"secret", false},
		{"", false},
		{"$argon2i$v=19$m=4096,t=1,p=1$x$y", false},
		{"$5$x$y", false},
		{"$7", false},
		{" $7$101$x$y", false},
		{"$ARGON2ID$", false},
	}
	for _, tt := range tests {
		if got := LooksHashed(tt.field); got != tt.want {
			t.Errorf("LooksHashed(%q) = %v, want %v", tt.field, got, tt.want)
		}
	}
}

const b64Char = `[A-Za-z0-9+/]`

func TestHashShapes(t *testing.T) {
	padded88 := b64Char + `{86}==`
	tests := []struct {
		name  string
		p     Params
		shape string
	}{
		{"zero Params", Params{}, `^\$7\$1000\$` + b64Char + `{16}\$` + padded88 + `$`},
		{"pbkdf2 2.0", ParamsFor(PBKDF2, Broker20), `^\$7\$1000\$` + b64Char + `{16}\$` + padded88 + `$`},
		{"pbkdf2 2.1", ParamsFor(PBKDF2, Broker21), `^\$7\$1000\$` + padded88 + `\$` + padded88 + `$`},
		{"pbkdf2 -I 101", Params{Algorithm: PBKDF2, Iterations: 101}, `^\$7\$101\$` + b64Char + `{16}\$` + padded88 + `$`},
		{"sha512 2.0", ParamsFor(SHA512, Broker20), `^\$6\$` + b64Char + `{16}\$` + padded88 + `$`},
		{"sha512 2.1", ParamsFor(SHA512, Broker21), `^\$6\$` + padded88 + `\$` + padded88 + `$`},
		// As the original ignores -I for sha512 and argon2id.
		{"sha512 ignores iterations", Params{Algorithm: SHA512, Iterations: 5}, `^\$6\$` + b64Char + `{16}\$` + padded88 + `$`},
		{"argon2id", ParamsFor(Argon2id, Broker21), `^\$argon2id\$v=19\$m=47104,t=1,p=1\$` + b64Char + `{86}\$` + b64Char + `{86}$`},
		{"argon2id ignores iterations and salt length", Params{Algorithm: Argon2id, Iterations: 7, SaltLen: SaltLen20},
			`^\$argon2id\$v=19\$m=47104,t=1,p=1\$` + b64Char + `{86}\$` + b64Char + `{86}$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pw := []byte("pässwörd with spaces: and colons")
			first, err := Hash(pw, tt.p)
			if err != nil {
				t.Fatalf("Hash: %v", err)
			}
			if !regexp.MustCompile(tt.shape).MatchString(first) {
				t.Errorf("Hash = %s, want shape %s", first, tt.shape)
			}
			if ok, err := Verify(pw, first); !ok || err != nil {
				t.Errorf("Verify(right password) = %v, %v", ok, err)
			}
			for _, wrong := range nearMisses(pw) {
				if ok, err := Verify(wrong, first); ok || err != nil {
					t.Errorf("Verify(wrong password) = %v, %v", ok, err)
				}
			}
			d, err := Decode(first)
			if err != nil {
				t.Fatalf("Decode(Hash): %v", err)
			}
			if d.Encode() != first {
				t.Errorf("Encode(Decode(Hash)) differs")
			}

			second, err := Hash(pw, tt.p)
			if err != nil {
				t.Fatalf("Hash: %v", err)
			}
			d2, _ := Decode(second)
			if bytes.Equal(d.Salt, d2.Salt) {
				t.Errorf("two calls gave the same salt %x", d.Salt)
			}
		})
	}
}

func TestHashEmptyPassword(t *testing.T) {
	for _, a := range []Algorithm{SHA512, PBKDF2, Argon2id} {
		h, err := Hash(nil, ParamsFor(a, Broker20))
		if err != nil {
			t.Fatalf("%s: Hash: %v", a, err)
		}
		if ok, err := Verify([]byte{}, h); !ok || err != nil {
			t.Errorf("%s: Verify(empty) = %v, %v", a, ok, err)
		}
		// Not a NUL byte: HMAC pads its key with zeros, so for PBKDF2 "" and
		// "\x00" are the same password, in OpenSSL as here.
		if ok, err := Verify([]byte{'x'}, h); ok || err != nil {
			t.Errorf("%s: Verify(x) = %v, %v", a, ok, err)
		}
	}
}

func TestHashErrors(t *testing.T) {
	tests := []struct {
		name string
		p    Params
		is   error // nil: any error
	}{
		{"unknown algorithm", Params{Algorithm: "md5"}, ErrUnknownAlgorithm},
		{"alias is not an Algorithm", Params{Algorithm: "argon2"}, ErrUnknownAlgorithm},
		{"salt length 16", Params{SaltLen: 16}, nil},
		{"negative salt length", Params{Algorithm: SHA512, SaltLen: -1}, nil},
		{"negative iterations", Params{Iterations: -1}, nil},
		{"iterations over the cap", Params{Iterations: MaxIterations + 1}, ErrTooCostly},
	}
	for _, tt := range tests {
		h, err := Hash([]byte("secret"), tt.p)
		if err == nil || h != "" {
			t.Errorf("%s: Hash = %q, %v; want an error", tt.name, h, err)
			continue
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%s: error %v does not wrap %v", tt.name, err, tt.is)
		}
	}
}

// TestConcurrent hashes and verifies from many goroutines at once, as the
// command does for bulk imports; run it with -race.
func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			pw := []byte{byte(i), 'p', 'w'}
			a := []Algorithm{SHA512, PBKDF2}[i%2]
			h, err := Hash(pw, ParamsFor(a, Broker(i%3%2)))
			if err != nil {
				t.Error(err)
				return
			}
			if ok, err := Verify(pw, h); !ok || err != nil {
				t.Errorf("Verify = %v, %v", ok, err)
			}
		})
	}
	wg.Wait()
}

func TestParseBroker(t *testing.T) {
	for _, b := range []Broker{Broker20, Broker21, Broker21Argon2} {
		if got, err := ParseBroker(b.String()); got != b || err != nil {
			t.Errorf("ParseBroker(%q) = %v, %v; want %v", b.String(), got, err, b)
		}
	}
	for _, name := range []string{"", "2", "2.2", "1.6", " 2.0", "2.0.0", "2.1-argon", "2.0-argon2"} {
		if _, err := ParseBroker(name); !errors.Is(err, ErrUnknownBroker) {
			t.Errorf("ParseBroker(%q): %v, want ErrUnknownBroker", name, err)
		}
	}
}

func TestAlgorithmOf(t *testing.T) {
	tests := []struct {
		field string
		want  Algorithm
		ok    bool
	}{
		{"$6$x$y", SHA512, true},
		{"$7$", PBKDF2, true},
		{"$argon2id$v=19", Argon2id, true},
		{"$argon2i$v=19", "", false},
		{"$5$x$y", "", false},
		{"secret", "", false},
	}
	for _, tt := range tests {
		if got, ok := AlgorithmOf(tt.field); got != tt.want || ok != tt.ok {
			t.Errorf("AlgorithmOf(%q) = %q, %v; want %q, %v", tt.field, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSatisfies(t *testing.T) {
	hash := func(p Params) string {
		t.Helper()
		h, err := Hash([]byte("pw"), p)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	pbkdf20 := hash(ParamsFor(PBKDF2, Broker20))
	pbkdf21 := hash(ParamsFor(PBKDF2, Broker21))
	sha20 := hash(ParamsFor(SHA512, Broker20))
	argon := hash(ParamsFor(Argon2id, Broker20))
	it5 := ParamsFor(PBKDF2, Broker20)
	it5.Iterations = 5
	it1000 := ParamsFor(PBKDF2, Broker20)
	it1000.Iterations = DefaultIterations
	tests := []struct {
		name    string
		p       Params
		encoded string
		b       Broker
		want    bool
	}{
		{"same settings", ParamsFor(PBKDF2, Broker20), pbkdf20, Broker20, true},
		{"zero Params mean PBKDF2", Params{}, pbkdf20, Broker20, true},
		{"other iterations, none chosen", ParamsFor(PBKDF2, Broker20), hash(it5), Broker20, true},
		{"other iterations, chosen", it5, pbkdf20, Broker20, false},
		{"the iterations chosen", it1000, pbkdf20, Broker20, true},
		{"other algorithm", ParamsFor(PBKDF2, Broker20), sha20, Broker20, false},
		{"64-byte salt for a 2.0 broker", ParamsFor(PBKDF2, Broker20), pbkdf21, Broker20, false},
		{"64-byte salt for a 2.1 broker", ParamsFor(PBKDF2, Broker21), pbkdf21, Broker21, true},
		{"64-byte salt for a 2.1 broker with argon2", ParamsFor(PBKDF2, Broker21Argon2), pbkdf21, Broker21Argon2, true},
		{"argon2id", ParamsFor(Argon2id, Broker21), argon, Broker21, true},
		{"plaintext", ParamsFor(PBKDF2, Broker20), "secret", Broker20, false},
	}
	for _, tt := range tests {
		if got := tt.p.Satisfies(tt.encoded, tt.b); got != tt.want {
			t.Errorf("%s: Satisfies = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestText checks that -H and --broker values read as ParseAlgorithm and
// ParseBroker read them, and that their errors wrap the sentinels cli maps.
func TestText(t *testing.T) {
	var a Algorithm
	if err := a.UnmarshalText([]byte("argon2")); err != nil || a != Argon2id {
		t.Errorf("UnmarshalText(argon2) = %q, %v", a, err)
	}
	if err := a.UnmarshalText([]byte("md5")); !errors.Is(err, ErrUnknownAlgorithm) || a != Argon2id {
		t.Errorf("UnmarshalText(md5) = %q, %v; want %v and the value kept", a, err, ErrUnknownAlgorithm)
	}
	if b, _ := PBKDF2.MarshalText(); string(b) != "sha512-pbkdf2" {
		t.Errorf("MarshalText = %q", b)
	}
	var b Broker
	if err := b.UnmarshalText([]byte("2.1")); err != nil || b != Broker21 {
		t.Errorf("UnmarshalText(2.1) = %v, %v", b, err)
	}
	if err := b.UnmarshalText([]byte("1.6")); !errors.Is(err, ErrUnknownBroker) || b != Broker21 {
		t.Errorf("UnmarshalText(1.6) = %v, %v; want %v and the value kept", b, err, ErrUnknownBroker)
	}
	if text, _ := Broker20.MarshalText(); string(text) != "2.0" {
		t.Errorf("MarshalText = %q", text)
	}
}

func TestWorkers(t *testing.T) {
	n := runtime.GOMAXPROCS(0)
	if got := Workers(PBKDF2); got != n {
		t.Errorf("Workers(PBKDF2) = %d, want GOMAXPROCS %d", got, n)
	}
	if got := Workers(Argon2id); got < 1 || got > n || got*argon2Memory > argon2Budget {
		t.Errorf("Workers(Argon2id) = %d: want 1..%d within %d KiB", got, n, argon2Budget)
	}
}

// withArgon2Counter replaces the argon2 key derivation with one that
// allocates nothing and records the largest memory, in KiB, of the
// derivations running at once, counting one above argon2Budget as all of it
// and as crowded when it runs beside another.
func withArgon2Counter(t *testing.T) (peak func() (kib uint32, crowded bool)) {
	t.Helper()
	var (
		mu             sync.Mutex
		running        int
		big            bool
		inUse, maxUsed uint32
		crowded        bool
	)
	saved := argon2Key
	argon2Key = func(password, salt []byte, passes, memory uint32, threads uint8, keyLen uint32) []byte {
		need := min(memory, argon2Budget)
		mu.Lock()
		running++
		inUse += need
		maxUsed = max(maxUsed, inUse)
		big = big || memory > argon2Budget
		crowded = crowded || big && running > 1
		mu.Unlock()
		// Gives the other goroutines time to start theirs beside it.
		time.Sleep(time.Millisecond)
		mu.Lock()
		running--
		inUse -= need
		big = big && memory <= argon2Budget
		mu.Unlock()
		return make([]byte, keyLen)
	}
	t.Cleanup(func() { argon2Key = saved })
	return func() (uint32, bool) {
		mu.Lock()
		defer mu.Unlock()
		return maxUsed, crowded
	}
}

// TestArgon2MemoryBound verifies argon2id hashes of 1 GiB, 256 MiB and
// Mosquitto's 46 MiB from many goroutines at once, as --if-changed does on
// every core: the derivations running at once must stay within
// argon2Budget, and a hash above it must run alone.
func TestArgon2MemoryBound(t *testing.T) {
	peak := withArgon2Counter(t)
	encoded := func(m uint32) string {
		d := Decoded{Algorithm: Argon2id, Memory: m, Time: 1, Threads: 1, Salt: make([]byte, 16), Key: make([]byte, 32)}
		return d.Encode()
	}
	var hashes []string
	for range 8 {
		hashes = append(hashes, encoded(MaxArgon2Memory), encoded(1<<18), encoded(argon2Memory), encoded(argon2Memory))
	}
	var wg sync.WaitGroup
	for _, h := range hashes {
		wg.Go(func() {
			if _, err := Verify([]byte("pw"), h); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
	wg.Wait()
	switch kib, crowded := peak(); {
	case kib == 0:
		t.Error("the derivation hook was never called")
	case kib > argon2Budget || crowded:
		t.Errorf("argon2 derivations at once: up to %d KiB (a 1 GiB one beside another: %v); want at most %d KiB, and a hash above that alone", kib, crowded, argon2Budget)
	}
}
