package pwfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestEditRefusesBareCR: a file whose lines end in CR alone is one line to
// the broker and to the parser; an edit of it would drop the users seen in
// it, so both edits refuse it at its first such line.
func TestEditRefusesBareCR(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		line     int
	}{
		{"cr only", "alice:H\rbob:H\rcarol:H\r", 1},
		{"one line in an lf file", "alice:H\nbob:H\rcarol:H\ndave:H\n", 2},
		{"in a comment", "alice:H\n# old\rbob:H\n", 2},
		{"cr before crlf", "alice:H\r\r\n", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var pe *ParseError
			_, err := Set(strings.NewReader(tt.in), io.Discard, []Update{{"alice", "N"}})
			if !errors.As(err, &pe) || pe.Line != tt.line || !errors.Is(err, ErrBareCR) {
				t.Errorf("Set: err %v, want ErrBareCR at line %d", err, tt.line)
			}
			err = Delete(strings.NewReader(tt.in), io.Discard, "carol")
			if !errors.As(err, &pe) || pe.Line != tt.line || !errors.Is(err, ErrBareCR) {
				t.Errorf("Delete: err %v, want ErrBareCR at line %d", err, tt.line)
			}
		})
	}
	// A CR that ends the line, alone at the end of the file or before its
	// LF, separates nothing and is kept.
	for _, in := range []string{"alice:A\r\nbob:B\r", "bob:B\r\n# note\r\n\r\n"} {
		var out bytes.Buffer
		if _, err := Set(strings.NewReader(in), &out, []Update{{"carol", "C"}}); err != nil {
			t.Errorf("Set(%q): %v", in, err)
		} else if want := in; !strings.HasPrefix(out.String(), want) {
			t.Errorf("Set(%q) = %q; want the input kept", in, out.String())
		}
	}
}

// countingWriter counts the Write calls an edit makes.
type countingWriter struct {
	bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

// bigFile returns a file of about 3 MiB of CRLF entries with comments and
// blank lines among them, so that edits cross the reader's chunk boundaries.
func bigFile(users int) string {
	var b strings.Builder
	for i := range users {
		if i%1000 == 0 {
			fmt.Fprintf(&b, "# block %d\r\n\r\n", i/1000)
		}
		fmt.Fprintf(&b, "user-%07d:%s\r\n", i, benchHash)
	}
	return b.String()
}

// TestEditLargeFile edits a file several times the reader's buffer, through
// readers that return it in odd pieces, and checks the result against the
// same edit done on the text, and that untouched lines go out in runs, not
// one Write per line.
func TestEditLargeFile(t *testing.T) {
	const users = 25_000
	in := bigFile(users)
	line := func(i int, h string) string { return fmt.Sprintf("user-%07d:%s\r\n", i, h) }
	// user-0007300 is the first entry to cross the first 1 MiB boundary.
	edited := []int{0, 7300, users / 2, users - 1}
	for name, r := range map[string]func() io.Reader{
		"whole":      func() io.Reader { return strings.NewReader(in) },
		"half reads": func() io.Reader { return iotest.HalfReader(strings.NewReader(in)) },
		"one byte then rest": func() io.Reader {
			return io.MultiReader(iotest.OneByteReader(strings.NewReader(in[:1<<20-3])), strings.NewReader(in[1<<20-3:]))
		},
	} {
		t.Run(name, func(t *testing.T) {
			var updates []Update
			want := in
			for _, i := range edited {
				updates = append(updates, Update{User: fmt.Sprintf("user-%07d", i), Hash: "NEW"})
				want = strings.Replace(want, line(i, benchHash), fmt.Sprintf("user-%07d:NEW\n", i), 1)
			}
			var out countingWriter
			found, err := Set(r(), &out, updates)
			if err != nil || fmt.Sprint(found) != "[true true true true]" {
				t.Fatalf("Set: %v, %v", found, err)
			}
			if out.String() != want {
				t.Fatal("Set: output differs from the expected edit")
			}
			if max := 2*len(edited) + 2*(len(in)>>20+1); out.writes > max {
				t.Errorf("Set: %d writes for %d bytes, want at most %d", out.writes, len(in), max)
			}

			out = countingWriter{}
			if err := Delete(r(), &out, "user-0007300"); err != nil {
				t.Fatal(err)
			}
			if want := strings.Replace(in, line(7300, benchHash), "", 1); out.String() != want {
				t.Fatal("Delete: output differs from the expected edit")
			}
		})
	}
}

// TestEditLineLimit: a line of MaxLineLen bytes before its LF is edited like
// any other; one byte more stops the edit at that line.
func TestEditLineLimit(t *testing.T) {
	long := "bob:" + strings.Repeat("x", MaxLineLen-4) + "\n"
	in := "alice:A\n" + long + "carol:C\n"
	var out bytes.Buffer
	if _, err := Set(strings.NewReader(in), &out, []Update{{"carol", "N"}}); err != nil || out.String() != "alice:A\n"+long+"carol:N\n" {
		t.Fatalf("line of MaxLineLen bytes: err %v", err)
	}
	var pe *ParseError
	_, err := Set(strings.NewReader("alice:A\nx"+long), io.Discard, []Update{{"carol", "N"}})
	if !errors.As(err, &pe) || pe.Line != 2 || !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("line of MaxLineLen+1 bytes: err %v, want ErrLineTooLong at line 2", err)
	}
}

// errWriter fails every Write.
type errWriter struct{}

var errWrite = errors.New("disk full")

func (errWriter) Write([]byte) (int, error) { return 0, errWrite }

// TestEditWriteError: a failed write stops the edit with that error, both
// for a run of kept lines and for a changed line.
func TestEditWriteError(t *testing.T) {
	in := bigFile(10_000)
	if _, err := Set(strings.NewReader(in), errWriter{}, []Update{{"nobody", "N"}}); !errors.Is(err, errWrite) {
		t.Errorf("Set: err %v, want the write error", err)
	}
	if err := Delete(strings.NewReader(in), errWriter{}, "user-0000000"); !errors.Is(err, errWrite) {
		t.Errorf("Delete: err %v, want the write error", err)
	}
}

// TestEditStopsOnReadError: the reader of an edit fails with the context's
// error once the command is interrupted; an edit then stops with that error
// wherever it is, so that the file is not replaced.
func TestEditStopsOnReadError(t *testing.T) {
	in := bigFile(20_000)
	r := func() io.Reader {
		return io.MultiReader(strings.NewReader(in[:len(in)/2]), iotest.ErrReader(context.Canceled))
	}
	if _, err := Set(r(), io.Discard, []Update{{"user-0000001", "N"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Set: err %v, want context.Canceled", err)
	}
	if err := Delete(r(), io.Discard, "user-0000001"); !errors.Is(err, context.Canceled) || errors.Is(err, ErrUserNotFound) {
		t.Errorf("Delete: err %v, want context.Canceled alone", err)
	}
	if err := Delete(r(), io.Discard, "nobody"); !errors.Is(err, context.Canceled) || errors.Is(err, ErrUserNotFound) {
		t.Errorf("Delete of an absent user: err %v, want context.Canceled alone", err)
	}
}

// TestPlainEntryUserTakesUsualLines: the lines mosquitto_passwd writes take
// the fast path (FuzzPlainEntryUser checks that it agrees with the parser).
func TestPlainEntryUserTakesUsualLines(t *testing.T) {
	for _, raw := range []string{"alice:" + benchHash + "\n", "alice:" + benchHash + "\r\n", "alice:" + benchHash, "a:b\r"} {
		if u, ok := plainEntryUser([]byte(raw)); !ok || string(u) != strings.SplitN(raw, ":", 2)[0] {
			t.Errorf("plainEntryUser(%q) = %q, %v", raw, u, ok)
		}
	}
}

// FuzzPlainEntryUser holds the fast line check to the full parser: whenever
// it recognises a line, the parser reads the same entry from it and finds
// nothing an edit must refuse.
func FuzzPlainEntryUser(f *testing.F) {
	for _, seed := range []string{
		"alice:" + benchHash + "\n", "a:b\r\n", "a:b\rc\n", "a:b\r", " a:b\n", "a :b\n", "a: b\n", "a::b\n",
		":a:b\n", "#a:b\n", "a:\n", "a:b:c\n", "a\r:b\n", "\x00:\x00", "a:b\r\r\n", "a:b\rc",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		lr := newLineReader(bytes.NewReader(in), nil)
		for {
			raw, ok := lr.next()
			if !ok {
				break
			}
			user, fast := plainEntryUser(raw)
			if !fast {
				continue
			}
			l := Line{Raw: raw}
			if err := parseLine(&l); err != nil || l.Kind != Entry || !bytes.Equal(l.User, user) {
				t.Fatalf("plainEntryUser(%q) = %q, but the parser reads kind %v user %q, err %v", raw, user, l.Kind, l.User, err)
			}
			if hasBareCR(raw) {
				t.Fatalf("plainEntryUser(%q) passed a bare CR", raw)
			}
		}
	})
}
