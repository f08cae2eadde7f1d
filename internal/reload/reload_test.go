//go:build unix

package reload

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mqpasswd/mqpasswd/internal/brokeruser"
	"github.com/mqpasswd/mqpasswd/internal/pwcheck"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
	"github.com/mqpasswd/mqpasswd/internal/standin"
)

// standInEnv, set, has the test binary run as the stand-in broker.
const standInEnv = "MQPASSWD_RELOAD_STANDIN"

var standIn struct {
	once sync.Once
	path string
	err  error
}

func TestMain(m *testing.M) {
	if os.Getenv(standInEnv) != "" {
		os.Exit(standin.Main(os.Args[1:]))
	}
	code := m.Run()
	if standIn.path != "" {
		os.RemoveAll(filepath.Dir(standIn.path))
	}
	os.Exit(code)
}

// withStandIn copies the test binary once, as an executable named
// mosquitto so that /proc/PID/exe's base name matches, and starts it as a
// stand-in; it returns its PID file and the file recording its signals.
// The process is killed and reaped at the end of the test.
func withStandIn(t *testing.T, quit bool) (pidFile, record string) {
	t.Helper()
	standIn.once.Do(func() {
		self, err := os.ReadFile(os.Args[0])
		if err != nil {
			standIn.err = err
			return
		}
		dir, err := os.MkdirTemp("", "standin")
		if err != nil {
			standIn.err = err
			return
		}
		standIn.path = filepath.Join(dir, ExecutableName)
		standIn.err = os.WriteFile(standIn.path, self, 0o755)
	})
	if standIn.err != nil {
		t.Fatalf("copying the stand-in: %v", standIn.err)
	}
	dir := t.TempDir()
	pidFile, record = filepath.Join(dir, "pid"), filepath.Join(dir, "record")
	var args []string
	if quit {
		args = append(args, "-quit")
	}
	cmd := exec.Command(standIn.path, append(args, pidFile, record)...)
	cmd.Env = append(os.Environ(), standInEnv+"=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-done })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(pidFile); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the stand-in did not start")
		}
	}
	return pidFile, record
}

// hangUps is how many SIGHUPs the stand-in recorded.
func hangUps(t *testing.T, record string) int {
	t.Helper()
	b, err := os.ReadFile(record)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "SIGHUP\n")
}

func hashLine(t *testing.T, user, password string, p pwhash.Params) string {
	t.Helper()
	h, err := pwhash.Hash([]byte(password), p)
	if err != nil {
		t.Fatal(err)
	}
	return user + ":" + h + "\n"
}

func writePasswd(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRunRefusesUnsafeFiles: a file that makes the target broker drop users
// or quit is never signalled; a file it loads is, once.
func TestRunRefusesUnsafeFiles(t *testing.T) {
	p20 := pwhash.ParamsFor(pwhash.PBKDF2, pwhash.Broker20)
	alice := hashLine(t, "alice", "pw", p20)
	bob := hashLine(t, "bob", "pw", p20)
	argon := hashLine(t, "carol", "pw", pwhash.ParamsFor(pwhash.Argon2id, pwhash.Broker21Argon2))
	salt64 := hashLine(t, "dave", "pw", pwhash.ParamsFor(pwhash.PBKDF2, pwhash.Broker21))
	tests := []struct {
		name   string
		file   string
		broker pwhash.Broker
		safe   bool
	}{
		{"valid for 2.1", alice + bob, pwhash.Broker21, true},
		{"duplicate user for 2.1", alice + bob + alice, pwhash.Broker21, false},
		{"plaintext line for 2.1", alice + "bob:hunter2\n", pwhash.Broker21, false},
		{"argon2id for stock 2.1", alice + argon, pwhash.Broker21, false},
		{"argon2id for 2.1 built with argon2", alice + argon, pwhash.Broker21Argon2, true},
		{"duplicate user for 2.1 built with argon2", alice + alice, pwhash.Broker21Argon2, false},
		{"plaintext line for 2.0: the entry would be dropped", alice + "bob:hunter2\n", pwhash.Broker20, false},
		{"64-byte salt for 2.0", alice + salt64, pwhash.Broker20, false},
		{"64-byte salt for 2.1", alice + salt64, pwhash.Broker21, true},
		{"duplicate user for 2.0: the last line wins, nobody is dropped", alice + alice, pwhash.Broker20, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pidFile, record := withStandIn(t, false)
			path := writePasswd(t, tt.file)
			out, err := Run(Options{Path: path, Broker: tt.broker, User: brokeruser.Current(), PIDFile: pidFile, Watch: 50 * time.Millisecond})
			var unsafe *UnsafeError
			if tt.safe {
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				pid, _ := ReadPIDFile(pidFile)
				if !slices.Equal(out.Signalled, []int{pid}) || out.From != pidFile {
					t.Errorf("outcome %+v, want PID %d from %s", out, pid, pidFile)
				}
			} else if !errors.As(err, &unsafe) || len(unsafe.Report.Unsafe()) == 0 || len(out.Signalled) != 0 {
				t.Fatalf("Run = %+v, %v; want an UnsafeError and nothing signalled", out, err)
			}
			// Give a SIGHUP sent in error the time to be recorded.
			time.Sleep(50 * time.Millisecond)
			want := 0
			if tt.safe {
				want = 1
			}
			if got := hangUps(t, record); got != want {
				t.Errorf("the stand-in got %d SIGHUPs, want %d", got, want)
			}
		})
	}
}

func TestRunReportsABrokerThatExits(t *testing.T) {
	pidFile, record := withStandIn(t, true)
	path := writePasswd(t, hashLine(t, "alice", "pw", pwhash.Params{}))
	pid, err := ReadPIDFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(Options{Path: path, Broker: pwhash.Broker21, PIDFile: pidFile, Watch: 2 * time.Second})
	var exited *ExitedError
	if !errors.As(err, &exited) || !slices.Equal(exited.PIDs, []int{pid}) {
		t.Fatalf("Run: %v, want ExitedError for %d", err, pid)
	}
	if hangUps(t, record) != 1 {
		t.Error("the stand-in recorded no SIGHUP")
	}
}

func TestFind(t *testing.T) {
	pidFile, record := withStandIn(t, false)
	pid, err := ReadPIDFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	stale := filepath.Join(dir, "stale.pid")
	// PID 2^22+1 is above Linux's pid_max limit, so never running.
	os.WriteFile(stale, []byte(strconv.Itoa(1<<22+1)+"\n"), 0o644)
	garbage := filepath.Join(dir, "garbage.pid")
	os.WriteFile(garbage, []byte("mosquitto\n"), 0o644)

	for _, tt := range []struct {
		name, pidFile, confPIDFile string
		want                       []int
		err                        error
	}{
		{"--reload=PIDFILE", pidFile, stale, []int{pid}, nil},
		{"pid_file of the configuration", "", pidFile, []int{pid}, nil},
		{"a stale PID file", stale, "", nil, ErrNoBroker},
		{"a missing PID file", filepath.Join(dir, "missing"), "", nil, ErrNoBroker},
	} {
		got, from, err := Find(tt.pidFile, tt.confPIDFile)
		if !errors.Is(err, tt.err) || !slices.Equal(got, tt.want) {
			t.Errorf("%s: Find = %v, %v; want %v, %v", tt.name, got, err, tt.want, tt.err)
		}
		if wantFrom := cmpOr(tt.pidFile, tt.confPIDFile); from != wantFrom {
			t.Errorf("%s: from %q, want %q", tt.name, from, wantFrom)
		}
	}
	if _, _, err := Find(garbage, ""); err == nil || errors.Is(err, ErrNoBroker) {
		t.Errorf("a PID file without a number: %v", err)
	}
	// Without a PID file, by executable name. Other brokers may run on this
	// machine: Find only, and never signal them from a test.
	if _, err := os.Stat("/proc/self/exe"); err == nil {
		got, from, err := Find("", "")
		if err != nil || from != "" || !slices.Contains(got, pid) {
			t.Errorf("by name: Find = %v, %q, %v; want %d among them", got, from, err, pid)
		}
	}
	if hangUps(t, record) != 0 {
		t.Error("Find signalled the stand-in")
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestValidateAccess: a file the broker's user cannot read is not signalled.
func TestValidateAccess(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to make a file another user cannot read")
	}
	u, err := brokeruser.Resolve(brokeruser.Sources{ConfigUser: "nobody"})
	if err != nil {
		t.Skip(err)
	}
	path := writePasswd(t, hashLine(t, "alice", "pw", pwhash.Params{}))
	_, err = Validate(path, pwhash.Broker20, u)
	var unsafe *UnsafeError
	if !errors.As(err, &unsafe) || unsafe.Report.Unsafe()[0].Code != pwcheck.CodeUnreadable {
		t.Errorf("Validate of root's 0600 file for nobody: %v", err)
	}
}
