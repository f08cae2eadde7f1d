package hashconv

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/pwhash"
	"github.com/mqpasswd/mqpasswd/internal/testvectors"
)

// The references below are written from the published formats alone, not
// from this package: passlib's documentation of pbkdf2_sha512 and its
// ab64_encode, and mosquitto-go-auth's hashing/pbkdf2.go.

func refKey(t testing.TB, password string, salt []byte, iter int) []byte {
	t.Helper()
	key, err := pbkdf2.Key(sha512.New, password, salt, iter, 64)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func refAB64(b []byte) string {
	return strings.ReplaceAll(strings.TrimRight(base64.StdEncoding.EncodeToString(b), "="), "+", ".")
}

func refPasslib(t testing.TB, password string, salt []byte, rounds int) string {
	return "$pbkdf2-sha512$" + strconv.Itoa(rounds) + "$" + refAB64(salt) + "$" + refAB64(refKey(t, password, salt, rounds))
}

func refGoAuth(t testing.TB, password string, salt []byte, iter int) string {
	return "PBKDF2$sha512$" + strconv.Itoa(iter) + "$" + base64.StdEncoding.EncodeToString(salt) + "$" +
		base64.StdEncoding.EncodeToString(refKey(t, password, salt, iter))
}

// refVerifyPasslib checks password against a passlib string the way passlib
// reads it: ab64 decoding maps '.' back to '+' and accepts missing padding.
func refVerifyPasslib(t testing.TB, password, s string) bool {
	t.Helper()
	f := strings.Split(s, "$")
	if len(f) != 5 || f[1] != "pbkdf2-sha512" {
		t.Fatalf("not a passlib pbkdf2-sha512 string: %q", s)
	}
	rounds, err := strconv.Atoi(f[2])
	if err != nil {
		t.Fatal(err)
	}
	dec := func(x string) []byte {
		b, err := base64.RawStdEncoding.DecodeString(strings.ReplaceAll(x, ".", "+"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return subtle.ConstantTimeCompare(refKey(t, password, dec(f[3]), rounds), dec(f[4])) == 1
}

// refVerifyGoAuth is go-auth's Compare for its default base64 salt encoding.
func refVerifyGoAuth(t testing.TB, password, s string) bool {
	t.Helper()
	f := strings.Split(s, "$")
	if len(f) != 5 || f[0] != "PBKDF2" || f[1] != "sha512" {
		t.Fatalf("not a go-auth sha512 string: %q", s)
	}
	iter, err := strconv.Atoi(f[2])
	if err != nil {
		t.Fatal(err)
	}
	salt, err1 := base64.StdEncoding.DecodeString(f[3])
	want, err2 := base64.StdEncoding.DecodeString(f[4])
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	got, err := pbkdf2.Key(sha512.New, password, salt, iter, len(want))
	if err != nil {
		t.Fatal(err)
	}
	return subtle.ConstantTimeCompare(got, want) == 1
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// verify7 converts s and checks the $7$ result with pwhash.Verify.
func verify7(t *testing.T, s, password string) *pwhash.Decoded {
	t.Helper()
	d, err := Decode(s)
	if err != nil {
		t.Fatalf("Decode(%q): %v", s, err)
	}
	enc := d.Encode()
	if !strings.HasPrefix(enc, "$7$") {
		t.Fatalf("Decode(%q).Encode() = %q, want $7$", s, enc)
	}
	for _, c := range []struct {
		pw   string
		want bool
	}{{password, true}, {password + "x", false}} {
		ok, err := pwhash.Verify([]byte(c.pw), enc)
		if err != nil || ok != c.want {
			t.Fatalf("Verify(%q, converted %q) = %v, %v; want %v", c.pw, s, ok, err, c.want)
		}
	}
	return d
}

// Published vectors: passlib's own test suite (pbkdf2_sha512_test) and the
// `pw -p foo` example of the Home Assistant add-on's documentation.
var published = []struct{ password, hash string }{
	{"password", "$pbkdf2-sha512$1212$RHY0Fr3IDMSVO/RSZyb5ow$eNLfBK.eVozomMr.1gYa17k9B7KIK25NOEshvhrSX.esqY3s.FvWZViXz4KoLlQI.BzY/YTNJOiKc5gBYFYGww"},
	{"\u0399\u03c9\u03b1\u03bd\u03bd\u03b7\u03c2", "$pbkdf2-sha512$1212$KkbvoKGsAIcF8IslDR6skQ$8be/PRmd88Ps8fmPowCJttH9G3vgxpG.Krjt3KT.NP6cKJ0V4Prarqf.HBwz0dCkJ6xgWnSj2ynXSV7MlvMa8Q"},
	{"foo", "PBKDF2$sha512$100000$qsU7xQ8YCV/9nRuBBJVTxA==$jqw94Ej3aEr97UofY6rClmVCRkTdDiubQW0A6ZYmUI+pZjW9Hax+2w2FeYB3y5ut1SliB7+HAwIl2iONLKkohw=="},
}

func TestPublishedVectors(t *testing.T) {
	for _, v := range published {
		d := verify7(t, v.hash, v.password)
		// Their 16-byte salts are what passlib and go-auth write by
		// default, and no broker loads them.
		for _, b := range []pwhash.Broker{pwhash.Broker20, pwhash.Broker21} {
			if err := d.LoadableBy(b); !errors.Is(err, pwhash.ErrNotLoadable) {
				t.Errorf("%q: LoadableBy(%s) = %v, want ErrNotLoadable", v.hash, b, err)
			}
		}
		f := Passlib
		if strings.HasPrefix(v.hash, "PBKDF2$") {
			f = GoAuth
		}
		if got, err := Encode(d, f); got != v.hash || err != nil {
			t.Errorf("Encode(Decode(%q), %s) = %q, %v", v.hash, f, got, err)
		}
	}
}

// TestReferences converts hashes made by the references with the salt
// lengths brokers load, and back.
func TestReferences(t *testing.T) {
	for _, saltLen := range []int{12, 64} {
		for _, pw := range []string{"secret", "a:b:c", " lead and trail ", "pässwörd-密码-🔑"} {
			salt := randBytes(saltLen)
			for f, s := range map[Format]string{Passlib: refPasslib(t, pw, salt, 1000), GoAuth: refGoAuth(t, pw, salt, 101)} {
				d := verify7(t, s, pw)
				if err := d.LoadableBy(pwhash.Broker21); err != nil {
					t.Errorf("%s, %d-byte salt: %v", f, saltLen, err)
				}
				if err := d.LoadableBy(pwhash.Broker20); (err == nil) != (saltLen == 12) {
					t.Errorf("%s, %d-byte salt: LoadableBy(2.0) = %v", f, saltLen, err)
				}
				if got, err := Encode(d, f); got != s || err != nil {
					t.Errorf("Encode(Decode(%q)) = %q, %v", s, got, err)
				}
			}
		}
	}
}

// TestExportVectors exports the 2.0.11 tool's $7$ vectors and checks each
// result with the reference verifiers.
func TestExportVectors(t *testing.T) {
	vs, err := testvectors.Read("mosq20-vectors.txt")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range vs {
		if !strings.HasPrefix(v.Hash, "$7$") {
			continue
		}
		pw := string(v.Password)
		d, err := pwhash.Decode(v.Hash)
		if err != nil {
			t.Fatal(err)
		}
		p, err1 := Encode(d, Passlib)
		g, err2 := Encode(d, GoAuth)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v, %v", v.User, err1, err2)
		}
		if !refVerifyPasslib(t, pw, p) || refVerifyPasslib(t, pw+"x", p) {
			t.Errorf("%s: passlib export %q does not verify as passlib reads it", v.User, p)
		}
		if !refVerifyGoAuth(t, pw, g) || refVerifyGoAuth(t, pw+"x", g) {
			t.Errorf("%s: goauth export %q does not verify as go-auth reads it", v.User, g)
		}
		if got := Targets(d); strings.Join(got, ",") != "dynsec-2.0,dynsec-2.1,dynsec-2.1-argon2,goauth,passlib" {
			t.Errorf("%s: Targets = %v", v.User, got)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no $7$ vectors read")
	}
}

func TestDecodeErrors(t *testing.T) {
	salt, key := refAB64(randBytes(12)), refAB64(randBytes(64))
	gsalt, gkey := base64.StdEncoding.EncodeToString(randBytes(12)), base64.StdEncoding.EncodeToString(randBytes(64))
	cases := []struct {
		name, s string
		want    error
	}{
		{"empty", "", pwhash.ErrMalformed},
		{"plaintext", "secret", pwhash.ErrUnsupported},
		{"bcrypt", "$2b$10$abcdefghijklmnopqrstuu", pwhash.ErrUnsupported},
		{"passlib sha256", "$pbkdf2-sha256$1000$" + salt + "$" + key, pwhash.ErrUnsupported},
		{"passlib no checksum", "$pbkdf2-sha512$1000$" + salt, pwhash.ErrMalformed},
		{"passlib extra field", "$pbkdf2-sha512$1000$" + salt + "$" + key + "$", pwhash.ErrMalformed},
		{"passlib zero rounds", "$pbkdf2-sha512$0$" + salt + "$" + key, pwhash.ErrMalformed},
		{"passlib zero-padded rounds", "$pbkdf2-sha512$01000$" + salt + "$" + key, pwhash.ErrMalformed},
		{"passlib signed rounds", "$pbkdf2-sha512$+1000$" + salt + "$" + key, pwhash.ErrMalformed},
		{"passlib plus sign", "$pbkdf2-sha512$1000$" + strings.ReplaceAll(refAB64([]byte{0xfb, 0xef, 0xbe}), ".", "+") + "$" + key, pwhash.ErrMalformed},
		{"passlib padding", "$pbkdf2-sha512$1000$" + salt + "$" + key + "==", pwhash.ErrMalformed},
		{"passlib empty salt", "$pbkdf2-sha512$1000$$" + key, pwhash.ErrMalformed},
		{"passlib short checksum", "$pbkdf2-sha512$1000$" + salt + "$" + refAB64(randBytes(32)), pwhash.ErrMalformed},
		{"passlib too costly", "$pbkdf2-sha512$99999999999999999999$" + salt + "$" + key, pwhash.ErrTooCostly},
		{"goauth sha256", "PBKDF2$sha256$1000$" + gsalt + "$" + gkey, pwhash.ErrUnsupported},
		{"goauth unpadded", "PBKDF2$sha512$1000$" + gsalt + "$" + strings.TrimRight(gkey, "="), pwhash.ErrMalformed},
		{"goauth line break", "PBKDF2$sha512$1000$" + gsalt + "$" + gkey[:8] + "\n" + gkey[8:], pwhash.ErrMalformed},
		{"goauth missing field", "PBKDF2$sha512$1000$" + gsalt, pwhash.ErrMalformed},
		{"goauth negative", "PBKDF2$sha512$-1$" + gsalt + "$" + gkey, pwhash.ErrMalformed},
		{"goauth too costly", "PBKDF2$sha512$3000000$" + gsalt + "$" + base64.StdEncoding.EncodeToString(randBytes(128)), pwhash.ErrTooCostly},
	}
	for _, c := range cases {
		d, err := Decode(c.s)
		var de *pwhash.DecodeError
		if d != nil || !errors.As(err, &de) || de.Err != c.want {
			t.Errorf("%s: Decode = %v, %v; want %v", c.name, d, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), c.s) && c.s != "" {
			t.Errorf("%s: error %q quotes the hash", c.name, err)
		}
	}
}

func TestCheck(t *testing.T) {
	pbkdf2 := func(salt, key int) *pwhash.Decoded {
		return &pwhash.Decoded{Algorithm: pwhash.PBKDF2, Iterations: 1000, Salt: randBytes(salt), Key: randBytes(key)}
	}
	sha := &pwhash.Decoded{Algorithm: pwhash.SHA512, Salt: randBytes(12), Key: randBytes(64)}
	argon := &pwhash.Decoded{Algorithm: pwhash.Argon2id, Memory: 47104, Time: 1, Threads: 1, Salt: randBytes(64), Key: randBytes(64)}
	cases := []struct {
		name    string
		d       *pwhash.Decoded
		targets string
	}{
		{"pbkdf2 salt 12", pbkdf2(12, 64), "dynsec-2.0,dynsec-2.1,dynsec-2.1-argon2,goauth,passlib"},
		{"pbkdf2 salt 64", pbkdf2(64, 64), "dynsec-2.1,dynsec-2.1-argon2,goauth,passlib"},
		{"pbkdf2 salt 16", pbkdf2(16, 64), "goauth,passlib"},
		{"pbkdf2 salt 2000", pbkdf2(2000, 64), "goauth"},
		{"pbkdf2 key 32", pbkdf2(12, 32), "goauth"},
		{"sha512", sha, "dynsec-2.1,dynsec-2.1-argon2"},
		{"argon2id", argon, "dynsec-2.1-argon2"},
	}
	for _, c := range cases {
		if got := strings.Join(Targets(c.d), ","); got != c.targets {
			t.Errorf("%s: Targets = %s, want %s", c.name, got, c.targets)
		}
	}
	if _, err := Encode(sha, GoAuth); !errors.Is(err, ErrCannotHold) {
		t.Errorf("Encode($6$, goauth) = %v, want ErrCannotHold", err)
	}
	if err := Check(sha, Dynsec, pwhash.Broker20); !errors.Is(err, ErrCannotHold) {
		t.Errorf("Check($6$, dynsec, 2.0) = %v, want ErrCannotHold", err)
	}
	if err := Check(pbkdf2(16, 64), Dynsec, pwhash.Broker21); !errors.Is(err, pwhash.ErrNotLoadable) {
		t.Errorf("Check(16-byte salt, dynsec, 2.1) = %v, want ErrNotLoadable", err)
	}
	if _, err := Encode(pbkdf2(12, 64), Dynsec); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("Encode(dynsec) = %v, want ErrUnknownFormat", err)
	}
	for _, name := range []string{"dynsec", "goauth", "passlib"} {
		if f, err := ParseFormat(name); err != nil || string(f) != name {
			t.Errorf("ParseFormat(%q) = %q, %v", name, f, err)
		}
	}
	if _, err := ParseFormat("json"); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("ParseFormat(json) = %v", err)
	}
}
