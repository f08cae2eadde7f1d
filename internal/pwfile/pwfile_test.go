package pwfile

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseLine(t *testing.T) {
	tests := []struct {
		raw        string
		kind       Kind
		user, hash string
		corrupt    bool
	}{
		{raw: "alice:$7$x\n", kind: Entry, user: "alice", hash: "$7$x"},
		{raw: "alice:$7$x", kind: Entry, user: "alice", hash: "$7$x"},
		{raw: "alice:$7$x\r\n", kind: Entry, user: "alice", hash: "$7$x"},
		{raw: "  alice \t:  hash  \n", kind: Entry, user: "alice", hash: "hash"},
		{raw: "alice:secret:extra\n", kind: Entry, user: "alice", hash: "secret"},
		{raw: "::alice::hash\n", kind: Entry, user: "alice", hash: "hash"}, // strtok skips leading colons
		{raw: "#alice:hash\n", kind: Comment},
		{raw: "# a comment\n", kind: Comment},
		{raw: "\n", kind: Blank},
		{raw: " \t\r\n", kind: Blank},
		{raw: "   # indented comment\n", corrupt: true},
		{raw: "garbage\n", corrupt: true},
		{raw: "alice:\n", corrupt: true},
		{raw: "alice:   \n", corrupt: true},
		{raw: ":x\n", corrupt: true},
		{raw: "  :  x\n", corrupt: true},
		{raw: "alice", corrupt: true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.raw), func(t *testing.T) {
			s := NewScanner(strings.NewReader(tt.raw))
			ok := s.Scan()
			if tt.corrupt {
				var pe *ParseError
				if ok || !errors.As(s.Err(), &pe) || pe.Line != 1 || !errors.Is(pe, ErrCorrupt) {
					t.Fatalf("Scan() = %v, err %v; want ParseError at line 1", ok, s.Err())
				}
				return
			}
			if !ok {
				t.Fatalf("Scan() = false, err %v", s.Err())
			}
			l := s.Line()
			if l.Kind != tt.kind || string(l.User) != tt.user || string(l.Hash) != tt.hash || string(l.Raw) != tt.raw {
				t.Errorf("got kind %v user %q hash %q raw %q", l.Kind, l.User, l.Hash, l.Raw)
			}
		})
	}
}

func TestScannerLineNumbers(t *testing.T) {
	s := NewScanner(strings.NewReader("a:1\n# c\n\nb:2\nbad\nc:3\n"))
	n := 0
	for s.Scan() {
		n++
	}
	var pe *ParseError
	if n != 4 || !errors.As(s.Err(), &pe) || pe.Line != 5 {
		t.Fatalf("scanned %d lines, err %v; want 4 lines then a ParseError at line 5", n, s.Err())
	}
}

func TestScannerLineTooLong(t *testing.T) {
	in := "a:1\n" + "b:" + strings.Repeat("x", MaxLineLen) + "\n"
	s := NewScanner(strings.NewReader(in))
	for s.Scan() {
	}
	var pe *ParseError
	if !errors.As(s.Err(), &pe) || pe.Line != 2 || !errors.Is(pe, ErrLineTooLong) {
		t.Fatalf("err %v; want ParseError at line 2 with ErrLineTooLong", s.Err())
	}
}

func TestSet(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		updates []Update
		want    string
		found   []bool
	}{
		{"add to empty", "", []Update{{"alice", "H"}}, "alice:H\n", []bool{false}},
		{"add at end", "bob:B\n", []Update{{"alice", "H"}}, "bob:B\nalice:H\n", []bool{false}},
		{"update in place", "alice:A\nbob:B\n", []Update{{"alice", "H"}}, "alice:H\nbob:B\n", []bool{true}},
		{"update trims", "  alice : A \r\nbob:B\r\n", []Update{{"alice", "H"}}, "alice:H\nbob:B\r\n", []bool{true}},
		{"every duplicate", "alice:x\nbob:B\nalice:y\n", []Update{{"alice", "H"}}, "alice:H\nbob:B\nalice:H\n", []bool{true}},
		{"missing newline repaired", "bob:B", []Update{{"alice", "H"}}, "bob:B\nalice:H\n", []bool{false}},
		{"unterminated last updated", "bob:B\nalice:A", []Update{{"alice", "H"}}, "bob:B\nalice:H\n", []bool{true}},
		{"comments and blanks kept", "# users\n\nbob:B\n", []Update{{"alice", "H"}}, "# users\n\nbob:B\nalice:H\n", []bool{false}},
		{"commented user is not a user", "#alice:A\n", []Update{{"alice", "H"}}, "#alice:A\nalice:H\n", []bool{false}},
		{"several in order", "b:1\n", []Update{{"c", "3"}, {"b", "2"}, {"a", "1"}}, "b:2\nc:3\na:1\n", []bool{false, true, false}},
		{"extra field line kept", "bob:x:extra\n", []Update{{"alice", "H"}}, "bob:x:extra\nalice:H\n", []bool{false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			found, err := Set(strings.NewReader(tt.in), &out, tt.updates)
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("got %q, want %q", out.String(), tt.want)
			}
			if fmt.Sprint(found) != fmt.Sprint(tt.found) {
				t.Errorf("found %v, want %v", found, tt.found)
			}
		})
	}
}

func TestSetCorrupt(t *testing.T) {
	var out bytes.Buffer
	_, err := Set(strings.NewReader("alice:A\nbroken\nbob:B\n"), &out, []Update{{"carol", "H"}})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 {
		t.Fatalf("err %v; want ParseError at line 2", err)
	}
}

func TestDelete(t *testing.T) {
	tests := []struct {
		name, in, user, want string
		err                  error
	}{
		{"only", "alice:A\n", "alice", "", nil},
		{"middle", "a:1\nalice:A\nb:2\n", "alice", "a:1\nb:2\n", nil},
		{"every copy", "alice:A\nb:2\nalice:C\n", "alice", "b:2\n", nil},
		{"crlf kept", "a:1\r\nalice:A\r\nb:2\r\n", "alice", "a:1\r\nb:2\r\n", nil},
		{"unterminated last kept", "alice:A\nb:2", "alice", "b:2", nil},
		{"absent", "a:1\n", "alice", "", ErrUserNotFound},
		{"comment is not a user", "#alice:A\n", "alice", "", ErrUserNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := Delete(strings.NewReader(tt.in), &out, tt.user)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if err == nil && out.String() != tt.want {
				t.Errorf("got %q, want %q", out.String(), tt.want)
			}
		})
	}
}

func TestDeleteCorrupt(t *testing.T) {
	in := "alice:A\nbroken\ncarol:C\n"
	var pe *ParseError
	err := Delete(strings.NewReader(in), &bytes.Buffer{}, "alice")
	if !errors.As(err, &pe) || pe.Line != 2 || errors.Is(err, ErrUserNotFound) {
		t.Errorf("alice before the corrupt line: err %v, want only a ParseError at line 2", err)
	}
	err = Delete(strings.NewReader(in), &bytes.Buffer{}, "carol")
	if !errors.As(err, &pe) || pe.Line != 2 || !errors.Is(err, ErrUserNotFound) {
		t.Errorf("carol after the corrupt line: err %v, want a ParseError at line 2 and ErrUserNotFound", err)
	}
}

func TestLookup(t *testing.T) {
	in := "alice:first\n# bob:x\nbob:B\nalice:last\n"
	if h, err := Lookup(strings.NewReader(in), "alice"); err != nil || h != "last" {
		t.Errorf("Lookup(alice) = %q, %v; want the last entry", h, err)
	}
	if _, err := Lookup(strings.NewReader(in), "carol"); !errors.Is(err, ErrUserNotFound) {
		t.Errorf("Lookup(carol) err = %v", err)
	}
	var pe *ParseError
	if _, err := Lookup(strings.NewReader("alice:A\nbad\n"), "alice"); !errors.As(err, &pe) {
		t.Errorf("Lookup on a corrupt file err = %v", err)
	}
}

func TestCheckUsername(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"alice", nil},
		{"pässwörd-密码", nil},
		{"with space", nil},
		{strings.Repeat("u", 65535), nil},
		{strings.Repeat("u", 65536), ErrUsernameTooLong},
		{"a\tb", ErrUsernameControl},
		{"a\x7fb", ErrUsernameControl},
		{"a:b", ErrUsernameColon},
		{"a:\tb", ErrUsernameControl}, // the original checks control characters first
		{"", ErrUsernameEmpty},
		{"#alice", ErrUsernameComment},
		{"al#ice", nil},
		{"trail ", ErrUsernameSpace},
		{" lead", ErrUsernameSpace},
		{" ", ErrUsernameSpace},
		{" #alice", ErrUsernameSpace},
	}
	for _, tt := range tests {
		if err := CheckUsername(tt.name); err != tt.err {
			t.Errorf("CheckUsername(%.20q) = %v, want %v", tt.name, err, tt.err)
		}
	}
}

// FuzzParse checks that scanning either returns every byte of the input in
// its lines, with entries that are well formed, or stops with a *ParseError.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"alice:$7$101$abc$def\n", "a:b\r\nc:d", "# x\n\n  \n", "::a::b\n", "bad\n", "a:\n", "a:b:c\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		s := NewScanner(bytes.NewReader(in))
		var got []byte
		var lines [][]byte
		for s.Scan() {
			l := s.Line()
			got = append(got, l.Raw...)
			lines = append(lines, bytes.Clone(l.Raw))
			if l.Kind == Entry {
				if len(l.User) == 0 || len(l.Hash) == 0 || bytes.IndexByte(l.User, ':') >= 0 || bytes.IndexByte(l.Hash, ':') >= 0 {
					t.Fatalf("bad entry %q:%q from %q", l.User, l.Hash, l.Raw)
				}
				if !bytes.Equal(l.User, trimSpace(l.User)) || !bytes.Equal(l.Hash, trimSpace(l.Hash)) {
					t.Fatalf("untrimmed entry %q:%q", l.User, l.Hash)
				}
			}
		}
		if err := s.Err(); err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		if !bytes.Equal(got, in) {
			t.Fatalf("lines %q do not add up to the input %q", got, in)
		}
		// Setting nothing copies the file exactly, unless a line holds a
		// bare CR, which an edit refuses.
		var out bytes.Buffer
		_, err := Set(bytes.NewReader(in), &out, nil)
		var pe *ParseError
		if errors.Is(err, ErrBareCR) && errors.As(err, &pe) && hasBareCR(lines[pe.Line-1]) {
			return
		}
		if err != nil || !bytes.Equal(out.Bytes(), in) {
			t.Fatalf("Set(nil) = %q, %v; want the input", out.Bytes(), err)
		}
		for _, l := range lines {
			if hasBareCR(l) {
				t.Fatalf("Set copied the bare CR in %q", l)
			}
		}
	})
}
