package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/nobodytest"
)

// mainArgsEnv holds, as JSON, the arguments TestMainHelper runs Main with.
const mainArgsEnv = "MQPASSWD_CLI_MAIN_ARGS"

// TestMainHelper is Main in a process of its own, for tests that run it as
// another user; it does nothing in a normal run.
func TestMainHelper(t *testing.T) {
	js := os.Getenv(mainArgsEnv)
	if js == "" {
		t.Skip("runs only as a helper process")
	}
	var args []string
	if err := json.Unmarshal([]byte(js), &args); err != nil {
		t.Fatal(err)
	}
	os.Exit(Main(args, NewStreams(os.Stdin, os.Stdout, os.Stderr)))
}

// TestUnprivilegedWrite runs Main as nobody, to meet the permission errors
// root never sees, and checks that each names its cause.
func TestUnprivilegedWrite(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("this test needs root, and CI must run it")
		}
		t.Skip("needs root (chown, setuid)")
	}
	const nobody = nobodytest.UID
	base, bin := nobodytest.Setup(t)
	// file makes base/dir/passwd holding "a:b", with these modes and owners.
	file := func(dir string, dirMode os.FileMode, dirUID int, mode os.FileMode, uid int) string {
		d := filepath.Join(base, dir)
		p := filepath.Join(d, "passwd")
		for _, err := range []error{
			os.Mkdir(d, 0o700), os.WriteFile(p, []byte("a:b\n"), 0o600), os.Chmod(p, mode),
			os.Chown(p, uid, uid), os.Chmod(d, dirMode), os.Chown(d, dirUID, dirUID),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	for _, tc := range []struct {
		name, path string
		owner      []string
		want       string
	}{
		// nobody's writable file in root's directory: the original writes it in place.
		{"directory not writable", file("ro", 0o755, 0, 0o644, nobody), nil, msgWriteDir},
		// nobody's file in nobody's directory, to be given to root.
		{"owner needs root", file("mine", 0o755, nobody, 0o600, nobody), []string{"--owner", "root"}, msgOwnerNeedsRoot},
		// root's file, writable by all, in a directory writable by all.
		{"owner cannot be kept", file("shared", 0o777, 0, 0o666, 0), nil, msgKeepOwner},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args, err := json.Marshal(append(tc.owner, "-b", tc.path, "u", "p"))
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "-test.run=^TestMainHelper$")
			cmd.Env = append(os.Environ(), mainArgsEnv+"="+string(args))
			if err := nobodytest.Drop(cmd, base); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err = cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != ExitError {
				t.Errorf("exit: %v, want %d", err, ExitError)
			}
			want := fmt.Sprintf(tc.want, tc.path, filepath.Dir(tc.path)) + "\n"
			if tc.want != msgWriteDir {
				want = fmt.Sprintf(tc.want, tc.path) + "\n"
			}
			if stderr.String() != want || stdout.Len() != 0 {
				t.Errorf("stdout %q, stderr %q; want stderr %q", &stdout, &stderr, want)
			}
			if b, err := os.ReadFile(tc.path); string(b) != "a:b\n" {
				t.Errorf("the file was changed: %q, %v", b, err)
			}
		})
	}
}
