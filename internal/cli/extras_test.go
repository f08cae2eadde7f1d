package cli

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/hashconv"
	"github.com/mqpasswd/mqpasswd/internal/owner"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
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
		// --import-hashed and --export are operations like the others.
		{"--import src --import-hashed src pw", "Error: --import and --import-hashed cannot be used together."},
		{"-c --export dynsec pw", "Error: -c and --export cannot be used together."},
		{"--import-hashed src --export goauth pw", "Error: --import-hashed and --export cannot be used together."},
		{"-b --import-hashed src pw", "Error: -b and --import-hashed cannot be used together."},
		{"-i --export passlib pw", "Error: -i and --export cannot be used together."},
		{"--json --export dynsec pw", msgJSONOnly},
		{"-o out pw u", msgOutputOnly},
		{"-o out --list pw", msgOutputOnly},
		{"--if-changed --export dynsec pw", "Error: --export and --if-changed cannot be used together."},
		{"--owner 0 --export dynsec pw", msgExportOwner},
		{"--owner 0 --export dynsec -o - pw", msgExportOwner},
		{"--export md5 pw", "Error: Unknown export format 'md5'; use dynsec, goauth or passlib."},
		{"--export", "Error: Option --export needs a value."},
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
		{"--import-hashed src", "Error: --import-hashed argument given but password file missing."},
		{"--import-hashed src pw extra", "usage"},
		{"--export dynsec -o out", "Error: --export argument given but password file missing."},
		{"--export goauth pw extra", "usage"},
		{"--list", "Error: --list argument given but password file missing."},
		{"--check --json", "Error: --check argument given but password file missing."},
		{"--list pw extra", "usage"},
		{"--list=pw extra", "usage"},
		// Usernames as for the original's modes.
		{"-v pw a:b", msgUsernameColon},
		{"-n -b '' p", msgUsernameEmpty},
		// Rules on the arguments.
		{"-c --import src -", "Error: -c - prints to standard output, which --import cannot do; to create a file named -, give it as ./-."},
		{"-c --import-hashed src -", "Error: -c - prints to standard output, which --import-hashed cannot do; to create a file named -, give it as ./-."},
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
		{[]string{"-i", "pw", "u"}, func(o *Options) bool { return o.Stdin && o.File == "pw" && o.User == "u" }},
		{[]string{"-c", "-i", "pw", "u"}, func(o *Options) bool { return o.Create && o.Stdin }},
		{[]string{"-v", "pw", "u"}, func(o *Options) bool { return o.Verify && o.File == "pw" && o.User == "u" }},
		{[]string{"--verify", "-b", "pw", "u", "-p"}, func(o *Options) bool { return o.Verify && o.Batch && o.User == "u" && o.Password == "-p" }},
		{[]string{"-v", "-i", "pw", "u"}, func(o *Options) bool { return o.Verify && o.Stdin }},
		{[]string{"-n", "u"}, func(o *Options) bool { return o.Print && o.User == "u" && o.File == "" }},
		{[]string{"--print", "-b", "u", "p"}, func(o *Options) bool { return o.Print && o.User == "u" && o.Password == "p" }},
		{[]string{"--list", "pw"}, func(o *Options) bool { return o.List != "" && o.File == "pw" }},
		{[]string{"--list", "--json", "pw"}, func(o *Options) bool { return o.List != "" && o.JSON && o.File == "pw" }},
		{[]string{"--list=pw"}, func(o *Options) bool { return o.List != "" && o.File == "pw" }},
		{[]string{"--check", "--broker", "2.1", "pw"}, func(o *Options) bool { return o.Check != "" && o.File == "pw" && o.Broker == pwhash.Broker21 }},
		{[]string{"--owner", "1883:1883", "--check", "pw"}, func(o *Options) bool { return o.Check != "" && o.Owner == owner.User(1883, 1883) }},
		{[]string{"--import", "-", "pw"}, func(o *Options) bool { return o.Import == "-" && o.File == "pw" }},
		{[]string{"-c", "--import", "u.txt", "pw"}, func(o *Options) bool { return o.Import == "u.txt" && o.Create && o.File == "pw" }},
		{[]string{"--if-changed", "--import", "u.txt", "pw"}, func(o *Options) bool { return o.Import == "u.txt" && o.IfChanged }},
		{[]string{"-c", "--import-hashed", "-", "pw"}, func(o *Options) bool { return o.ImportHashed == "-" && o.Create && o.File == "pw" }},
		{[]string{"--if-changed", "--broker", "2.1", "--import-hashed", "h.txt", "pw"}, func(o *Options) bool {
			return o.ImportHashed == "h.txt" && o.IfChanged && o.Broker == pwhash.Broker21
		}},
		{[]string{"--export", "dynsec", "pw"}, func(o *Options) bool { return o.Export == hashconv.Dynsec && o.File == "pw" && o.Output == "" }},
		{[]string{"--export=goauth", "-o", "out", "--owner", "1883", "pw"}, func(o *Options) bool {
			return o.Export == hashconv.GoAuth && o.Output == "out" && o.Owner.HasUID && o.File == "pw"
		}},
		{[]string{"--if-changed", "-b", "pw", "u", "p"}, func(o *Options) bool { return o.IfChanged && o.Password == "p" }},
		{[]string{"--owner", "mosquitto", "-b", "pw", "u", "p"}, func(o *Options) bool { return o.OwnerName == "mosquitto" && o.Owner.HasUID && !o.Owner.HasGID }},
		// Original command lines keep their meaning: options end at the
		// first positional, so these are a username and a password.
		{[]string{"-b", "pw", "-v", "-i"}, func(o *Options) bool {
			return o.User == "-v" && o.Password == "-i" && !o.Verify && !o.Stdin
		}},
		{[]string{"-D", "pw", "-n"}, func(o *Options) bool { return o.Delete && o.User == "-n" && !o.Print }},
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
		arg  string
		want owner.Spec
		err  string
	}{
		{"1883:1883", owner.User(1883, 1883), ""},
		{"1883", owner.Spec{UID: 1883, HasUID: true}, ""},
		{":1883", owner.Spec{GID: 1883, HasGID: true}, ""},
		{"root:root", owner.User(0, 0), ""},
		{"root", owner.Spec{UID: 0, HasUID: true}, ""},
		{"0:", owner.Spec{}, "Error: Invalid owner '0:'; use USER, USER:GROUP or :GROUP, by name or number."},
		{":", owner.Spec{}, "Error: Invalid owner ':'; use USER, USER:GROUP or :GROUP, by name or number."},
		{"a:b:c", owner.Spec{}, "Error: Invalid owner 'a:b:c'; use USER, USER:GROUP or :GROUP, by name or number."},
		{"no-such-user-mqp", owner.Spec{}, "Error: Unknown user 'no-such-user-mqp' for --owner."},
		{"0:no-such-group-mqp", owner.Spec{}, "Error: Unknown group 'no-such-group-mqp' for --owner."},
		{"99999999999", owner.Spec{}, "Error: Unknown user '99999999999' for --owner."},
	}
	for _, tt := range tests {
		got, err := parseOwner(tt.arg)
		var e *Error
		switch {
		case tt.err == "" && err == nil && got == tt.want:
		case tt.err != "" && errors.As(err, &e) && e.Msg == tt.err:
		default:
			t.Errorf("parseOwner(%q) = %+v, %v", tt.arg, got, err)
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
	if want := (owner.Spec{UID: 1883, HasUID: true}); err != nil || o.Owner != want {
		t.Errorf("parse with --owner 1883 = %+v, %v; want owner %+v", o, err, want)
	}
}
