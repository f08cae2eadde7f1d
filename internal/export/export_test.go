package export

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/brokertest"
	"github.com/mqpasswd/mqpasswd/internal/hashconv"
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
	"github.com/mqpasswd/mqpasswd/internal/testvectors"
)

type user struct{ name, password, hash string }

// toolUsers reads the $7$ and $6$ lines the real 2.0.11 mosquitto_passwd
// wrote, with their passwords.
func toolUsers(t *testing.T) []user {
	t.Helper()
	vs, err := testvectors.Read("mosq20-vectors.txt")
	if err != nil {
		t.Fatal(err)
	}
	var us []user
	for _, v := range vs {
		us = append(us, user{v.User, string(v.Password), v.Hash})
	}
	return us
}

func hashOf(t *testing.T, password string, p pwhash.Params) string {
	t.Helper()
	h, err := pwhash.Hash([]byte(password), p)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func fileOf(us []user) string {
	var b strings.Builder
	b.WriteString("# users\n\n")
	for _, u := range us {
		b.WriteString(u.name + ":" + u.hash + "\n")
	}
	return b.String()
}

// config is the part of a dynamic-security file the tests look at.
type config struct {
	DefaultACLAccess map[string]bool
	Clients          []struct {
		Username, Password, Salt string
		Iterations               int
		EncodedPassword          string `json:"encoded_password"`
		Roles                    []struct{ Rolename string }
	}
	Groups []any
	Roles  []struct {
		Rolename string
		ACLs     []struct {
			ACLType, Topic string
			Allow          bool
		}
	}
}

func parse(t *testing.T, out []byte) config {
	t.Helper()
	var c config
	if err := json.Unmarshal(out, &c); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	return c
}

func TestDynsecShape(t *testing.T) {
	us := []user{
		{"a", "pw a", hashOf(t, "pw a", pwhash.Params{})},
		{"b", "pw:b", hashOf(t, "pw:b", pwhash.Params{Algorithm: pwhash.SHA512, SaltLen: pwhash.SaltLen21})},
	}
	for _, b := range []pwhash.Broker{pwhash.Broker20, pwhash.Broker21} {
		var out bytes.Buffer
		res, err := Dynsec(strings.NewReader(fileOf(us)), &out, b)
		if err != nil {
			t.Fatal(err)
		}
		c := parse(t, out.Bytes())
		if len(c.Roles) != 1 || c.Roles[0].Rolename != AllTopicsRole || len(c.Roles[0].ACLs) != 7 || c.Groups == nil {
			t.Errorf("%s: roles %+v, groups %v", b, c.Roles, c.Groups)
		}
		if c.DefaultACLAccess["publishClientSend"] || !c.DefaultACLAccess["unsubscribe"] || len(c.DefaultACLAccess) != 4 {
			t.Errorf("%s: defaultACLAccess %v", b, c.DefaultACLAccess)
		}
		for _, cl := range c.Clients {
			if len(cl.Roles) != 1 || cl.Roles[0].Rolename != AllTopicsRole {
				t.Errorf("%s: %s has roles %v", b, cl.Username, cl.Roles)
			}
		}
		if b == pwhash.Broker20 {
			// $6$ is not PBKDF2, and its salt has 64 bytes.
			if res.Exported != 1 || len(res.Refused) != 1 || res.Refused[0].Line != 4 || !errors.Is(res.Refused[0].Err, hashconv.ErrCannotHold) {
				t.Fatalf("2.0: %+v", res)
			}
			cl := c.Clients[0]
			d, _ := pwhash.Decode(us[0].hash)
			if cl.Username != "a" || cl.Iterations != d.Iterations || cl.Salt != base64.StdEncoding.EncodeToString(d.Salt) ||
				cl.Password != base64.StdEncoding.EncodeToString(d.Key) || cl.EncodedPassword != "" {
				t.Errorf("2.0 client %+v does not hold %s", cl, us[0].hash)
			}
			continue
		}
		if res.Exported != 2 || len(res.Refused) != 0 || len(c.Clients) != 2 {
			t.Fatalf("2.1: %+v, %d clients", res, len(c.Clients))
		}
		for i, cl := range c.Clients {
			if ok, err := pwhash.Verify([]byte(us[i].password), cl.EncodedPassword); !ok || err != nil || cl.Password != "" {
				t.Errorf("2.1 client %+v: Verify = %v, %v", cl, ok, err)
			}
		}
	}
}

func TestDynsecRefuses(t *testing.T) {
	argon := "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
	src := "ok:" + hashOf(t, "x", pwhash.Params{}) + "\n" +
		"plain:secret\n" +
		"broken:$7$101$abc$def\n" +
		"ok:" + hashOf(t, "y", pwhash.Params{}) + "\n" +
		"argon:" + argon + "\n" +
		"bad\xffname:" + hashOf(t, "x", pwhash.Params{}) + "\n"
	for _, b := range []pwhash.Broker{pwhash.Broker20, pwhash.Broker21, pwhash.Broker21Argon2} {
		var out bytes.Buffer
		res, err := Dynsec(strings.NewReader(src), &out, b)
		if err != nil {
			t.Fatal(err)
		}
		parse(t, out.Bytes())
		want := map[int]error{2: ErrPlaintext, 3: pwhash.ErrMalformed, 4: &pwfile.DuplicateError{}, 5: hashconv.ErrCannotHold, 6: ErrUsernameNotUTF8}
		switch b {
		case pwhash.Broker21:
			// 2.1 as released has no argon2.
			want[5] = pwhash.ErrNotLoadable
		case pwhash.Broker21Argon2:
			// The argon2id hash is only 16 bytes: 2.1 with argon2 loads any.
			delete(want, 5)
			if res.Argon2id != 1 {
				t.Errorf("%s: Argon2id = %d, want 1", b, res.Argon2id)
			}
		}
		if len(res.Refused) != len(want) {
			t.Errorf("%s: refused %+v, want lines %v", b, res.Refused, want)
		}
		for _, r := range res.Refused {
			var dup *pwfile.DuplicateError
			switch w := want[r.Line]; {
			case errors.As(w, &dup):
				if !errors.As(r.Err, &dup) || dup.First != 1 || r.User != "ok" {
					t.Errorf("%s: line %d: %v, want a duplicate of line 1", b, r.Line, r.Err)
				}
			case !errors.Is(r.Err, w):
				t.Errorf("%s: line %d: %v, want %v", b, r.Line, r.Err, w)
			}
			if strings.Contains(r.Err.Error(), "secret") || strings.Contains(r.Err.Error(), "abc") {
				t.Errorf("%s: line %d: %q quotes the line", b, r.Line, r.Err)
			}
		}
	}
}

func TestDynsecEmptyAndCorrupt(t *testing.T) {
	var out bytes.Buffer
	if res, err := Dynsec(strings.NewReader("# nobody\n"), &out, pwhash.Broker20); err != nil || res.Exported != 0 {
		t.Fatalf("empty file: %+v, %v", res, err)
	}
	if c := parse(t, out.Bytes()); len(c.Clients) != 0 || len(c.Roles) != 1 {
		t.Errorf("empty file: %+v", c)
	}
	_, err := Dynsec(strings.NewReader("a:"+hashOf(t, "x", pwhash.Params{})+"\n:\n"), &bytes.Buffer{}, pwhash.Broker20)
	var pe *pwfile.ParseError
	if !errors.As(err, &pe) || pe.Line != 2 {
		t.Errorf("corrupt line: %v, want a ParseError at line 2", err)
	}
}

func TestLines(t *testing.T) {
	key32 := "$7$1000$" + base64.StdEncoding.EncodeToString(make([]byte, 12)) + "$" + base64.StdEncoding.EncodeToString(make([]byte, 32))
	us := []user{
		{"a", "pw a", hashOf(t, "pw a", pwhash.Params{})},
		{"b", "pw b", hashOf(t, "pw b", pwhash.Params{SaltLen: pwhash.SaltLen21})},
		{"sha", "x", hashOf(t, "x", pwhash.Params{Algorithm: pwhash.SHA512})},
		{"short", "", key32},
		{"a", "pw a2", hashOf(t, "pw a2", pwhash.Params{})},
	}
	for f, refused := range map[hashconv.Format][]int{hashconv.GoAuth: {5}, hashconv.Passlib: {5, 6}} {
		var out bytes.Buffer
		res, err := Lines(strings.NewReader(fileOf(us)), &out, f)
		if err != nil {
			t.Fatal(err)
		}
		var lines []int
		for _, r := range res.Refused {
			lines = append(lines, r.Line)
			if !errors.Is(r.Err, hashconv.ErrCannotHold) {
				t.Errorf("%s: line %d: %v", f, r.Line, r.Err)
			}
		}
		if len(lines) != len(refused) || lines[0] != refused[0] || res.Exported != len(us)-len(refused) {
			t.Errorf("%s: %+v, want refused lines %v", f, res, refused)
		}
		got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(got) != res.Exported {
			t.Fatalf("%s: %d lines for %d exported:\n%s", f, len(got), res.Exported, out.String())
		}
		// Both entries of a stay, in file order; each converts back.
		i := 0
		for n, want := range us {
			if slices.Contains(refused, n+3) {
				continue
			}
			name, hash, _ := strings.Cut(got[i], ":")
			d, err := hashconv.Decode(hash)
			if name != want.name || err != nil {
				t.Fatalf("%s: line %q: %v", f, got[i], err)
			}
			if ok, err := pwhash.Verify([]byte(want.password), d.Encode()); want.password != "" && (!ok || err != nil) {
				t.Errorf("%s: %s does not verify: %v", f, got[i], err)
			}
			i++
		}
	}
	if _, err := Lines(strings.NewReader(""), &bytes.Buffer{}, hashconv.Dynsec); !errors.Is(err, hashconv.ErrUnknownFormat) {
		t.Errorf("Lines(dynsec) = %v", err)
	}
}

// TestDynsecBroker20 loads an export of the 2.0.11 tool's vectors and of
// our own hashes into the real 2.0.11 broker with its dynamic-security
// plugin: every user logs in and publishes, a wrong password and an
// unknown user are refused, and nobody may use the plugin's $CONTROL API.
func TestDynsecBroker20(t *testing.T) {
	brokertest.Require(t, brokertest.BrokerPath, brokertest.ClientPath, brokertest.DynsecPlugin)
	var us []user
	for _, u := range toolUsers(t) {
		if strings.HasPrefix(u.hash, "$7$") {
			us = append(us, u)
		}
	}
	for i, pw := range []string{"ours", "a:b", " spaced "} {
		us = append(us, user{"own-" + strconv.Itoa(i), pw, hashOf(t, pw, pwhash.Params{})})
	}
	var out bytes.Buffer
	res, err := Dynsec(strings.NewReader(fileOf(us)), &out, pwhash.Broker20)
	if err != nil || res.Exported != len(us) || len(res.Refused) != 0 {
		t.Fatalf("Dynsec = %+v, %v", res, err)
	}
	path := filepath.Join(t.TempDir(), "dynamic-security.json")
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	b := brokertest.Start(t, "allow_anonymous false\nplugin "+brokertest.DynsecPlugin+"\nplugin_opt_config_file "+path+"\n")
	for _, u := range us {
		if err := b.Login(u.name, u.password, "t/"+u.name); err != nil {
			t.Errorf("%s: %v\nbroker log:\n%s", u.name, err, b.Log())
		}
	}
	if err := b.Login(us[0].name, us[0].password+"x", "t"); !errors.Is(err, brokertest.ErrNotAuthorised) {
		t.Errorf("wrong password: %v, want refused", err)
	}
	if err := b.Login("nobody", "x", "t"); !errors.Is(err, brokertest.ErrNotAuthorised) {
		t.Errorf("unknown user: %v, want refused", err)
	}
	if err := b.Login(us[0].name, us[0].password, "$CONTROL/dynamic-security/v1"); !errors.Is(err, brokertest.ErrPublishDenied) {
		t.Errorf("publish to $CONTROL: %v, want denied", err)
	}
}

// FuzzDynsec checks that any password file gives valid JSON or a
// *pwfile.ParseError, and that every client it writes holds a hash.
func FuzzDynsec(f *testing.F) {
	f.Add("a:$7$101$AAAAAAAAAAAAAAAA$"+strings.Repeat("A", 86)+"==\n", false)
	f.Add("\"q\\\":$6$AAAAAAAAAAAAAAAA$"+strings.Repeat("A", 86)+"==\r\n# c\nx:y\n", true)
	f.Fuzz(func(t *testing.T, src string, on21 bool) {
		b := pwhash.Broker20
		if on21 {
			b = pwhash.Broker21
		}
		var out bytes.Buffer
		res, err := Dynsec(strings.NewReader(src), &out, b)
		if err != nil {
			var pe *pwfile.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Dynsec = %v (%T), want a *pwfile.ParseError", err, err)
			}
			return
		}
		c := parse(t, out.Bytes())
		if len(c.Clients) != res.Exported {
			t.Fatalf("%d clients, Exported %d", len(c.Clients), res.Exported)
		}
		for _, cl := range c.Clients {
			if cl.EncodedPassword == "" && (cl.Password == "" || cl.Salt == "" || cl.Iterations < 1) {
				t.Fatalf("client %+v holds no hash", cl)
			}
		}
	})
}
