//go:build unix

package nobodytest

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// Drop has cmd, a run of the binary Setup copied into dir, run as nobody, user and group. A test
// binary built with -cover writes its counters to GOCOVERDIR and complains on stderr when it
// cannot, so a cmd run with one writes them to a directory in dir that nobody may write; they
// are not kept.
func Drop(cmd *exec.Cmd, dir string) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: UID, Gid: UID}}
	if os.Getenv("GOCOVERDIR") == "" {
		return nil
	}
	cover := filepath.Join(dir, "gocoverdir")
	if err := os.MkdirAll(cover, 0o777); err != nil {
		return err
	}
	if err := os.Chmod(cover, 0o777); err != nil {
		return err
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "GOCOVERDIR="+cover)
	return nil
}
