package reload

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// findByName returns the processes whose executable's base name is name,
// from /proc/PID/exe, as 2.1's mosquitto_signal -a does. Processes of other
// users are seen only by root.
func findByName(name string) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err != nil {
			continue
		}
		// An executable replaced by an upgrade reads "path (deleted)".
		if filepath.Base(strings.TrimSuffix(exe, " (deleted)")) == name && !zombie(pid) {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// zombie reports whether pid has exited and waits for its parent to reap
// it: the state after the command's name in /proc/PID/stat is Z.
func zombie(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	// The name is in parentheses and may itself hold ") ".
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && bytes.HasPrefix(b[i:], []byte(") Z"))
}
