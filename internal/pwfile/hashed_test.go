package pwfile

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/brokertest"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// refPBKDF2 returns salt and key of a PBKDF2-HMAC-SHA512 hash of password.
func refPBKDF2(t *testing.T, password string, saltLen, iter int) (salt, key []byte) {
	t.Helper()
	salt = make([]byte, saltLen)
	rand.Read(salt)
	key, err := pbkdf2.Key(sha512.New, password, salt, iter, 64)
	if err != nil {
		t.Fatal(err)
	}
	return salt, key
}

// refPasslib and refGoAuth write hashes as passlib's pbkdf2_sha512 and
// mosquitto-go-auth's pbkdf2 hasher do, from their published formats.
func refPasslib(t *testing.T, password string, saltLen int) string {
	salt, key := refPBKDF2(t, password, saltLen, 1000)
	ab64 := func(b []byte) string {
		return strings.ReplaceAll(base64.RawStdEncoding.EncodeToString(b), "+", ".")
	}
	return "$pbkdf2-sha512$1000$" + ab64(salt) + "$" + ab64(key)
}

func refGoAuth(t *testing.T, password string, saltLen int) string {
	salt, key := refPBKDF2(t, password, saltLen, 101)
	return "PBKDF2$sha512$101$" + base64.StdEncoding.EncodeToString(salt) + "$" + base64.StdEncoding.EncodeToString(key)
}

func mustHash(t *testing.T, password string, p pwhash.Params) string {
	t.Helper()
	h, err := pwhash.Hash([]byte(password), p)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestReadHashedImport(t *testing.T) {
	own := mustHash(t, "own", pwhash.Params{})
	sha := mustHash(t, "sha", pwhash.Params{Algorithm: pwhash.SHA512})
	src := "# merged from another broker\n\n" +
		"own:" + own + "\n" +
		"sha:" + sha + "\r\n" +
		"pl:" + refPasslib(t, "pl-pw", 12) + "\n" +
		"ga:\t" + refGoAuth(t, "ga-pw", 12) + "  \n"
	creds, err := ReadHashedImport(strings.NewReader(src), pwhash.Broker20)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line      int
		user, pw  string
		converted bool
	}{{3, "own", "own", false}, {4, "sha", "sha", false}, {5, "pl", "pl-pw", true}, {6, "ga", "ga-pw", true}}
	if len(creds) != len(want) {
		t.Fatalf("got %d credentials, want %d", len(creds), len(want))
	}
	for i, w := range want {
		c := creds[i]
		if c.Line != w.line || c.User != w.user || c.Converted != w.converted {
			t.Errorf("credential %d = %+v, want line %d user %s converted %v", i, c, w.line, w.user, w.converted)
		}
		if ok, err := pwhash.Verify([]byte(w.pw), c.Hash); !ok || err != nil {
			t.Errorf("%s: Verify = %v, %v", c.User, ok, err)
		}
	}
	if creds[0].Hash != own || creds[1].Hash != sha {
		t.Errorf("Mosquitto hashes were not kept as given")
	}
}

func TestReadHashedImportRefuses(t *testing.T) {
	salt64 := mustHash(t, "x", pwhash.Params{SaltLen: pwhash.SaltLen21})
	ok12 := mustHash(t, "x", pwhash.Params{})
	argon := "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
	lines := []struct {
		line string
		want error // nil: accepted for 2.1, refused for 2.0 as not loadable (argon2id: for 2.1 too)
	}{
		{"ok:" + ok12, nil},
		{"nocolon", ErrNoColon},
		{"empty:", ErrEmptyHash},
		{"empty2:   ", ErrEmptyHash},
		{"plain:secret", pwhash.ErrUnsupported},
		{" spaced:" + salt64, ErrUsernameSpace},
		{":" + salt64, ErrUsernameEmpty},
		{"pl16:" + refPasslib(t, "x", 16), pwhash.ErrNotLoadable},
		{"ga16:" + refGoAuth(t, "x", 16), pwhash.ErrNotLoadable},
		{"broken:$7$101$abc$def", pwhash.ErrMalformed},
		{"salt64:" + salt64, nil},
		{"ga64:" + refGoAuth(t, "x", 64), nil},
		{"argon:" + argon, nil},
		{"ok:" + ok12, &DuplicateError{}},
	}
	var src strings.Builder
	for _, l := range lines {
		src.WriteString(l.line + "\n")
	}
	for _, b := range []pwhash.Broker{pwhash.Broker20, pwhash.Broker21, pwhash.Broker21Argon2} {
		creds, err := ReadHashedImport(strings.NewReader(src.String()), b)
		var ie *ImportError
		if creds != nil || !errors.As(err, &ie) {
			t.Fatalf("%s: ReadHashedImport = %d credentials, %v; want an *ImportError", b, len(creds), err)
		}
		got := map[int]error{}
		for _, pe := range ie.Lines {
			got[pe.Line] = pe.Err
			if strings.Contains(pe.Err.Error(), "secret") || strings.Contains(pe.Err.Error(), salt64[12:40]) {
				t.Errorf("%s: line %d: error %q quotes the line", b, pe.Line, pe.Err)
			}
		}
		for i, l := range lines {
			want := l.want
			if want == nil && (b == pwhash.Broker20 && i > 0 || b == pwhash.Broker21 && l.line == "argon:"+argon) {
				want = pwhash.ErrNotLoadable
			}
			err := got[i+1]
			var dup *DuplicateError
			switch {
			case want == nil && err != nil:
				t.Errorf("%s: line %d refused: %v", b, i+1, err)
			case want == nil:
			case errors.As(want, &dup):
				if !errors.As(err, &dup) || dup.First != 1 {
					t.Errorf("%s: line %d: %v, want a duplicate of line 1", b, i+1, err)
				}
			case !errors.Is(err, want):
				t.Errorf("%s: line %d: %v, want %v", b, i+1, err, want)
			}
		}
	}
}

func TestReadHashedImportLongLine(t *testing.T) {
	src := "a:" + mustHash(t, "a", pwhash.Params{}) + "\nb:" + strings.Repeat("x", MaxLineLen+1) + "\n"
	_, err := ReadHashedImport(strings.NewReader(src), pwhash.Broker20)
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Lines) != 1 || ie.Lines[0].Line != 2 || !errors.Is(ie.Lines[0].Err, ErrLineTooLong) {
		t.Fatalf("ReadHashedImport = %v, want line 2 too long", err)
	}
}

func TestHashedUpdates(t *testing.T) {
	creds := []HashedCredential{{User: "same", Hash: "h1"}, {User: "new", Hash: "h2"}, {User: "changed", Hash: "h3"}, {User: "twice", Hash: "h4"}}
	current := map[string][]string{"same": {"h1"}, "changed": {"old"}, "twice": {"h4", "old"}}
	updates, unchanged := HashedUpdates(creds, current)
	if unchanged != 1 || len(updates) != 3 || updates[0].User != "new" || updates[1].User != "changed" || updates[2].User != "twice" {
		t.Errorf("HashedUpdates = %v, %d", updates, unchanged)
	}
	if updates, unchanged := HashedUpdates(creds, nil); unchanged != 0 || len(updates) != 4 {
		t.Errorf("HashedUpdates without current = %v, %d", updates, unchanged)
	}
}

// TestImportedUsersLogIn writes converted passlib and go-auth hashes into a
// password file with Set and logs in to the real 2.0 broker with them.
func TestImportedUsersLogIn(t *testing.T) {
	brokertest.Require(t, brokertest.BrokerPath, brokertest.ClientPath)
	users := map[string]string{"pl": "passlib pw", "ga": "go:auth pw", "own": "own"}
	src := "pl:" + refPasslib(t, users["pl"], 12) + "\nga:" + refGoAuth(t, users["ga"], 12) +
		"\nown:" + mustHash(t, users["own"], pwhash.Params{}) + "\n"
	creds, err := ReadHashedImport(strings.NewReader(src), pwhash.Broker20)
	if err != nil {
		t.Fatal(err)
	}
	updates, _ := HashedUpdates(creds, nil)
	var file bytes.Buffer
	if _, err := Set(strings.NewReader("# kept\n"), &file, updates); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(path, file.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	b := brokertest.Start(t, "allow_anonymous false\npassword_file "+path+"\n")
	for user, pw := range users {
		if err := b.Login(user, pw, "t/"+user); err != nil {
			t.Errorf("%s: %v\nbroker log:\n%s", user, err, b.Log())
		}
		if err := b.Login(user, pw+"x", "t"); !errors.Is(err, brokertest.ErrNotAuthorised) {
			t.Errorf("%s with a wrong password: %v, want refused", user, err)
		}
	}
	if err := b.Login("nobody", "x", "t"); !errors.Is(err, brokertest.ErrNotAuthorised) {
		t.Errorf("unknown user: %v, want refused", err)
	}
}

// FuzzReadHashedImport checks that no input panics, that a failure is an
// *ImportError with lines in order, and that every accepted hash decodes
// and is loadable by the broker it was read for.
func FuzzReadHashedImport(f *testing.F) {
	f.Add("a:$7$101$AAAAAAAAAAAAAAAA$"+strings.Repeat("A", 86)+"==\n", false)
	f.Add("# c\n\nb:$pbkdf2-sha512$1$AAAAAAAAAAAAAAAA$"+strings.Repeat("A", 86)+"\r\n", true)
	f.Add("c:PBKDF2$sha512$1$AAAAAAAAAAAAAAAA$"+strings.Repeat("A", 86)+"==\nc:x\n:\n", false)
	f.Fuzz(func(t *testing.T, src string, on21 bool) {
		b := pwhash.Broker20
		if on21 {
			b = pwhash.Broker21
		}
		creds, err := ReadHashedImport(strings.NewReader(src), b)
		if err != nil {
			var ie *ImportError
			if creds != nil || !errors.As(err, &ie) || len(ie.Lines) == 0 {
				t.Fatalf("ReadHashedImport = %v, %v (%T)", creds, err, err)
			}
			for i := 1; i < len(ie.Lines); i++ {
				if ie.Lines[i].Line <= ie.Lines[i-1].Line {
					t.Fatalf("lines out of order: %d after %d", ie.Lines[i].Line, ie.Lines[i-1].Line)
				}
			}
			return
		}
		for _, c := range creds {
			d, err := pwhash.Decode(c.Hash)
			if err != nil {
				t.Fatalf("line %d: accepted hash does not decode: %v", c.Line, err)
			}
			if err := d.LoadableBy(b); err != nil {
				t.Fatalf("line %d: accepted hash not loadable: %v", c.Line, err)
			}
			if CheckUsername(c.User) != nil || c.Line < 1 {
				t.Fatalf("bad credential %+v", c)
			}
		}
	})
}
