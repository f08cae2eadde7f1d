package pwcheck

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/brokeruser"
	"github.com/mqpasswd/mqpasswd/internal/nobodytest"
	"github.com/mqpasswd/mqpasswd/internal/owner"
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
	"github.com/mqpasswd/mqpasswd/internal/testvectors"
)

// vectorLines returns the file lines of a vector file, by username.
func vectorLines(t *testing.T, name string) map[string]string {
	t.Helper()
	vs, err := testvectors.Read(name)
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]string{}
	for _, v := range vs {
		lines[v.User] = v.Line()
	}
	return lines
}

// codes checks one line alone and returns its findings as "severity:code".
func codes(t *testing.T, line string, b pwhash.Broker) []string {
	t.Helper()
	rep, err := Check(strings.NewReader(line+"\n"), b)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range rep.Findings {
		out = append(out, string(f.Severity)+":"+f.Code)
		if f.Line != 1 {
			t.Errorf("%s: finding on line %d", line[:20], f.Line)
		}
	}
	return out
}

// TestCheckVectors holds --check to broker-acceptance.md for every line the
// real tools wrote.
func TestCheckVectors(t *testing.T) {
	for _, file := range []string{"mosq20-vectors.txt", "mosq21-vectors.txt", "mosq212-vectors.txt"} {
		for user, line := range vectorLines(t, file) {
			d, err := pwhash.Decode(line[len(user)+1:])
			if err != nil {
				t.Fatal(err)
			}
			var weak []string
			switch {
			case d.Algorithm == pwhash.SHA512:
				weak = []string{"warning:" + CodeSHA512}
			case d.Algorithm == pwhash.PBKDF2 && d.Iterations < 1000:
				weak = []string{"warning:" + CodeIterations}
			}
			var want20, want21, want21a []string
			switch {
			case file == "mosq20-vectors.txt": // 12-byte salts: every broker
				want20, want21, want21a = weak, weak, weak
			case d.Algorithm == pwhash.Argon2id:
				want20, want21 = []string{"error:" + CodeArgon2}, []string{"error:" + CodeArgon2}
			default: // 64-byte salts: 2.1 only
				want20, want21, want21a = append([]string{"error:" + CodeSalt64}, weak...), weak, weak
			}
			if got := codes(t, line, pwhash.Broker20); !slices.Equal(got, want20) {
				t.Errorf("%s for 2.0: %v, want %v", user, got, want20)
			}
			if got := codes(t, line, pwhash.Broker21); !slices.Equal(got, want21) {
				t.Errorf("%s for 2.1: %v, want %v", user, got, want21)
			}
			if got := codes(t, line, pwhash.Broker21Argon2); !slices.Equal(got, want21a) {
				t.Errorf("%s for 2.1-argon2: %v, want %v", user, got, want21a)
			}
		}
	}
}

// TestCheckCrafted follows the hand-made lines' rows of broker-acceptance.md.
func TestCheckCrafted(t *testing.T) {
	want := map[string][3]string{ // user: findings for 2.0, 2.1, 2.1-argon2
		"o_pbkdf2_salt12": {"warning:weak-iterations", "warning:weak-iterations", "warning:weak-iterations"},
		"o_pbkdf2_salt64": {"error:salt-for-2.1 warning:weak-iterations", "warning:weak-iterations", "warning:weak-iterations"},
		"o_pbkdf2_salt16": {"error:rejected-hash warning:weak-iterations", "error:rejected-hash warning:weak-iterations", "error:rejected-hash warning:weak-iterations"},
		"o_pbkdf2_dk32":   {"error:rejected-hash warning:weak-iterations", "error:rejected-hash warning:weak-iterations", "error:rejected-hash warning:weak-iterations"},
		"o_pbkdf2_it1":    {"warning:weak-iterations", "warning:weak-iterations", "warning:weak-iterations"},
		"o_sha512_salt12": {"warning:weak-sha512", "warning:weak-sha512", "warning:weak-sha512"},
		"o_sha512_salt64": {"error:salt-for-2.1 warning:weak-sha512", "warning:weak-sha512", "warning:weak-sha512"},
		"o_sha512_salt16": {"error:rejected-hash warning:weak-sha512", "error:rejected-hash warning:weak-sha512", "error:rejected-hash warning:weak-sha512"},
		"o_pbkdf2_nopad":  {"error:invalid-hash", "error:invalid-hash", "error:invalid-hash"},
		"o_plain":         {"error:plaintext", "error:plaintext", "error:plaintext"},
		"o_it0":           {"error:invalid-hash", "error:invalid-hash", "error:invalid-hash"},
		"o_argon_std":     {"error:argon2id", "error:argon2id", ""},
		"o_argon_i":       {"error:plaintext", "error:plaintext", "error:plaintext"},
	}
	lines := vectorLines(t, "crafted-lines.txt")
	if len(lines) != len(want) {
		t.Fatalf("%d crafted lines, %d expectations", len(lines), len(want))
	}
	for user, line := range lines {
		for i, b := range []pwhash.Broker{pwhash.Broker20, pwhash.Broker21, pwhash.Broker21Argon2} {
			if got := strings.Join(codes(t, line, b), " "); got != want[user][i] {
				t.Errorf("%s for %s: %q, want %q", user, b, got, want[user][i])
			}
		}
	}
}

func TestCheckFileContent(t *testing.T) {
	h, _ := pwhash.Hash([]byte("pw"), pwhash.Params{Iterations: 1000})
	in := "# users\r\n" + // 1
		"alice:" + h + "\r\n" + // 2
		"\n" + // 3
		"garbage\n" + // 4
		"bob:\n" + // 5
		"alice:" + h + "\n" + // 6
		"carol:" + h // 7, no newline
	for _, b := range []pwhash.Broker{pwhash.Broker20, pwhash.Broker21, pwhash.Broker21Argon2} {
		rep, err := Check(strings.NewReader(in), b)
		if err != nil {
			t.Fatal(err)
		}
		dup := "warning"
		if b != pwhash.Broker20 {
			dup = "error"
		}
		want := []string{"1 warning crlf", "4 error corrupt", "5 error corrupt", "6 " + dup + " duplicate-user", "7 warning no-final-newline"}
		var got []string
		for _, f := range rep.Findings {
			got = append(got, strings.Join([]string{itoa(f.Line), string(f.Severity), f.Code}, " "))
			if strings.Contains(f.Message, h) || strings.Contains(f.Message, "garbage") {
				t.Errorf("message quotes the file: %s", f.Message)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("for %s: %q, want %q", rep.Broker, got, want)
		}
		if rep.Users != 2 || rep.Errors+rep.Warnings != len(want) {
			t.Errorf("users %d, errors %d, warnings %d", rep.Users, rep.Errors, rep.Warnings)
		}
	}
	rep, _ := Check(strings.NewReader(""), pwhash.Broker20)
	if len(rep.Findings) != 0 || rep.Users != 0 {
		t.Errorf("empty file: %+v", rep)
	}
	if b, _ := json.Marshal(rep); string(b) != `{"broker":"2.0","users":0,"errors":0,"warnings":0,"findings":[]}` {
		t.Errorf("JSON of a clean report: %s", b)
	}
	rep, _ = Check(strings.NewReader("a:"+h+"\n"+strings.Repeat("x", pwfile.MaxLineLen+1)), pwhash.Broker20)
	if len(rep.Findings) != 1 || rep.Findings[0].Code != CodeTooLong || rep.Findings[0].Line != 2 {
		t.Errorf("long line: %+v", rep.Findings)
	}
	rep, _ = Check(strings.NewReader("a:"+h+"\r\n"), pwhash.Broker20)
	if len(rep.Findings) != 1 || !strings.HasPrefix(rep.Findings[0].Message, "CRLF line ending (1 line in all)") {
		t.Errorf("one CRLF line: %+v", rep.Findings)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestCheckFileAs(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no modes or owners")
	}
	dir := nobodytest.Dir(t)
	path := filepath.Join(dir, "passwd")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	me := brokeruser.Current()
	other := owner.User(os.Geteuid()+1, os.Getegid()+1)
	// A user this system need not know, as a container's seen from the host.
	stranger := brokeruser.User{Spec: other, Groups: []int{other.GID}, Source: brokeruser.SourceOwner}
	// --owner :GROUP: any owner, that group.
	anyOwner := brokeruser.User{Spec: owner.Spec{GID: other.GID, HasGID: true}}
	got := func(u brokeruser.User, b pwhash.Broker, p string) string {
		t.Helper()
		fs, err := CheckFileAs(p, b, u)
		if err != nil {
			t.Fatal(err)
		}
		var c []string
		for _, f := range fs {
			c = append(c, string(f.Severity)+":"+f.Code)
		}
		return strings.Join(c, " ")
	}
	if s := got(me, pwhash.Broker20, path); s != "" {
		t.Errorf("own 0600 file: %s", s)
	}
	os.Chmod(path, 0o644)
	if s := got(me, pwhash.Broker20, path); s != "warning:world-permissions" {
		t.Errorf("0644: %s", s)
	}
	os.Chmod(path, 0o640)
	if s := got(me, pwhash.Broker20, path); s != "" {
		t.Errorf("0640: %s", s)
	}
	if s := got(stranger, pwhash.Broker20, path); s != "error:broker-cannot-read" {
		t.Errorf("another owner, 0640: %s", s)
	}
	os.Chmod(path, 0o604)
	if s := got(stranger, pwhash.Broker20, path); s != "warning:world-permissions warning:owner warning:group" {
		t.Errorf("another owner, 0604: %s", s)
	}
	if s := got(anyOwner, pwhash.Broker20, path); s != "warning:world-permissions warning:group" {
		t.Errorf("any owner: %s", s)
	}
	os.Chmod(path, 0o600)
	link := filepath.Join(dir, "link")
	os.Symlink(path, link)
	if s := got(me, pwhash.Broker20, link); s != "warning:symlink" {
		t.Errorf("symlink for 2.0: %s", s)
	}
	if s := got(me, pwhash.Broker21, link); s != "error:symlink" {
		t.Errorf("symlink for 2.1: %s", s)
	}
	if _, err := CheckFileAs(filepath.Join(dir, "missing"), pwhash.Broker20, me); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}

func TestDescribe(t *testing.T) {
	argon := vectorLines(t, "mosq212-vectors.txt")["v212-argon2id-plain"]
	v20 := vectorLines(t, "mosq20-vectors.txt")["v20-default-plain"]
	in := "# c\n" + v20 + "\n" + argon + "\nplain:secret\nodd:$5$x\nbad:$7$0$x$y\n"
	var got []Entry
	if err := List(strings.NewReader(in), func(e Entry) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{User: "v20-default-plain", Line: 2, Algorithm: "sha512-pbkdf2", Iterations: 101, SaltBytes: 12, HashBytes: 64, AcceptedBy: Brokers{true, true, true},
			ExportTo: []string{"dynsec-2.0", "dynsec-2.1", "dynsec-2.1-argon2", "goauth", "passlib"}},
		{User: "v212-argon2id-plain", Line: 3, Algorithm: "argon2id", MemoryKiB: 47104, Time: 1, Threads: 1, SaltBytes: 64, HashBytes: 64, AcceptedBy: Brokers{false, false, true},
			ExportTo: []string{"dynsec-2.1-argon2"}},
		{User: "plain", Line: 4, Algorithm: Plaintext, Invalid: "not a hash", ExportTo: []string{}},
		{User: "odd", Line: 5, Algorithm: Unknown, Invalid: "not a hash", ExportTo: []string{}},
		{User: "bad", Line: 6, Algorithm: "sha512-pbkdf2", ExportTo: []string{}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries", len(got))
	}
	for i := range want {
		if want[i].Invalid == "" && i == 4 {
			want[i].Invalid = got[i].Invalid // the decoder's reason
			if got[i].Invalid == "" || strings.Contains(got[i].Invalid, "$7$") {
				t.Errorf("bad entry reason %q", got[i].Invalid)
			}
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("entry %d = %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if err := List(strings.NewReader("a:b\ngarbage\n"), func(Entry) error { return nil }); err == nil {
		t.Error("List of a corrupt file: no error")
	}
}

// TestUnsafe follows the rows of broker-acceptance.md's "One bad line or a
// duplicate user refuses the whole file": which files make each broker drop
// users or refuse the file, and so must never be signalled.
func TestUnsafe(t *testing.T) {
	v20 := vectorLines(t, "mosq20-vectors.txt")
	alice, bob := v20["v20-default-plain"], v20["v20-sha512-plain"]
	argon := vectorLines(t, "mosq212-vectors.txt")["v212-argon2id-plain"]
	salt64 := vectorLines(t, "mosq212-vectors.txt")["v212-default-plain"]
	tests := []struct {
		name  string
		file  string
		wants [3]Effect // for 2.0, 2.1, 2.1-argon2
	}{
		{"valid", alice + "\n" + bob + "\n", [3]Effect{}},
		{"comments, blank lines, a line without ':'", "# c\n\ngarbage\n" + alice + "\n", [3]Effect{}},
		{"plaintext line", alice + "\nbob:hunter2\n", [3]Effect{EffectDropsEntry, EffectRefusesFile, EffectRefusesFile}},
		{"same user twice", alice + "\n" + alice + "\n", [3]Effect{"", EffectRefusesFile, EffectRefusesFile}},
		{"empty password field", alice + "\ndave:\n", [3]Effect{EffectDropsEntry, EffectRefusesFile, EffectRefusesFile}},
		{"empty username", alice + "\n:$6$x$y\n", [3]Effect{EffectDropsEntry, EffectRefusesFile, EffectRefusesFile}},
		{"zero iterations", "o:$7$0$" + strings.SplitN(alice, "$", 4)[3] + "\n", [3]Effect{EffectDropsEntry, EffectRefusesFile, EffectRefusesFile}},
		{"argon2id line", alice + "\n" + argon + "\n", [3]Effect{EffectDropsEntry, EffectRefusesFile, ""}},
		{"64-byte salt", alice + "\n" + salt64 + "\n", [3]Effect{EffectDropsEntry, "", ""}},
		{"empty file", "", [3]Effect{}},
	}
	for _, tt := range tests {
		for i, b := range []pwhash.Broker{pwhash.Broker20, pwhash.Broker21, pwhash.Broker21Argon2} {
			rep, err := Check(strings.NewReader(tt.file), b)
			if err != nil {
				t.Fatal(err)
			}
			var got Effect
			for _, f := range rep.Unsafe() {
				if f.Severity != SeverityError {
					t.Errorf("%s for %s: unsafe %s finding %s", tt.name, b, f.Severity, f.Code)
				}
				if got != EffectRefusesFile {
					got = f.Effect
				}
			}
			if got != tt.wants[i] {
				t.Errorf("%s for %s: %q, want %q", tt.name, b, got, tt.wants[i])
			}
		}
	}
}
