package pwhash

import (
	"bufio"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vectorDir holds password-file lines written by the real mosquitto_passwd
// builds (and hand-made probes), copied from the project's shared notes.
const vectorDir = "../../testdata/vectors"

var vectorFiles = []string{
	"mosq20-vectors.txt",
	"mosq21-vectors.txt",
	"mosq212-vectors.txt",
	"crafted-lines.txt",
}

type vector struct {
	file     string
	lineNo   int
	method   string
	user     string
	password []byte // from the hex field, which the README calls authoritative
	encoded  string // the file line after "user:"
}

func (v vector) String() string { return v.file + ":" + v.user }

// readVectors parses one vector file: '#' lines are comments, every other
// line has exactly six TAB-separated fields.
func readVectors(tb testing.TB, name string) []vector {
	tb.Helper()
	f, err := os.Open(filepath.Join(vectorDir, name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var vs []vector
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 6 {
			tb.Fatalf("%s:%d: %d fields, want 6", name, n, len(fields))
		}
		pw, err := hex.DecodeString(fields[3])
		if err != nil {
			tb.Fatalf("%s:%d: password hex: %v", name, n, err)
		}
		user, encoded, ok := strings.Cut(fields[5], ":")
		if !ok || user != fields[2] {
			tb.Fatalf("%s:%d: file line does not start with %q:", name, n, fields[2])
		}
		vs = append(vs, vector{file: name, lineNo: n, method: fields[0], user: user, password: pw, encoded: encoded})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(vs) == 0 {
		tb.Fatalf("%s: no vectors", name)
	}
	return vs
}

func allVectors(tb testing.TB) []vector {
	tb.Helper()
	var vs []vector
	for _, name := range vectorFiles {
		vs = append(vs, readVectors(tb, name)...)
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
		t.Run(v.file+"/"+v.user, func(t *testing.T) {
			// The 210000-iteration and argon2id rows take tens of ms each.
			t.Parallel()
			if want, ok := craftedDecodeErr[v.user]; ok {
				ok, err := Verify(v.password, v.encoded)
				assertDecodeErr(t, err, want)
				if ok {
					t.Error("Verify = true with an error")
				}
				return
			}

			d, err := Decode(v.encoded)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got := d.Encode(); got != v.encoded {
				t.Errorf("Encode after Decode:\n got %s\nwant %s", got, v.encoded)
			}

			ok, err := Verify(v.password, v.encoded)
			if err != nil || !ok {
				t.Fatalf("Verify(right password) = %v, %v; want true, nil", ok, err)
			}
			for _, wrong := range nearMisses(v.password) {
				if ok, err := Verify(wrong, v.encoded); ok || err != nil {
					t.Errorf("Verify(%q) = %v, %v; want false, nil", wrong, ok, err)
				}
			}
			for _, bad := range flippedHashes(v.encoded) {
				if ok, err := Verify(v.password, bad); ok {
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
	for _, name := range vectorFiles[:3] {
		for _, v := range readVectors(t, name) {
			d, err := Decode(v.encoded)
			if err != nil {
				t.Errorf("%v: Decode: %v", v, err)
				continue
			}
			want := only21
			switch {
			case name == "mosq20-vectors.txt":
				want = all
			case strings.HasPrefix(v.encoded, argon2idPrefix):
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
		if _, ok := craftedDecodeErr[v.user]; ok {
			// Rejected by every broker; Decode refuses them (TestVectors).
			seen++
			continue
		}
		w, ok := want[v.user]
		if !ok {
			t.Errorf("%v: crafted line without an expectation", v)
			continue
		}
		seen++
		d, err := Decode(v.encoded)
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
