// Package standin is a stand-in for the broker in the tests of --reload:
// a process that writes its PID file, records each SIGHUP and, as a 2.1
// broker does on a password file it refuses, can exit on the first. It
// shows what a reload sends to brokers that cannot be installed for the
// test. Only tests import it.
package standin

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

// Main runs the stand-in with the arguments [-quit] PIDFILE RECORD and
// returns its exit code once it stops by itself: 3 after the SIGHUP that
// -quit exits on, 2 for bad arguments or a file it cannot write. It
// writes PIDFILE (through a rename, so that it is never seen half written)
// once it handles SIGHUP, and appends a line "SIGHUP" to RECORD for each.
func Main(args []string) int {
	quit := len(args) > 0 && args[0] == "-quit"
	if quit {
		args = args[1:]
	}
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: standin [-quit] PIDFILE RECORD")
		return 2
	}
	hup := make(chan os.Signal, 8)
	signal.Notify(hup, syscall.SIGHUP)
	tmp := args[0] + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return 2
	}
	if err := os.Rename(tmp, args[0]); err != nil {
		return 2
	}
	for range hup {
		f, err := os.OpenFile(args[1], os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return 2
		}
		fmt.Fprintln(f, "SIGHUP")
		f.Close()
		if quit {
			return 3
		}
	}
	return 0
}
