// Package reload makes running Mosquitto brokers reload a password file,
// safely: it validates the whole file for the target broker generation
// first and signals nothing when the file would make that broker drop users
// or quit (2.1 quits on an invalid file at reload), then sends SIGHUP and
// watches that every broker signalled is still running.
package reload

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mqpasswd/mqpasswd/internal/brokeruser"
	"github.com/mqpasswd/mqpasswd/internal/pwcheck"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// DefaultWatch is how long Run watches the brokers after the signal. A 2.1
// broker that refuses the file quits as soon as its main loop sees the
// signal, within milliseconds.
const DefaultWatch = 500 * time.Millisecond

// ExecutableName is the base name of the broker's executable, as 2.1's
// mosquitto_signal -a looks for it.
const ExecutableName = "mosquitto"

var (
	// ErrNoBroker is returned when no running broker was found to signal.
	ErrNoBroker = errors.New("no running mosquitto broker found")
	// ErrUnsupported is returned where brokers are not signalled (Windows,
	// where upstream uses a named event this tool does not send).
	ErrUnsupported = errors.New("reloading a broker is not supported on this system")
)

// UnsafeError is returned by Run, and nothing is signalled, when the file
// would make the target broker drop users or refuse the file.
type UnsafeError struct {
	Path   string
	Report *pwcheck.Report // every finding; Report.Unsafe() lists the blocking ones
}

func (e *UnsafeError) Error() string {
	return fmt.Sprintf("%s: %d findings make Mosquitto %s brokers drop users or refuse the file", e.Path, len(e.Report.Unsafe()), e.Report.Broker)
}

// ExitedError is returned by Run when brokers exited after the signal.
type ExitedError struct{ PIDs []int }

func (e *ExitedError) Error() string {
	return fmt.Sprintf("broker %s exited after the reload signal", joinPIDs(e.PIDs))
}

// Options say what Run reloads.
type Options struct {
	Path   string          // the password file, already written
	Broker pwhash.Broker   // the target generation
	User   brokeruser.User // the broker's user, for the access check; not Found skips it
	// PIDFile is --reload=PIDFILE; else ConfPIDFile, the configuration's
	// pid_file; else every process whose executable is named mosquitto.
	PIDFile, ConfPIDFile string
	Watch                time.Duration // 0 means DefaultWatch
}

// Outcome is what Run did.
type Outcome struct {
	Report    *pwcheck.Report // the validation of the file, warnings included
	From      string          // the PID file read; "" when found by executable name
	Signalled []int
}

// Run validates the file, finds the brokers, signals them and watches them.
// Its errors: *UnsafeError (nothing signalled), ErrNoBroker, ErrUnsupported,
// an error reading the file or the PID file, an error signalling a PID, or
// *ExitedError. The Outcome is valid as far as Run went.
func Run(o Options) (*Outcome, error) {
	out := &Outcome{}
	if !Supported {
		return out, ErrUnsupported
	}
	rep, err := Validate(o.Path, o.Broker, o.User)
	out.Report = rep
	if err != nil {
		return out, err
	}
	pids, from, err := Find(o.PIDFile, o.ConfPIDFile)
	out.From = from
	if err != nil {
		return out, err
	}
	for _, pid := range pids {
		if err := hangUp(pid); err != nil {
			return out, fmt.Errorf("signalling broker %d: %w", pid, err)
		}
		out.Signalled = append(out.Signalled, pid)
	}
	watch := o.Watch
	if watch == 0 {
		watch = DefaultWatch
	}
	if exited := Watch(out.Signalled, watch); len(exited) > 0 {
		return out, &ExitedError{PIDs: exited}
	}
	return out, nil
}

// Validate checks the password file at path as --check does, for a broker
// of generation b that runs as u, and returns an *UnsafeError with the
// report when a finding would make that broker drop users or refuse it.
func Validate(path string, b pwhash.Broker, u brokeruser.User) (*pwcheck.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rep, err := pwcheck.Check(f, b)
	if err != nil {
		return nil, err
	}
	fileFindings, err := pwcheck.CheckFileAs(path, b, u)
	if err != nil {
		return nil, err
	}
	rep.AddFile(fileFindings)
	if len(rep.Unsafe()) > 0 {
		return rep, &UnsafeError{Path: path, Report: rep}
	}
	return rep, nil
}

// Find returns the PIDs to signal: the one in pidFile, else the one in
// confPIDFile, else every process whose executable's base name is
// ExecutableName; from is the PID file read. A PID file whose process is
// gone, or no process found, is ErrNoBroker.
func Find(pidFile, confPIDFile string) (pids []int, from string, err error) {
	from = pidFile
	if from == "" {
		from = confPIDFile
	}
	if from == "" {
		pids, err = findByName(ExecutableName)
		if err == nil && len(pids) == 0 {
			err = ErrNoBroker
		}
		return pids, "", err
	}
	pid, err := ReadPIDFile(from)
	if err != nil {
		return nil, from, err
	}
	if !Alive(pid) {
		return nil, from, fmt.Errorf("%w: process %d of %s is not running", ErrNoBroker, pid, from)
	}
	return []int{pid}, from, nil
}

// ReadPIDFile reads a PID file as the broker writes it: a decimal number
// and a newline.
func ReadPIDFile(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return 0, fmt.Errorf("%w: %w", ErrNoBroker, err)
		}
		return 0, err
	}
	s := strings.TrimSpace(string(b))
	pid, err := strconv.ParseUint(s, 10, 31)
	if err != nil || pid < 2 {
		return 0, fmt.Errorf("%s: not a process id", path)
	}
	return int(pid), nil
}

// Watch polls pids for d and returns those that are no longer running.
func Watch(pids []int, d time.Duration) []int {
	const poll = 20 * time.Millisecond
	deadline := time.Now().Add(d)
	gone := map[int]bool{}
	for {
		for _, pid := range pids {
			if !gone[pid] && !Alive(pid) {
				gone[pid] = true
			}
		}
		if len(gone) == len(pids) || time.Now().After(deadline) {
			break
		}
		time.Sleep(poll)
	}
	var out []int
	for _, pid := range pids {
		if gone[pid] {
			out = append(out, pid)
		}
	}
	return out
}

func joinPIDs(pids []int) string {
	s := make([]string, len(pids))
	for i, p := range pids {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ", ")
}
