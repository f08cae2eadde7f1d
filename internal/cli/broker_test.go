package cli

import (
	"io"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// TestParseConf: with --conf the password file is left out exactly when the
// command line has one argument fewer than the command takes; otherwise the
// arguments mean what they mean without it.
func TestParseConf(t *testing.T) {
	tests := []struct {
		args string
		want Options
	}{
		{"--conf c alice", Options{Conf: "c", FileFromConf: true, User: "alice"}},
		{"--conf c pw alice", Options{Conf: "c", File: "pw", User: "alice"}},
		{"--conf c -b alice secret", Options{Conf: "c", Batch: true, FileFromConf: true, User: "alice", Password: "secret"}},
		{"--conf c -b pw alice secret", Options{Conf: "c", Batch: true, File: "pw", User: "alice", Password: "secret"}},
		{"--conf c -c alice", Options{Conf: "c", Create: true, FileFromConf: true, User: "alice"}},
		// -c ignores extra arguments, as the original does.
		{"--conf c -c pw alice extra", Options{Conf: "c", Create: true, File: "pw", User: "alice"}},
		{"--conf c -c -b alice secret", Options{Conf: "c", Create: true, Batch: true, FileFromConf: true, User: "alice", Password: "secret"}},
		{"--conf c -D bob", Options{Conf: "c", Delete: true, FileFromConf: true, User: "bob"}},
		{"--conf c -U", Options{Conf: "c", HashFile: true, FileFromConf: true}},
		{"--conf c -v -b bob pw", Options{Conf: "c", Verify: true, Batch: true, FileFromConf: true, User: "bob", Password: "pw"}},
		{"--conf c --import src", Options{Conf: "c", Import: "src", FileFromConf: true}},
		{"--conf c -c --import src", Options{Conf: "c", Create: true, Import: "src", FileFromConf: true}},
		{"--conf c --check", Options{Conf: "c", Check: fileArgLater, FileFromConf: true}},
		{"--check --conf c pw", Options{Conf: "c", Check: fileArgLater, File: "pw"}},
		{"--check=pw --conf c", Options{Conf: "c", Check: "pw", File: "pw"}},
		{"--conf c --list", Options{Conf: "c", List: fileArgLater, FileFromConf: true}},
		{"--reload -b pw alice secret", Options{Reload: reloadAny, Batch: true, File: "pw", User: "alice", Password: "secret"}},
		{"--reload=pid -D pw bob", Options{Reload: "pid", Delete: true, File: "pw", User: "bob"}},
		{"--broker 2.1-argon2 -H argon2id -b pw u p", Options{Broker: pwhash.Broker21Argon2, BrokerGiven: true, Hash: pwhash.Argon2id, Batch: true, File: "pw", User: "u", Password: "p"}},
	}
	for _, tt := range tests {
		o, err := parse(strings.Fields(tt.args), io.Discard)
		if err != nil {
			t.Errorf("parse(%q): %v", tt.args, err)
			continue
		}
		if tt.want.Hash == "" {
			tt.want.Hash = pwhash.PBKDF2
		}
		tt.want.LockTimeout = atomicfile.DefaultLockTimeout
		if *o != tt.want {
			t.Errorf("parse(%q) = %+v, want %+v", tt.args, *o, tt.want)
		}
	}
}

func TestParseBrokerErrors(t *testing.T) {
	tests := []struct {
		args string
		want string
	}{
		// Without --conf nothing is left out.
		{"-b alice secret", "usage"},
		{"--conf c", "usage"},
		{"--conf c -b alice", "usage"},
		{"--conf c -D", msgDeleteArgs},
		{"--conf c -n -b alice secret", "Error: -n and --conf cannot be used together."},
		{"--reload -v -b pw u p", "Error: -v and --reload cannot be used together."},
		{"--reload -n u", "Error: -n and --reload cannot be used together."},
		{"--reload --list pw", "Error: --list and --reload cannot be used together."},
		{"--reload --check pw", "Error: --check and --reload cannot be used together."},
		{"--reload -c -b - u p", "Error: -c - and --reload cannot be used together."},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) { wantParseError(t, strings.Fields(tt.args), tt.want) })
	}
}
