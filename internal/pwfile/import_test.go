package pwfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

func TestReadImport(t *testing.T) {
	in := "# users for the broker\n" +
		"alice:secret\n" +
		"\n" +
		"bob: pass with spaces \r\n" +
		"carol:a:b:c\n" +
		"   \t\n" +
		"dave:#not a comment\n" +
		"erin:last line without newline"
	want := []Credential{
		{Line: 2, User: "alice", Password: []byte("secret")},
		{Line: 4, User: "bob", Password: []byte(" pass with spaces ")},
		{Line: 5, User: "carol", Password: []byte("a:b:c")},
		{Line: 7, User: "dave", Password: []byte("#not a comment")},
		{Line: 8, User: "erin", Password: []byte("last line without newline")},
	}
	got, err := ReadImport(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestReadImportErrors(t *testing.T) {
	in := "alice:secret\n" + // 1 fine
		"no colon here\n" + // 2
		"bob:\n" + // 3
		":pw\n" + // 4
		"ca\x01rol:pw\n" + // 5
		" dave:pw\n" + // 6
		"dave :pw\n" + // 7
		"alice:other\n" + // 8
		"erin:" + strings.Repeat("p", 65536) + "\n" + // 9
		"frank:" + strings.Repeat("p", 65535) + "\n" + // 10 fine
		strings.Repeat("u", 65536) + ":pw\n" + // 11
		"gina:pw\r\n" // 12 fine
	_, err := ReadImport(strings.NewReader(in))
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *ImportError", err)
	}
	want := []struct {
		line int
		err  error
	}{
		{2, ErrNoColon}, {3, ErrEmptyPassword}, {4, ErrUsernameEmpty}, {5, ErrUsernameControl},
		{6, ErrUsernameSpace}, {7, ErrUsernameSpace}, {8, nil}, {9, ErrPasswordTooLong},
		{11, ErrUsernameTooLong},
	}
	if len(ie.Lines) != len(want) {
		t.Fatalf("got %d bad lines (%v), want %d", len(ie.Lines), ie.Lines, len(want))
	}
	for i, w := range want {
		got := ie.Lines[i]
		if got.Line != w.line {
			t.Errorf("bad line %d: got line %d (%v)", w.line, got.Line, got.Err)
			continue
		}
		if w.err == nil {
			var dup *DuplicateError
			if !errors.As(got.Err, &dup) || dup.User != "alice" || dup.First != 1 {
				t.Errorf("line %d: got %v, want alice duplicate of line 1", w.line, got.Err)
			}
		} else if !errors.Is(got.Err, w.err) {
			t.Errorf("line %d: got %v, want %v", w.line, got.Err, w.err)
		}
	}
	for _, l := range ie.Lines {
		if strings.Contains(l.Error(), "secret") || strings.Contains(l.Error(), "other") {
			t.Errorf("error %q quotes a password", l.Error())
		}
	}
}

func TestReadImportLongLine(t *testing.T) {
	in := "alice:pw\n" + strings.Repeat("x", MaxLineLen+1) + "\nbob:pw\n"
	_, err := ReadImport(strings.NewReader(in))
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Lines) != 1 || ie.Lines[0].Line != 2 || !errors.Is(ie.Lines[0].Err, ErrLineTooLong) {
		t.Errorf("err = %v, want line 2 too long", err)
	}
}

// TestReadImportManyBad: a source of 100,000 bad lines lists the first
// MaxBadLines and counts the rest, and returns no credentials although
// good lines come before and after the bad ones.
func TestReadImportManyBad(t *testing.T) {
	var in strings.Builder
	in.WriteString("alice:pw\n")
	for range 100_000 {
		in.WriteString("no colon\n")
	}
	in.WriteString("bob:pw\n")
	creds, err := ReadImport(strings.NewReader(in.String()))
	var ie *ImportError
	if !errors.As(err, &ie) || creds != nil {
		t.Fatalf("ReadImport = %d credentials, %v; want an *ImportError", len(creds), err)
	}
	if len(ie.Lines) != MaxBadLines || ie.More != 100_000-MaxBadLines || ie.Lines[0].Line != 2 || ie.Lines[MaxBadLines-1].Line != MaxBadLines+1 {
		t.Errorf("%d bad lines listed (lines %d to %d), %d more; want %d (2 to %d), %d more",
			len(ie.Lines), ie.Lines[0].Line, ie.Lines[len(ie.Lines)-1].Line, ie.More, MaxBadLines, MaxBadLines+1, 100_000-MaxBadLines)
	}
}

// repeatReader reads line over and over, n bytes in all (n < 0: without
// end), as a generated source or /dev/urandom through a pipe would.
type repeatReader struct {
	line string
	off  int
	n    int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	if r.n > 0 && int64(len(p)) > r.n {
		p = p[:r.n]
	}
	for i := 0; i < len(p); {
		c := copy(p[i:], r.line[r.off:])
		i, r.off = i+c, (r.off+c)%len(r.line)
	}
	if r.n > 0 {
		r.n -= int64(len(p))
	}
	return len(p), nil
}

// TestReadImportSize: a source of exactly MaxImportSize bytes is read; one
// byte more, or a source without end, gives ErrImportTooLarge, for an
// import of passwords and of hashes.
func TestReadImportSize(t *testing.T) {
	const comment = "# a comment line of 32 bytes...\n"
	if _, err := ReadImport(&repeatReader{line: comment, n: MaxImportSize}); err != nil {
		t.Errorf("ReadImport of %d bytes: %v", MaxImportSize, err)
	}
	for _, r := range []io.Reader{&repeatReader{line: comment, n: MaxImportSize + 1}, &repeatReader{line: "no colon\n", n: -1}} {
		if _, err := ReadImport(r); !errors.Is(err, ErrImportTooLarge) {
			t.Errorf("ReadImport of more than %d bytes: %v, want ErrImportTooLarge", MaxImportSize, err)
		}
	}
	if _, err := ReadHashedImport(&repeatReader{line: "no colon\n", n: -1}, pwhash.Broker20); !errors.Is(err, ErrImportTooLarge) {
		t.Errorf("ReadHashedImport without end: %v, want ErrImportTooLarge", err)
	}
}

func TestHashAll(t *testing.T) {
	var creds []Credential
	for i := range 500 {
		creds = append(creds, Credential{Line: i + 1, User: fmt.Sprint("u", i), Password: []byte(strings.Repeat("p", i%97) + fmt.Sprint(i))})
	}
	var wantHashes []string
	for _, c := range creds {
		h, _ := reverse(c.Password)
		wantHashes = append(wantHashes, h)
	}
	var calls atomic.Int32
	updates, unchanged, err := HashAll(t.Context(), creds, serial(reverse, 4), nil, func() { calls.Add(1) })
	if err != nil || unchanged != 0 || len(updates) != len(creds) || calls.Load() != int32(len(creds)) {
		t.Fatalf("HashAll: %d updates, %d unchanged, %d progress, %v", len(updates), unchanged, calls.Load(), err)
	}
	for i, u := range updates {
		if u.User != creds[i].User || u.Hash != wantHashes[i] {
			t.Fatalf("update %d = %+v, want %s %s (order lost?)", i, u, creds[i].User, wantHashes[i])
		}
		if len(bytes.Trim(creds[i].Password, "\x00")) != 0 {
			t.Fatalf("password %d not cleared", i)
		}
	}
	boom := errors.New("boom")
	fail := func([]byte) (string, error) { return "", boom }
	if _, _, err := HashAll(t.Context(), []Credential{{User: "a", Password: []byte("x")}}, serial(fail, 2), nil, nil); !errors.Is(err, boom) {
		t.Errorf("hash error: %v", err)
	}
}

func TestHashAllUnchanged(t *testing.T) {
	hash := func(pw []byte) (string, error) { return pwhash.Hash(pw, pwhash.Params{Iterations: 1}) }
	secret, _ := hash([]byte("secret"))
	other, _ := hash([]byte("other"))
	sha, _ := pwhash.Hash([]byte("secret"), pwhash.Params{Algorithm: pwhash.SHA512})
	file := "alice:" + secret + "\n" + // same password
		"bob:" + other + "\n" + // another password
		"carol:" + secret + "\ncarol:" + other + "\n" + // two entries, one differs
		"dave:" + sha + "\n" + // verifies, but is not the $7$ asked for
		"erin:secret\n" // plaintext never verifies
	creds := func() []Credential {
		var c []Credential
		for _, u := range []string{"alice", "bob", "carol", "dave", "erin", "frank"} {
			c = append(c, Credential{User: u, Password: []byte("secret")})
		}
		return c
	}
	users := []string{"alice", "bob", "carol", "dave", "erin", "frank"}
	current, err := Hashes(strings.NewReader(file), users)
	if err != nil {
		t.Fatal(err)
	}
	if len(current["carol"]) != 2 || len(current["frank"]) != 0 {
		t.Fatalf("Hashes: %v", current)
	}
	keep := &Keep{Current: current, Params: pwhash.Params{Algorithm: pwhash.PBKDF2}}
	// One credential a call, and batches of 4 that put alice's verification
	// beside hashes of others.
	for _, h := range []Hasher{serial(hash, 2), batches(t, 4, pwhash.Params{Iterations: 1})} {
		given := creds()
		updates, unchanged, err := HashAll(t.Context(), given, h, keep, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Kept for a second look should the file change; the rest cleared.
		for _, c := range given {
			if kept := string(c.Password) == "secret"; kept != (c.User == "alice") {
				t.Errorf("batch %d: %s's password after HashAll: %q", h.Batch, c.User, c.Password)
			}
		}
		var names []string
		for _, u := range updates {
			names = append(names, u.User)
			if ok, err := pwhash.Verify([]byte("secret"), u.Hash); !ok || err != nil {
				t.Errorf("batch %d: %s's new hash does not verify: %v", h.Batch, u.User, err)
			}
		}
		if unchanged != 1 || strings.Join(names, " ") != "bob carol dave erin frank" {
			t.Errorf("batch %d: unchanged %d, updated %v; want 1 and all but alice", h.Batch, unchanged, names)
		}
	}
}

// TestHashAllBatches hashes in pwhash.HashBatch's batches: no call gets more
// than Batch passwords, and every hash lands on its own user, in order.
func TestHashAllBatches(t *testing.T) {
	var creds []Credential
	for i := range 23 {
		creds = append(creds, Credential{User: fmt.Sprint("u", i), Password: []byte(fmt.Sprint("pw", i))})
	}
	updates, _, err := HashAll(t.Context(), creds, batches(t, 4, pwhash.Params{Iterations: 3}), nil, nil)
	if err != nil || len(updates) != len(creds) {
		t.Fatalf("HashAll: %d updates, %v", len(updates), err)
	}
	for i, u := range updates {
		if ok, err := pwhash.Verify([]byte(fmt.Sprint("pw", i)), u.Hash); u.User != fmt.Sprint("u", i) || !ok || err != nil {
			t.Errorf("update %d = %s with a hash of another password (%v)", i, u.User, err)
		}
	}
}

// batches is a Hasher on pwhash.HashBatch that fails the test when a call
// gets more than size passwords.
func batches(t *testing.T, size int, p pwhash.Params) Hasher {
	return Hasher{Workers: 2, Batch: size, Hash: func(passwords [][]byte) ([]string, error) {
		if len(passwords) > size {
			t.Errorf("a batch of %d passwords, more than %d", len(passwords), size)
		}
		return pwhash.HashBatch(passwords, p)
	}}
}

func TestAuthenticate(t *testing.T) {
	h, _ := pwhash.Hash([]byte("secret"), pwhash.Params{Iterations: 1})
	old, _ := pwhash.Hash([]byte("old"), pwhash.Params{Iterations: 1})
	file := "alice:" + old + "\nalice:" + h + "\nbob:plain\n"
	tests := []struct {
		user, pw string
		ok       bool
		err      error
	}{
		{"alice", "secret", true, nil},
		{"alice", "old", false, nil}, // the last entry counts, as for a 2.0 broker
		{"alice", "Secret", false, nil},
		{"nobody", "secret", false, ErrUserNotFound},
		{"bob", "plain", false, pwhash.ErrUnsupported},
	}
	for _, tt := range tests {
		ok, err := Authenticate(strings.NewReader(file), tt.user, []byte(tt.pw))
		if ok != tt.ok || !errors.Is(err, tt.err) {
			t.Errorf("Authenticate(%s, %s) = %v, %v; want %v, %v", tt.user, tt.pw, ok, err, tt.ok, tt.err)
		}
	}
	var pe *ParseError
	if _, err := Authenticate(strings.NewReader("garbage\n"), "a", []byte("x")); !errors.As(err, &pe) {
		t.Errorf("corrupt file: %v", err)
	}
}

func TestKeepCorrupt(t *testing.T) {
	s := NewScanner(strings.NewReader("alice:h\ngarbage\n:x\nbob:h\n"))
	s.KeepCorrupt()
	var kinds []Kind
	for s.Scan() {
		l := s.Line()
		kinds = append(kinds, l.Kind)
		if (l.Kind == Corrupt) != (l.Err != nil) {
			t.Errorf("line %d: kind %v, err %v", l.Num, l.Kind, l.Err)
		}
	}
	if s.Err() != nil || fmt.Sprint(kinds) != fmt.Sprint([]Kind{Entry, Corrupt, Corrupt, Entry}) {
		t.Errorf("kinds %v, err %v", kinds, s.Err())
	}
}

// FuzzReadImport checks ReadImport's contract on any input: it fails with an
// *ImportError whose lines are in order and in range, or it returns distinct,
// valid users with non-empty passwords that, written back as "user:password"
// lines, read back the same.
func FuzzReadImport(f *testing.F) {
	f.Add("alice:secret\nbob: two words \r\n# c\n\ncarol:a:b\n")
	f.Add("alice:x\nalice:y\n")
	f.Add("no colon\n:pw\nu:\n u:p\n")
	f.Add("a\x00b:pw\nu:p\x00w\n")
	f.Fuzz(func(t *testing.T, in string) {
		creds, err := ReadImport(strings.NewReader(in))
		lines := strings.Count(in, "\n") + 1
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Lines) == 0 {
				t.Fatalf("error %v is not an *ImportError", err)
			}
			prev := 0
			for _, l := range ie.Lines {
				if l.Line <= prev || l.Line > lines {
					t.Fatalf("bad line numbers %v for %d lines", ie.Lines, lines)
				}
				prev = l.Line
			}
			if creds != nil {
				t.Fatal("credentials returned with an error")
			}
			return
		}
		seen := map[string]bool{}
		var back strings.Builder
		prev := 0
		for _, c := range creds {
			if CheckUsername(c.User) != nil || seen[c.User] || len(c.Password) == 0 || len(c.Password) > MaxPasswordLen || c.Line <= prev {
				t.Fatalf("invalid credential %+v", c)
			}
			if bytes.ContainsAny(c.Password, "\n") || bytes.HasSuffix(c.Password, []byte("\r")) {
				t.Fatalf("password %q holds its line ending", c.Password)
			}
			seen[c.User], prev = true, c.Line
			fmt.Fprintf(&back, "%s:%s\n", c.User, c.Password)
		}
		again, err := ReadImport(strings.NewReader(back.String()))
		if err != nil || len(again) != len(creds) {
			t.Fatalf("round trip: %v, %d credentials, want %d", err, len(again), len(creds))
		}
		for i := range again {
			if again[i].User != creds[i].User || !bytes.Equal(again[i].Password, creds[i].Password) {
				t.Fatalf("round trip changed %+v to %+v", creds[i], again[i])
			}
		}
	})
}

// TestHashAllCancel cancels the context from within the third hash: every
// worker may finish the hash it is running, but no queued one may start.
func TestHashAllCancel(t *testing.T) {
	const workers = 4
	creds := make([]Credential, 1000)
	for i := range creds {
		creds[i] = Credential{Line: i + 1, User: fmt.Sprint("u", i), Password: []byte("pw")}
	}
	ctx, hash, calls := withCancelAt(t, 3)
	updates, _, err := HashAll(ctx, creds, serial(hash, workers), nil, nil)
	if !errors.Is(err, context.Canceled) || updates != nil {
		t.Fatalf("HashAll after cancel: %d updates, %v; want context.Canceled", len(updates), err)
	}
	if n := calls.Load(); n > 3+workers {
		t.Errorf("%d hashes, want at most %d: queued work ran after the cancel", n, 3+workers)
	}
	for i, c := range creds {
		if len(bytes.Trim(c.Password, "\x00")) != 0 {
			t.Fatalf("password %d not cleared after the cancel", i)
		}
	}
	// Already done before the start: the producer's sends race the
	// cancel, and no item it gave up on may be waited for (a hang here).
	for range 100 {
		if _, _, err := HashAll(ctx, creds[:50], serial(hash, workers), nil, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("HashAll with a done context: %v", err)
		}
	}
}
