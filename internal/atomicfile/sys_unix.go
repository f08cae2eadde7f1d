//go:build unix

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
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

// Owner returns the owner and group of the file fi describes, or -1, -1
// and false where fi holds none (it did not come from the system).
func Owner(fi fs.FileInfo) (uid, gid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return -1, -1, false
	}
	return int(st.Uid), int(st.Gid), true
}

// chownIfDiffers gives f this owner and group (-1: keep), calling chown only for what differs, so
// that a user keeping their own file needs no privilege.
func chownIfDiffers(f *os.File, uid, gid int) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	cur, curGid, _ := Owner(fi)
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

// renameImpossible recognises a target that rename cannot replace although it is a file we may
// write: a bind-mount point gives EBUSY, a target on another mount (some overlay setups) EXDEV.
func renameImpossible(err error) bool {
	return errors.Is(err, syscall.EBUSY) || errors.Is(err, syscall.EXDEV)
}
