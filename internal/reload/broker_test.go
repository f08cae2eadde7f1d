//go:build linux

package reload

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mqpasswd/mqpasswd/internal/brokertest"
	"github.com/mqpasswd/mqpasswd/internal/brokeruser"
	"github.com/mqpasswd/mqpasswd/internal/nobodytest"
	"github.com/mqpasswd/mqpasswd/internal/pwcheck"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
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
	brokertest.Require(t, brokertest.BrokerPath, brokertest.ClientPath)
	u, err := brokeruser.Resolve(brokeruser.Sources{ConfigUser: brokeruser.DefaultName})
	if err != nil {
		skip("no user %s: %v", brokeruser.DefaultName, err)
	}
	return u
}

// broker is a running /usr/sbin/mosquitto and its PID file.
type broker struct {
	*brokertest.Broker
	pidFile string
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
	port, err := brokertest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	b = &broker{pidFile: filepath.Join(run, "mosquitto.pid")}
	conf := filepath.Join(dir, "mosquitto.conf")
	content := brokertest.Listener(port) + fmt.Sprintf("allow_anonymous false\npassword_file %s\npid_file %s\n", passwd, b.pidFile)
	if err := os.WriteFile(conf, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	b.Broker, exited = brokertest.Launch(conf, port)
	if b.Broker == nil {
		t.Fatal(exited)
	}
	t.Cleanup(func() {
		b.Stop()
		if t.Failed() {
			t.Logf("broker log:\n%s", b.Log())
		}
	})
	return b, exited
}

// login reports whether user and password connect.
func (b *broker) login(t *testing.T, user, password string) bool {
	t.Helper()
	err := b.Login(user, password, "t")
	if err != nil && !errors.Is(err, brokertest.ErrNotAuthorised) {
		t.Fatal(err)
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
	dir := nobodytest.Dir(t)
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
	if len(out.Signalled) != 1 || out.Signalled[0] != b.Cmd.Process.Pid {
		t.Errorf("signalled %v, want the broker %d", out.Signalled, b.Cmd.Process.Pid)
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
	reloads := strings.Count(b.Log(), "Reloading config")
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
	if n := strings.Count(b.Log(), "Reloading config"); n != reloads {
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
	dir := nobodytest.Dir(t)
	passwd := filepath.Join(dir, "passwd")
	if err := os.WriteFile(passwd, []byte(hashLine(t, "alice", "pw", pwhash.Params{})), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Validate(passwd, pwhash.Broker20, u)
	var unsafe *UnsafeError
	if !errors.As(err, &unsafe) || unsafe.Report.Unsafe()[0].Code != pwcheck.CodeUnreadable {
		t.Errorf("Validate: %v, want the file unreadable for %s", err, u)
	}
	if b, err := startBroker(t, dir, passwd, u); err == nil || !strings.Contains(b.Log(), "Unable to open pwfile") {
		t.Errorf("the broker started with a file it cannot read (%v)", err)
	}

	writeOwned(t, passwd, hashLine(t, "alice", "pw", pwhash.Params{}), u)
	if _, err := Validate(passwd, pwhash.Broker20, u); err != nil {
		t.Errorf("Validate of a %s-owned 0600 file: %v", u, err)
	}
}
