//go:build unix

package nobodytest

import (
	"os/exec"
	"syscall"
)

// Drop has cmd run as nobody, user and group.
func Drop(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: UID, Gid: UID}}
}
