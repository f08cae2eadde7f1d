// Package brokertest runs the real Mosquitto broker and client for tests: a
// broker on a free 127.0.0.1 port with the configuration a test gives, and
// logins with mosquitto_pub. Without the broker a test is skipped, except
// under CI=true, where a missing prerequisite fails it.
package brokertest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The Debian packages' paths, as the project's CI installs them.
const (
	BrokerPath = "/usr/sbin/mosquitto"
	ClientPath = "/usr/bin/mosquitto_pub"
	// DynsecPlugin is the dynamic-security plugin of Debian's mosquitto
	// package on amd64.
	DynsecPlugin = "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so"
)

// Login's errors for what the broker refused.
var (
	ErrNotAuthorised = errors.New("login not authorised")
	ErrPublishDenied = errors.New("publish not authorised")
)

// Broker is a running broker.
type Broker struct {
	Port   int
	Cmd    *exec.Cmd
	log    syncBuffer
	exited chan struct{}
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

// Require skips the test, or fails it under CI=true, unless every file in
// paths exists.
func Require(t testing.TB, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("CI=true and %s is missing: %v", p, err)
			}
			t.Skipf("%s is missing: %v", p, err)
		}
	}
}

// FreePort returns a port of 127.0.0.1 that was free when it looked.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start runs the broker with conf (lines of mosquitto.conf; Start adds the
// listener and logging) and waits until it listens. As root it runs the
// broker as root, so that it reads the test's 0600 files.
func Start(t testing.TB, conf string) *Broker {
	t.Helper()
	Require(t, BrokerPath, ClientPath)
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	conf = Listener(port) + conf
	if os.Geteuid() == 0 {
		conf += "\nuser root\n"
	}
	path := filepath.Join(t.TempDir(), "mosquitto.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Launch(path, port)
	if b != nil {
		t.Cleanup(b.Stop)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Listener is the start of a configuration for a broker on 127.0.0.1:port
// that logs everything to stderr, which Launch keeps.
func Listener(port int) string {
	return fmt.Sprintf("listener %d 127.0.0.1\nlog_dest stderr\nlog_type all\n", port)
}

// Launch runs the broker with the configuration file conf, which has it
// listen on 127.0.0.1:port (see Listener), and returns once it listens. If
// it exits at start or does not listen within 10 s, the error says so with
// its log, and the Broker returned, stopped, keeps the log. The caller
// stops the broker with Stop.
func Launch(conf string, port int) (*Broker, error) {
	b := &Broker{Port: port, Cmd: exec.Command(BrokerPath, "-c", conf), exited: make(chan struct{})}
	b.Cmd.Stdout, b.Cmd.Stderr = &b.log, &b.log
	if err := b.Cmd.Start(); err != nil {
		return nil, err
	}
	go func() { b.Cmd.Wait(); close(b.exited) }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		select {
		case <-b.exited:
			return b, fmt.Errorf("broker exited at start (%v); its log:\n%s", b.Cmd.ProcessState, b.Log())
		default:
		}
		if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 100*time.Millisecond); err == nil {
			c.Close()
			return b, nil
		}
		if time.Now().After(deadline) {
			b.Stop()
			return b, fmt.Errorf("broker did not listen within 10s; its log:\n%s", b.Log())
		}
	}
}

// Stop kills the broker, if it still runs, and waits until it has exited.
func (b *Broker) Stop() {
	b.Cmd.Process.Kill()
	<-b.exited
}

// Login connects as user with password and publishes one message to topic.
// It returns nil when the broker took the message, ErrNotAuthorised when it
// refused the login, ErrPublishDenied when it refused the message, and any
// other failure as it is. It speaks MQTT 5 at QoS 1, since only a PUBACK's
// reason code tells a denied publish from a delivered one.
func (b *Broker) Login(user, password, topic string) error {
	out, err := exec.Command(ClientPath, "-h", "127.0.0.1", "-p", strconv.Itoa(b.Port), "-V", "mqttv5", "-q", "1",
		"-u", user, "-P", password, "-t", topic, "-m", "x").CombinedOutput()
	switch {
	case strings.Contains(string(out), "Connection error: Not authorized"):
		return ErrNotAuthorised
	case strings.Contains(string(out), "failed: Not authorized"):
		return ErrPublishDenied
	case err == nil:
		return nil
	}
	return fmt.Errorf("mosquitto_pub: %v: %s", err, out)
}

// Log is what the broker logged so far.
func (b *Broker) Log() string { return b.log.String() }
