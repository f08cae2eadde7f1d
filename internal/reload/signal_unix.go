//go:build unix

package reload

import (
	"errors"
	"syscall"
)

// Supported reports whether Run can signal brokers on this system.
const Supported = true

func hangUp(pid int) error { return syscall.Kill(pid, syscall.SIGHUP) }

// Alive reports whether process pid is running: it exists (perhaps as
// another user's, EPERM) and is not a zombie waiting for its parent.
func Alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	return !zombie(pid)
}
