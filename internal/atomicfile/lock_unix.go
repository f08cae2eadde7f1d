//go:build unix && !aix && !(solaris && !illumos)

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"github.com/mqpasswd/mqpasswd/internal/owner"
	"golang.org/x/sys/unix"
)

// tryLock takes the lock for t without waiting: flock(2) on the lock file ".<base>.mqpasswd-lock"
// beside the target, made for the run and removed when it ends.
//
// The target itself cannot hold the lock: flock ignores the mode a file was opened with, and a
// POSIX write lock is blocked by any reader's read lock, so every account that can read the file
// (the broker's group, with mode 0640) could stop every edit. The lock file instead is opened
// read-write and only the target's writers may open it: it gets the target's owner and group and,
// for each of them, access only where the target grants write. It is made O_EXCL and opened with
// O_NOFOLLOW and O_NONBLOCK, and one found there is used only when it has the shape we give it, so
// a link, FIFO or file planted in its place is refused, never followed.
//
// It is removed before it is unlocked. A run that opened it before the removal and wins the lock
// afterwards holds an unlinked file; it sees that the name no longer names what it holds and looks
// again, as after a rename.
func tryLock(t *target) (func(), error) {
	name := lockName(t.path)
	f, err := openLockFile(name, t)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, errBusy
		}
		return nil, err
	}
	held, err1 := f.Stat()
	now, err2 := os.Lstat(name)
	if err1 != nil || err2 != nil || !os.SameFile(held, now) {
		f.Close()
		return nil, errMoved
	}
	return func() {
		os.Remove(name)
		f.Close()
	}, nil
}

// openLockFile opens the lock file at name for t, making it when it is missing.
func openLockFile(name string, t *target) (*os.File, error) {
	mode, uid, gid := lockMode(t)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW, 0o600)
	if err == nil {
		// chown may fail for a user who is not root; the file is then theirs alone, which is
		// stricter, never wider.
		chownIfDiffers(f, uid, gid)
		if err := f.Chmod(mode); err != nil {
			f.Close()
			os.Remove(name)
			return nil, err
		}
		return f, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	f, err = os.OpenFile(name, os.O_RDWR|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, errMoved // removed by its holder since
	case errors.Is(err, syscall.ELOOP):
		return nil, &PlantedFileError{Path: name, Reason: "a symbolic link where the lock file belongs"}
	case err != nil:
		return nil, err
	}
	if reason := badLockFile(f, mode, uid, gid); reason != "" {
		f.Close()
		return nil, &PlantedFileError{Path: name, Reason: reason}
	}
	return f, nil
}

// lockMode is the mode, owner and group of t's lock file: read-write for each of the target's
// owner, group and others that may write the target, nothing for the rest, and always read-write
// for the owner, who may chmod the target writable anyway.
func lockMode(t *target) (mode fs.FileMode, uid, gid int) {
	mode, uid, gid = 0o600, os.Geteuid(), -1
	if t.info != nil {
		uid, gid, _ = owner.Of(t.info)
		perm := t.info.Mode().Perm()
		for _, w := range []fs.FileMode{0o020, 0o002} {
			if perm&w != 0 {
				mode |= w | w<<1
			}
		}
	}
	return mode, uid, gid
}

// badLockFile says what is wrong with a lock file found in place, or "" when it has the shape
// tryLock gives its own (one left by a killed run has). Its owner must be root, the running user,
// the target's owner, or another of the target's writers: a member of its group when the group may
// write (whose chown to the target's owner failed), anyone when others may.
func badLockFile(f *os.File, mode fs.FileMode, uid, gid int) string {
	fi, err := f.Stat()
	if err != nil {
		return err.Error()
	}
	fuid, fgid, _ := owner.Of(fi)
	writer := fuid == uid || fuid == 0 || fuid == os.Geteuid() ||
		mode&0o020 != 0 && fgid == gid || mode&0o002 != 0
	switch {
	case !fi.Mode().IsRegular():
		return "not a regular file where the lock file belongs"
	case otherLinks(fi):
		return "the lock file has other links"
	case !writer:
		return "the lock file belongs to a user who may not write the file"
	case fi.Mode().Perm()&^mode != 0:
		return "the lock file lets users in who may not write the file; remove it once no other run is editing the file"
	}
	return ""
}
