package cli

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/pwfile"
)

func TestReadTyped(t *testing.T) {
	long := strings.Repeat("p", pwfile.MaxPasswordLen)
	tests := []struct {
		typed, want string
		err         error
		rest        string // what is left for the next prompt
	}{
		{"secret\n", "secret", nil, ""},
		{"secret\r", "secret", nil, ""},
		{"one\ntwo\n", "one", nil, "two\n"},
		{"abcd\x7f\n", "abc", nil, ""},
		{"abcd\b\b\n", "ab", nil, ""},
		{"pä\x7f\n", "p", nil, ""}, // Backspace erases a whole UTF-8 character
		{"\x7f\x7fx\n", "x", nil, ""},
		{"typo\x15right\n", "right", nil, ""},
		{"a\x01b\n", "a\x01b", nil, ""}, // other control bytes are kept, as the kernel keeps them
		{"ab\x04c\n", "abc", nil, ""},   // Ctrl-D ends only an empty line
		{"\x04rest", "", io.EOF, "rest"},
		{"sec\x03ret\n", "", errInterrupted, "ret\n"},
		{"cut off", "", io.EOF, ""},
		{long + "\n", long, nil, ""},
		// One byte more than the limit is kept, for the caller to refuse.
		{long + "xyz\nnext", long + "x", nil, "next"},
	}
	for _, tt := range tests {
		r := strings.NewReader(tt.typed)
		got, err := readTyped(r)
		if string(got) != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("readTyped(%.20q) = %.20q, %v; want %.20q, %v", tt.typed, got, err, tt.want, tt.err)
		}
		if rest, _ := io.ReadAll(r); string(rest) != tt.rest {
			t.Errorf("readTyped(%.20q) left %q, want %q", tt.typed, rest, tt.rest)
		}
	}
}
