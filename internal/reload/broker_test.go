//go:build linux

package reload

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mqpasswd/mqpasswd/internal/brokeruser"
	"github.com/mqpasswd/mqpasswd/internal/pwcheck"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

const (
	brokerPath = "/usr/sbin/mosquitto"
	clientPath = "mosquitto_pub"
)

// withRealBroker skips unless root can run Debian's broker, which starts as
// root and drops to its user mosquitto; with CI=true it fails instead.
func withRealBroker(t *testing.T) brokeruser.User {
	t.Helper()
	skip := t.Skipf
	if os.Getenv("CI") == "true" {
		skip = t.Fatalf
	}
	if os.Geteuid() != 0 {
		skip("the broker drops privileges only when started as root")
	}
	if _, err := os.Stat(brokerPath); err != nil {
		skip("no broker: %v", err)
	}
	if _, err := exec.LookPath(clientPath); err != nil {
		skip("no client: %v", err)
	}
	u, err := brokeruser.Resolve(brokeruser.Sources{ConfigUser: brokeruser.DefaultName})
	if err != nil {
		skip("no user %s: %v", brokeruser.DefaultName, err)
	}
	return u
}

// broker is a running /usr/sbin/mosquitto.
type broker struct {
	port    int
	pidFile string
	log     *syncBuffer
	cmd     *exec.Cmd
	done    chan error
}

// syncBuffer is the broker's log, read while the broker writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// withBrokerDir returns a directory the broker's user can search, for the
// password file, configuration and PID file.
func withBrokerDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startBroker runs the broker on a free port of 127.0.0.1 with passwd as
// its password file, and stops it at the end of the test. It returns once
// the broker listens, or with exited set when it quit at start.
func startBroker(t *testing.T, dir, passwd string, u brokeruser.User) (b *broker, exited error) {
	t.Helper()
	// 2.0 writes its PID file after it dropped to its user.
	run := filepath.Join(dir, "run")
	if err := os.Mkdir(run, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		t.Fatal(err)
	}
	if err := os.Chown(run, u.Spec.UID, u.Spec.GID); err != nil {
		t.Fatal(err)
	}
	b = &broker{port: freePort(t), pidFile: filepath.Join(run, "mosquitto.pid"), log: &syncBuffer{}, done: make(chan error, 1)}
	conf := filepath.Join(dir, "mosquitto.conf")
	content := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous false\npassword_file %s\npid_file %s\nlog_dest stderr\nlog_type all\n", b.port, passwd, b.pidFile)
	if err := os.WriteFile(conf, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	b.cmd = exec.Command(brokerPath, "-c", conf)
	b.cmd.Stderr = b.log
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { b.done <- b.cmd.Wait() }()
	t.Cleanup(func() {
		b.cmd.Process.Kill()
		<-b.done
		if t.Failed() {
			t.Logf("broker log:\n%s", b.log)
		}
	})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-b.done:
			b.done <- err
			return b, fmt.Errorf("the broker exited at start: %v", err)
		default:
		}
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", b.port)); err == nil {
			c.Close()
			return b, nil
		}
	}
	t.Fatal("the broker did not listen within 10 s")
	return nil, nil
}

// login reports whether user and password connect.
func (b *broker) login(t *testing.T, user, password string) bool {
	t.Helper()
	cmd := exec.Command(clientPath, "-h", "127.0.0.1", "-p", fmt.Sprint(b.port), "-u", user, "-P", password, "-t", "t", "-m", "x")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("%s: %v", clientPath, err)
	}
	if err != nil && !strings.Contains(string(out), "not authorised") {
		t.Fatalf("%s: %v: %s", clientPath, err, out)
	}
	return err == nil
}

// writeOwned replaces passwd's content and gives it to u, mode 0600.
func writeOwned(t *testing.T, passwd, content string, u brokeruser.User) {
	t.Helper()
	tmp := passwd + ".new"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(tmp, u.Spec.UID, u.Spec.GID); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, passwd); err != nil {
		t.Fatal(err)
	}
}

// TestRealBrokerReload: a new password works and the old one fails after
// Run, without a restart.
func TestRealBrokerReload(t *testing.T) {
	u := withRealBroker(t)
	dir := withBrokerDir(t)
	passwd := filepath.Join(dir, "passwd")
	writeOwned(t, passwd, hashLine(t, "alice", "old", pwhash.Params{}), u)
	b, err := startBroker(t, dir, passwd, u)
	if err != nil {
		t.Fatal(err)
	}
	if !b.login(t, "alice", "old") {
		t.Fatal("alice cannot log in before the reload")
	}
	writeOwned(t, passwd, hashLine(t, "alice", "new", pwhash.Params{}), u)
	out, err := Run(Options{Path: passwd, Broker: pwhash.Broker20, User: u, ConfPIDFile: b.pidFile})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(out.Signalled) != 1 || out.Signalled[0] != b.cmd.Process.Pid {
		t.Errorf("signalled %v, want the broker %d", out.Signalled, b.cmd.Process.Pid)
	}
	// The broker reloads in its main loop, soon after the signal.
	deadline := time.Now().Add(5 * time.Second)
	for !b.login(t, "alice", "new") {
		if time.Now().After(deadline) {
			t.Fatal("the new password does not work after the reload")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if b.login(t, "alice", "old") {
		t.Error("the old password still works after the reload")
	}

	// Files a 2.1 broker would quit on are never signalled: the broker logs
	// no further reload, and the new password still works.
	reloads := strings.Count(b.log.String(), "Reloading config")
	if reloads != 1 {
		t.Fatalf("%d reloads logged, want 1", reloads)
	}
	valid := hashLine(t, "alice", "new", pwhash.Params{})
	for name, content := range map[string]string{
		"duplicate user": valid + valid,
		"plaintext line": valid + "bob:hunter2\n",
		"argon2id line":  valid + hashLine(t, "carol", "pw", pwhash.ParamsFor(pwhash.Argon2id, pwhash.Broker21Argon2)),
	} {
		writeOwned(t, passwd, content, u)
		var unsafe *UnsafeError
		if out, err := Run(Options{Path: passwd, Broker: pwhash.Broker21, User: u, ConfPIDFile: b.pidFile}); !errors.As(err, &unsafe) || len(out.Signalled) != 0 {
			t.Errorf("%s: Run = %+v, %v; want an UnsafeError and no signal", name, out, err)
		}
	}
	time.Sleep(200 * time.Millisecond)
	if n := strings.Count(b.log.String(), "Reloading config"); n != reloads {
		t.Errorf("the broker logged %d reloads, want %d", n, reloads)
	}
	if !b.login(t, "alice", "new") {
		t.Error("alice cannot log in any more")
	}
}

// TestRealBrokerUnreadable: a root-owned 0600 file, which the broker cannot
// open once it runs as mosquitto, is refused by Validate, as by the broker.
func TestRealBrokerUnreadable(t *testing.T) {
	u := withRealBroker(t)
	dir := withBrokerDir(t)
	passwd := filepath.Join(dir, "passwd")
	if err := os.WriteFile(passwd, []byte(hashLine(t, "alice", "pw", pwhash.Params{})), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Validate(passwd, pwhash.Broker20, u)
	var unsafe *UnsafeError
	if !errors.As(err, &unsafe) || unsafe.Report.Unsafe()[0].Code != pwcheck.CodeUnreadable {
		t.Errorf("Validate: %v, want the file unreadable for %s", err, u)
	}
	if b, err := startBroker(t, dir, passwd, u); err == nil || !strings.Contains(b.log.String(), "Unable to open pwfile") {
		t.Errorf("the broker started with a file it cannot read (%v)", err)
	}

	writeOwned(t, passwd, hashLine(t, "alice", "pw", pwhash.Params{}), u)
	if _, err := Validate(passwd, pwhash.Broker20, u); err != nil {
		t.Errorf("Validate of a %s-owned 0600 file: %v", u, err)
	}
}
