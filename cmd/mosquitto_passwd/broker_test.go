package main

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mqpasswd/mqpasswd/internal/brokertest"
	"github.com/rogpeppe/go-internal/testscript"
)

// broker is a mosquitto process started by a script, listening on 127.0.0.1.
type broker struct {
	*brokertest.Broker
	// reloads is how many reloads the script has waited for.
	reloads int
}

var (
	brokersMu sync.Mutex
	brokers   = map[*testscript.TestScript]*broker{}
)

func scriptBroker(ts *testscript.TestScript) *broker {
	brokersMu.Lock()
	defer brokersMu.Unlock()
	b := brokers[ts]
	if b == nil {
		ts.Fatalf("no broker started: use 'broker start FILE' first")
	}
	return b
}

// broker start FILE | dynsec FILE | reload | reloaded | stop | log
//
// start runs the broker with allow_anonymous false and FILE as its
// password_file (see startBroker); dynsec runs it with the dynamic-security
// plugin and FILE as the plugin's configuration instead; reload sends SIGHUP
// and waits until the broker has reloaded; reloaded waits for a reload
// someone else signalled (mosquitto_passwd --reload), and with ! checks that
// there was none since the last; log prints what the broker logged so far on
// stdout.
func cmdBroker(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 || neg && args[0] != "reloaded" {
		ts.Fatalf("usage: broker start FILE | dynsec FILE | reload | [!] reloaded | stop | log")
	}
	switch args[0] {
	case "start":
		if len(args) != 2 {
			ts.Fatalf("usage: broker start FILE")
		}
		startBroker(ts, "password_file "+ts.MkAbs(args[1]))
	case "dynsec":
		if len(args) != 2 {
			ts.Fatalf("usage: broker dynsec FILE")
		}
		startBroker(ts, "plugin "+brokertest.DynsecPlugin+"\nplugin_opt_config_file "+ts.MkAbs(args[1]))
	case "reload":
		b := scriptBroker(ts)
		ts.Check(b.Cmd.Process.Signal(syscall.SIGHUP))
		waitReload(ts, b)
	case "reloaded":
		b := scriptBroker(ts)
		if neg {
			if n := strings.Count(b.Log(), "Reloading config"); n != b.reloads {
				ts.Fatalf("the broker reloaded %d times more", n-b.reloads)
			}
			return
		}
		waitReload(ts, b)
	case "stop":
		scriptBroker(ts).Stop()
	case "log":
		fmt.Fprint(ts.Stdout(), scriptBroker(ts).Log())
	default:
		ts.Fatalf("unknown broker command %q", args[0])
	}
}

// startBroker starts the broker as Debian's service does, with the
// configuration line auth, which says how it authenticates clients: started
// by root, it drops to the mosquitto user before it opens the password file,
// so the scripts show that the files we make as root are ones it can read.
// $WORK and its parent are made searchable for that user (the file's own mode
// is the script's business), and the configuration readable, since the
// broker reads it again on a reload. Its configuration and PID file are
// $BROKER_CONF and $BROKER_PIDFILE, for --conf and --reload=PIDFILE: a script
// never signals a broker it did not start.
func startBroker(ts *testscript.TestScript, auth string) {
	port, err := brokertest.FreePort()
	ts.Check(err)
	work := ts.Getenv("WORK")
	confPath := filepath.Join(work, fmt.Sprintf("mosquitto-%d.conf", port))
	// The broker writes its PID file once it has dropped privileges.
	runDir := filepath.Join(work, fmt.Sprintf("mosquitto-%d.run", port))
	ts.Check(os.Mkdir(runDir, 0o755))
	pidPath := filepath.Join(runDir, "mosquitto.pid")
	conf := brokertest.Listener(port) + fmt.Sprintf("allow_anonymous false\n%s\npid_file %s\n", auth, pidPath)
	if os.Geteuid() == 0 {
		for _, dir := range []string{filepath.Dir(work), work} {
			ts.Check(os.Chmod(dir, 0o711))
		}
		u, err := user.Lookup("mosquitto")
		ts.Check(err)
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		ts.Check(os.Chown(runDir, uid, gid))
	} else {
		// Started by an ordinary user, the broker keeps running as that
		// user; saying so lets --conf find it.
		u, err := user.Current()
		ts.Check(err)
		conf += "user " + u.Username + "\n"
	}
	ts.Check(os.WriteFile(confPath, []byte(conf), 0o644))
	ts.Setenv("BROKER_CONF", confPath)
	ts.Setenv("BROKER_PIDFILE", pidPath)
	bb, err := brokertest.Launch(confPath, port)
	if bb == nil {
		ts.Fatalf("%v", err)
	}
	b := &broker{Broker: bb}
	brokersMu.Lock()
	brokers[ts] = b
	brokersMu.Unlock()
	ts.Defer(func() {
		b.Stop()
		brokersMu.Lock()
		delete(brokers, ts)
		brokersMu.Unlock()
	})
	ts.Check(err)
}

// waitReload waits for the broker's next reload. It reloads in its single
// loop before it reads the next packet, so once it has logged the reload,
// new connections see it.
func waitReload(ts *testscript.TestScript, b *broker) {
	waitFor(ts, b, "reload", func() bool {
		return strings.Count(b.Log(), "Reloading config") > b.reloads
	})
	b.reloads++
}

func waitFor(ts *testscript.TestScript, b *broker, what string, ok func() bool) {
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			ts.Fatalf("broker did not %s within 10s; its log:\n%s", what, b.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mqtt USER PASSWORD: the broker accepts the login; with !, it refuses it as
// not authorised (any other failure, such as no broker, fails the script).
func cmdMQTT(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: mqtt USER PASSWORD")
	}
	b := scriptBroker(ts)
	// A login the broker took but whose publish it denied (dynsec denies
	// publishing by default) is still an accepted login.
	switch err := b.Login(args[0], args[1], "mqpasswd/test"); {
	case (err == nil || errors.Is(err, brokertest.ErrPublishDenied)) && neg:
		ts.Fatalf("broker accepted %s with password %q", args[0], args[1])
	case err == nil || errors.Is(err, brokertest.ErrPublishDenied):
	case neg && errors.Is(err, brokertest.ErrNotAuthorised):
	default:
		ts.Fatalf("login %s %q: %v\nbroker log:\n%s", args[0], args[1], err, b.Log())
	}
}

// waitfile FILE: waits up to 10s until FILE exists, such as the PID file of
// a stand-in started in the background.
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile FILE")
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(ts.MkAbs(args[0])); err == nil {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("no file %s after 10s", args[0])
		}
	}
}
