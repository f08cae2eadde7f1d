package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/brokertest"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
	"github.com/mqpasswd/mqpasswd/internal/standin"
	"github.com/rogpeppe/go-internal/testscript"
)

// realTool is the original mosquitto_passwd from Debian's mosquitto package,
// which some scripts run beside ours.
const realTool = "/usr/bin/mosquitto_passwd"

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mosquitto_passwd": main,
		// standin [-quit] PIDFILE RECORD, run in the background, shows
		// what --reload sent.
		"standin": func() { os.Exit(standin.Main(os.Args[1:])) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "../../testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("VECTORS", mustAbs(t, "../../testdata/vectors"))
			env.Setenv("REAL_MOSQUITTO_PASSWD", realTool)
			// Arguments at the original's length limits (REFERENCE §1 rules 15, 18).
			env.Setenv("LONG65535", strings.Repeat("u", 65535))
			env.Setenv("LONG65536", strings.Repeat("u", 65536))
			// UID:GID of the user a broker started as root drops to, which
			// files created as root go to, and of nobody, a configuration's
			// user; empty where they do not exist.
			for name, v := range map[string]string{"mosquitto": "MOSQUITTO_IDS", "nobody": "NOBODY_IDS"} {
				if u, err := user.Lookup(name); err == nil {
					env.Setenv(v, u.Uid+":"+u.Gid)
				}
			}
			return nil
		},
		Condition: condition,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"status":   cmdStatus,
			"verify":   cmdVerify,
			"hashof":   cmdHashOf,
			"perm":     cmdPerm,
			"only":     cmdOnly,
			"broker":   cmdBroker,
			"mqtt":     cmdMQTT,
			"genusers": cmdGenUsers,
			"vectors":  cmdVectors,
			"owner":    cmdOwner,
			"loginall": cmdLoginAll,
			"noeol":    cmdNoEOL,
			"waitfile": cmdWaitFile,
		},
		RequireExplicitExec: true,
	})
}

func mustAbs(t *testing.T, dir string) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd + "/" + dir
}

// condition knows [root], [realtool] (the original tool is installed),
// [broker] (the mosquitto broker and client are installed) and [dynsec]
// (also its dynamic-security plugin). With CI=true a missing broker, plugin
// or tool fails the script instead of skipping it.
func condition(cond string) (bool, error) {
	switch cond {
	case "root":
		return os.Geteuid() == 0, nil
	case "realtool", "broker", "dynsec":
		need := []string{realTool}
		switch cond {
		case "broker":
			need = []string{brokertest.BrokerPath, brokertest.ClientPath}
		case "dynsec":
			need = []string{brokertest.BrokerPath, brokertest.ClientPath, brokertest.DynsecPlugin}
		}
		for _, p := range need {
			if _, err := os.Stat(p); err != nil {
				if os.Getenv("CI") == "true" {
					return false, fmt.Errorf("CI=true but %s is not installed (apt-get install mosquitto mosquitto-clients)", p)
				}
				return false, nil
			}
		}
		return true, nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// status CODE PROGRAM ARGS...: runs PROGRAM like exec and checks that it
// exits with CODE, for the exit codes that scripts rely on.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if ee, ok := err.(*exec.ExitError); ok {
		got = ee.ExitCode()
	} else {
		ts.Check(err)
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// verify FILE USER PASSWORD: the user's entry in FILE verifies PASSWORD.
func cmdVerify(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: verify FILE USER PASSWORD")
	}
	hash, err := lookup(ts.MkAbs(args[0]), args[1])
	ts.Check(err)
	ok, err := pwhash.Verify([]byte(args[2]), hash)
	ts.Check(err)
	if ok == neg {
		ts.Fatalf("verify %s %q: got %v", args[1], args[2], ok)
	}
}

// hashof FILE USER PREFIX: the user's hash in FILE starts with PREFIX and
// decodes; with -salt N, its salt is N bytes long.
func cmdHashOf(ts *testscript.TestScript, neg bool, args []string) {
	salt := -1
	if len(args) == 5 && args[0] == "-salt" {
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		salt, args = n, args[2:]
	}
	if len(args) != 3 {
		ts.Fatalf("usage: hashof [-salt N] FILE USER PREFIX")
	}
	hash, err := lookup(ts.MkAbs(args[0]), args[1])
	ts.Check(err)
	d, err := pwhash.Decode(hash)
	ts.Check(err)
	ok := strings.HasPrefix(hash, args[2]) && (salt < 0 || len(d.Salt) == salt)
	if ok == neg {
		ts.Fatalf("hash of %s is %.40s... (salt %d bytes)", args[1], hash, len(d.Salt))
	}
}

// perm FILE MODE: FILE has permission bits MODE (octal).
func cmdPerm(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: perm FILE MODE")
	}
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	if (uint64(fi.Mode().Perm()) == want) == neg {
		ts.Fatalf("%s has mode %#o", args[0], fi.Mode().Perm())
	}
}

// only DIR NAME...: DIR holds exactly the entries NAME..., so nothing (a
// temp file, a backup) was left beside them.
func cmdOnly(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: only DIR NAME...")
	}
	entries, err := os.ReadDir(ts.MkAbs(args[0]))
	ts.Check(err)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(args[1:], " ") {
		ts.Fatalf("%s holds %q, want %q", args[0], got, args[1:])
	}
}

// genusers FILE N: writes N users user1..userN, each with the plaintext
// password pwI, for -U.
func cmdGenUsers(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: genusers FILE N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "user%d:pw%d\n", i, i)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(b.String()), 0o600))
}
