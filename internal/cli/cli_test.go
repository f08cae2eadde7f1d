package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNewStreamsNoTerminal: a buffer has no descriptor and a regular file
// is not a terminal, so neither is read without echo nor gets a progress
// bar (terminal_linux_test.go covers a real terminal).
func TestNewStreamsNoTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	for _, s := range []Streams{NewStreams(strings.NewReader(""), &out, &out), NewStreams(f, f, f)} {
		if s.InTerminal || s.ErrOutTerminal {
			t.Errorf("NewStreams(%T) = %+v: a terminal", s.In, s)
		}
	}
}
