package pwhash

import (
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/testvectors"
)

type vector = testvectors.Vector

func readVectors(tb testing.TB, name string) []vector {
	tb.Helper()
	vs, err := testvectors.Read(name)
	if err != nil {
		tb.Fatal(err)
	}
	return vs
}

func allVectors(tb testing.TB) []vector {
	tb.Helper()
	vs, err := testvectors.All()
	if err != nil {
		tb.Fatal(err)
	}
	return vs
}

// craftedDecodeErr lists the crafted lines that must not decode, and why.
// All other vectors decode.
var craftedDecodeErr = map[string]error{
	"o_pbkdf2_nopad": ErrMalformed,
	"o_plain":        ErrUnsupported,
	"o_it0":          ErrMalformed,
	"o_argon_i":      ErrUnsupported,
}

// TestVectors checks every line the real tools wrote (and every crafted line
// that decodes): the password verifies, near misses do not, and the hash
// re-encodes to the very same bytes.
func TestVectors(t *testing.T) {
	for _, v := range allVectors(t) {
		t.Run(v.File+"/"+v.User, func(t *testing.T) {
			// The 210000-iteration and argon2id rows take tens of ms each.
			t.Parallel()
			if want, ok := craftedDecodeErr[v.User]; ok {
				ok, err := Verify(v.Password, v.Hash)
				assertDecodeErr(t, err, want)
				if ok {
					t.Error("Verify = true with an error")
				}
				return
			}

			d, err := Decode(v.Hash)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got := d.Encode(); got != v.Hash {
				t.Errorf("Encode after Decode:\n got %s\nwant %s", got, v.Hash)
			}

			ok, err := Verify(v.Password, v.Hash)
			if err != nil || !ok {
				t.Fatalf("Verify(right password) = %v, %v; want true, nil", ok, err)
			}
			for _, wrong := range nearMisses(v.Password) {
				if ok, err := Verify(wrong, v.Hash); ok || err != nil {
					t.Errorf("Verify(%q) = %v, %v; want false, nil", wrong, ok, err)
				}
			}
			for _, bad := range flippedHashes(v.Hash) {
				if ok, err := Verify(v.Password, bad); ok {
					t.Errorf("Verify(right password, %s) = true, %v; want false or an error", bad, err)
				}
			}
		})
	}
}

// nearMisses returns the password with a byte added, and with its first
// byte changed.
func nearMisses(pw []byte) [][]byte {
	added := append(append([]byte{}, pw...), 'X')
	out := [][]byte{added}
	if len(pw) > 0 {
		changed := append([]byte{}, pw...)
		changed[0] ^= 1
		out = append(out, changed)
	}
	return out
}

// flippedHashes returns copies of encoded with one base64 character changed:
// the first of the salt, the first of the hash and the last non-padding
// character of the hash (which may then carry non-zero trailing bits and no
// longer decode: an error is as good as false).
func flippedHashes(encoded string) []string {
	lastDollar := strings.LastIndexByte(encoded, '$')
	saltStart := strings.LastIndexByte(encoded[:lastDollar], '$') + 1
	keyEnd := len(strings.TrimRight(encoded, "="))
	var out []string
	for _, i := range []int{saltStart, lastDollar + 1, keyEnd - 1} {
		b := []byte(encoded)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		out = append(out, string(b))
	}
	return out
}

// TestVectorsAccepted checks Accepted against broker-acceptance.md for the
// lines the real tools wrote: 2.0.11's load everywhere; 2.1's $6$/$7$ with
// 64-byte salts load only in 2.1 brokers; argon2id only where argon2 is built.
func TestVectorsAccepted(t *testing.T) {
	all := Acceptance{Broker20: true, Broker21: true, Broker21Argon2: true}
	only21 := Acceptance{Broker21: true, Broker21Argon2: true}
	onlyArgon2 := Acceptance{Broker21Argon2: true}
	for _, name := range testvectors.Files[:3] {
		for _, v := range readVectors(t, name) {
			d, err := Decode(v.Hash)
			if err != nil {
				t.Errorf("%v: Decode: %v", v, err)
				continue
			}
			want := only21
			switch {
			case name == "mosq20-vectors.txt":
				want = all
			case strings.HasPrefix(v.Hash, argon2idPrefix):
				want = onlyArgon2
			}
			if got := d.Accepted(); got != want {
				t.Errorf("%v: Accepted() = %+v, want %+v", v, got, want)
			}
		}
	}
}

// TestCraftedAccepted checks Accepted against every row of
// broker-acceptance.md's "Hand-made lines" table. Its "2.1 broker (develop
// snapshot)" and "2.1.2+argon2" columns are Broker21Argon2, "2.1.2" is
// Broker21.
func TestCraftedAccepted(t *testing.T) {
	all := Acceptance{Broker20: true, Broker21: true, Broker21Argon2: true}
	only21 := Acceptance{Broker21: true, Broker21Argon2: true}
	want := map[string]Acceptance{
		"o_pbkdf2_salt12": all,
		"o_pbkdf2_salt64": only21,
		"o_pbkdf2_salt16": {},
		"o_pbkdf2_dk32":   {},
		"o_pbkdf2_it1":    all,
		"o_sha512_salt12": all,
		"o_sha512_salt64": only21,
		"o_sha512_salt16": {},
		"o_argon_std":     {Broker21Argon2: true},
	}
	seen := 0
	for _, v := range readVectors(t, "crafted-lines.txt") {
		if _, ok := craftedDecodeErr[v.User]; ok {
			// Rejected by every broker; Decode refuses them (TestVectors).
			seen++
			continue
		}
		w, ok := want[v.User]
		if !ok {
			t.Errorf("%v: crafted line without an expectation", v)
			continue
		}
		seen++
		d, err := Decode(v.Hash)
		if err != nil {
			t.Errorf("%v: Decode: %v", v, err)
			continue
		}
		if got := d.Accepted(); got != w {
			t.Errorf("%v: Accepted() = %+v, want %+v", v, got, w)
		}
	}
	if seen != len(want)+len(craftedDecodeErr) {
		t.Errorf("saw %d crafted lines, expectations cover %d", seen, len(want)+len(craftedDecodeErr))
	}
}
