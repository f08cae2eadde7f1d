package cli

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

func TestParseExtrasErrors(t *testing.T) {
	tests := []struct {
		args string
		want string // the message, or "usage"
	}{
		// The original's rules 6-9 come first.
		{"-c -D -v pw u", msgCreateDelete},
		{"-b -D -i pw u", msgBatchDelete},
		{"-D -U -n u", msgDeleteUpdate},
		// Then ours, in one order.
		{"-c -v pw u", "Error: -c and -v cannot be used together."},
		{"-D -n u", "Error: -D and -n cannot be used together."},
		{"-U --list pw", "Error: -U and --list cannot be used together."},
		{"-v -n pw u", "Error: -v and -n cannot be used together."},
		{"--list --check pw", "Error: --list and --check cannot be used together."},
		{"--check --import src pw", "Error: --check and --import cannot be used together."},
		{"-D --import src pw", "Error: -D and --import cannot be used together."},
		{"-b -i pw u", "Error: -b and -i cannot be used together."},
		{"-i -D pw u", "Error: -i and -D cannot be used together."},
		{"-i -U pw", "Error: -i and -U cannot be used together."},
		{"-b --import src pw", "Error: -b and --import cannot be used together."},
		{"-i --list pw", "Error: -i and --list cannot be used together."},
		{"--json pw u", msgJSONOnly},
		{"--json --import src pw", msgJSONOnly},
		{"--if-changed -c pw u", "Error: -c and --if-changed cannot be used together."},
		{"--if-changed -v pw u", "Error: -v and --if-changed cannot be used together."},
		{"--if-changed --check pw", "Error: --check and --if-changed cannot be used together."},
		{"--owner 0 -v pw u", "Error: -v and --owner cannot be used together."},
		{"--owner 0 -n u", "Error: -n and --owner cannot be used together."},
		{"--owner 0 --list pw", "Error: --list and --owner cannot be used together."},
		// Positionals.
		{"-v pw", msgVerifyArgs},
		{"-v -b pw u", msgVerifyBatchArgs},
		{"-v pw u extra", "usage"},
		{"-v -b pw u p extra", "usage"},
		{"-n", msgPrintArgs},
		{"-n -b u", msgPrintBatchArgs},
		{"-n u extra", "usage"},
		{"--import src", msgImportArgs},
		{"--import src pw extra", "usage"},
		{"--list", "Error: --list argument given but password file missing."},
		{"--check --json", "Error: --check argument given but password file missing."},
		{"--list pw extra", "usage"},
		{"--list=pw extra", "usage"},
		// Usernames as for the original's modes.
		{"-v pw a:b", msgUsernameColon},
		{"-n -b '' p", msgUsernameEmpty},
		// Rules on the arguments.
		{"-c --import src -", msgImportStdout},
		{"--owner 0 -c -b - u p", "Error: -c - and --owner cannot be used together."},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			args := strings.Fields(tt.args)
			for i := range args {
				args[i] = strings.ReplaceAll(args[i], "''", "") // an empty argument
			}
			wantParseError(t, args, tt.want)
		})
	}
}

func TestParseExtras(t *testing.T) {
	tests := []struct {
		args []string
		want func(*Options) bool
	}{
		{[]string{"-i", "pw", "u"}, func(o *Options) bool { return o.mode == modeSet && o.Stdin && o.File == "pw" && o.User == "u" }},
		{[]string{"-c", "-i", "pw", "u"}, func(o *Options) bool { return o.mode == modeCreate && o.Stdin }},
		{[]string{"-v", "pw", "u"}, func(o *Options) bool { return o.mode == modeVerify && o.File == "pw" && o.User == "u" }},
		{[]string{"--verify", "-b", "pw", "u", "-p"}, func(o *Options) bool { return o.mode == modeVerify && o.Password == "-p" }},
		{[]string{"-v", "-i", "pw", "u"}, func(o *Options) bool { return o.mode == modeVerify && o.Stdin }},
		{[]string{"-n", "u"}, func(o *Options) bool { return o.mode == modePrint && o.User == "u" && o.File == "" }},
		{[]string{"--print", "-b", "u", "p"}, func(o *Options) bool { return o.mode == modePrint && o.Password == "p" }},
		{[]string{"--list", "pw"}, func(o *Options) bool { return o.mode == modeList && o.File == "pw" }},
		{[]string{"--list", "--json", "pw"}, func(o *Options) bool { return o.mode == modeList && o.JSON && o.File == "pw" }},
		{[]string{"--list=pw"}, func(o *Options) bool { return o.mode == modeList && o.File == "pw" }},
		{[]string{"--check", "--broker", "2.1", "pw"}, func(o *Options) bool { return o.mode == modeCheck && o.File == "pw" && o.Broker == 1 }},
		{[]string{"--owner", "1883:1883", "--check", "pw"}, func(o *Options) bool { return o.mode == modeCheck && o.Owner == "1883:1883" }},
		{[]string{"--import", "-", "pw"}, func(o *Options) bool { return o.mode == modeImport && o.Import == "-" && o.File == "pw" }},
		{[]string{"-c", "--import", "u.txt", "pw"}, func(o *Options) bool { return o.mode == modeImport && o.Create && o.File == "pw" }},
		{[]string{"--if-changed", "--import", "u.txt", "pw"}, func(o *Options) bool { return o.mode == modeImport && o.IfChanged }},
		{[]string{"--if-changed", "-b", "pw", "u", "p"}, func(o *Options) bool { return o.mode == modeSet && o.IfChanged }},
		{[]string{"--owner", "mosquitto", "-b", "pw", "u", "p"}, func(o *Options) bool { return o.mode == modeSet && o.Owner == "mosquitto" }},
		// Original command lines keep their meaning: options end at the
		// first positional, so these are a username and a password.
		{[]string{"-b", "pw", "-v", "-i"}, func(o *Options) bool {
			return o.mode == modeSet && o.User == "-v" && o.Password == "-i" && !o.Verify && !o.Stdin
		}},
		{[]string{"-D", "pw", "-n"}, func(o *Options) bool { return o.mode == modeDelete && o.User == "-n" && !o.Print }},
	}
	for _, tt := range tests {
		o, err := parse(tt.args, io.Discard)
		if err != nil || !tt.want(o) {
			t.Errorf("parse(%q) = %+v, %v", tt.args, o, err)
		}
	}
}

func TestParseOwner(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("--owner is refused on Windows")
	}
	tests := []struct {
		spec     string
		uid, gid int
		err      string
	}{
		{"1883:1883", 1883, 1883, ""},
		{"1883", 1883, -1, ""},
		{":1883", -1, 1883, ""},
		{"root:root", 0, 0, ""},
		{"root", 0, -1, ""},
		{"0:", 0, 0, "Error: Invalid owner '0:'; use USER, USER:GROUP or :GROUP, by name or number."},
		{":", 0, 0, "Error: Invalid owner ':'; use USER, USER:GROUP or :GROUP, by name or number."},
		{"a:b:c", 0, 0, "Error: Invalid owner 'a:b:c'; use USER, USER:GROUP or :GROUP, by name or number."},
		{"no-such-user-mqp", 0, 0, "Error: Unknown user 'no-such-user-mqp' for --owner."},
		{"0:no-such-group-mqp", 0, 0, "Error: Unknown group 'no-such-group-mqp' for --owner."},
		{"99999999999", 0, 0, "Error: Unknown user '99999999999' for --owner."},
	}
	for _, tt := range tests {
		uid, gid, err := parseOwner(tt.spec)
		var e *Error
		switch {
		case tt.err == "" && err == nil && uid == tt.uid && gid == tt.gid:
		case tt.err != "" && errors.As(err, &e) && e.Msg == tt.err:
		default:
			t.Errorf("parseOwner(%q) = %d, %d, %v", tt.spec, uid, gid, err)
		}
	}
}

// TestOwnerResolvedByParse checks that --owner is resolved with the other
// rules, before a run could ask for a password or read an import.
func TestOwnerResolvedByParse(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("--owner is refused on Windows")
	}
	wantParseError(t, []string{"--owner", "no-such-user-mqp", "-b", "pw", "u", "p"}, "Error: Unknown user 'no-such-user-mqp' for --owner.")
	wantParseError(t, []string{"--owner", "0:", "--import", "src", "pw"}, "Error: Invalid owner '0:'; use USER, USER:GROUP or :GROUP, by name or number.")
	o, err := parse([]string{"--owner", "1883", "-b", "pw", "u", "p"}, io.Discard)
	if err != nil || o.uid != 1883 || o.gid != -1 {
		t.Errorf("parse with --owner 1883 = %+v, %v; want uid 1883, gid -1", o, err)
	}
}
