//go:build unix

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"github.com/mqpasswd/mqpasswd/internal/owner"
)

// The flags with which a file that was looked at is opened: a link or a FIFO put there since must
// neither be followed nor block the run.
const (
	oNoFollow = syscall.O_NOFOLLOW
	oNonBlock = syscall.O_NONBLOCK
)

func renameFile(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// syncDir makes a rename or removal in dir durable: fsync of the file covers its data, not the
// directory entry that names it.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	// Some file systems (certain FUSE and network ones) cannot fsync a directory and say EINVAL;
	// there is nothing more to do on them.
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

// chownIfDiffers gives f this owner and group (-1: keep), calling chown only for what differs, so
// that a user keeping their own file needs no privilege.
func chownIfDiffers(f *os.File, uid, gid int) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	cur, curGid, _ := owner.Of(fi)
	if uid == cur {
		uid = -1
	}
	if gid == curGid {
		gid = -1
	}
	if uid == -1 && gid == -1 {
		return nil
	}
	return f.Chown(uid, gid)
}

// otherLinks reports whether the file fi describes has more than one name: one of ours never has,
// and a hard link would let another name see what is written to it.
func otherLinks(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Nlink > 1
}

// renameImpossible recognises a target that rename cannot replace although it is a file we may
// write: a bind-mount point gives EBUSY, a target on another mount (some overlay setups) EXDEV.
func renameImpossible(err error) bool {
	return errors.Is(err, syscall.EBUSY) || errors.Is(err, syscall.EXDEV)
}
