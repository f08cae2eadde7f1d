package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	// Without a stamp: the go command's record, or "(unknown)" without one.
	want := "(unknown)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		want = bi.Main.Version
	}
	if v := Version(); v != want {
		t.Errorf("Version() = %q without a stamp, want %q", v, want)
	}
	old := version
	t.Cleanup(func() { version = old })
	version = "v1.2.3-4-g0123abc-dirty"
	var out strings.Builder
	if err := printVersion(&out); err != nil || out.String() != "mosquitto_passwd (mqpasswd) v1.2.3-4-g0123abc-dirty\n" {
		t.Errorf("printVersion = %q, %v", out.String(), err)
	}
}

// TestExtrasArePositionalAfterTheFirst checks that --version and --completion
// change no original command line: after the first positional they are
// arguments.
func TestExtrasArePositionalAfterTheFirst(t *testing.T) {
	tests := []struct {
		args []string
		user string
	}{
		{[]string{"pw", "--version"}, "--version"},
		{[]string{"-b", "pw", "--completion", "bash"}, "--completion"},
		{[]string{"-c", "pw", "--version", "--completion"}, "--version"},
	}
	for _, tt := range tests {
		o, err := parse(tt.args, &strings.Builder{})
		if err != nil || o == nil || o.Version || o.Completion != "" || o.User != tt.user {
			t.Errorf("parse(%q) = %+v, %v; want user %q", tt.args, o, err, tt.user)
		}
	}
}
