//go:build unix && !aix && !(solaris && !illumos)

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
)

// tryLock takes the lock for t without waiting: flock(2) on the file itself, or on its directory
// when the file does not exist yet (a Create), and then checks that the path still names what it
// locked. No lock file is made, so nothing is ever left beside the target.
//
// The lock's descriptor is not the one the content is read through; that is sound because flock
// locks belong to the open file description, so closing another descriptor keeps the lock.
func tryLock(t *target) (func(), error) {
	name := t.path
	if !t.exists {
		name = filepath.Dir(t.path)
	}
	// O_RDONLY without O_CREATE: flock needs no write access, and a lock must never make a file.
	// gofrs/flock opens the path afresh on every try, so a try after a rename gets the new inode.
	fl := flock.New(name, flock.SetFlag(os.O_RDONLY))
	ok, err := fl.TryLock()
	switch {
	case t.exists && errors.Is(err, fs.ErrNotExist):
		return nil, errMoved
	case err != nil:
		return nil, err
	case !ok:
		return nil, errBusy
	}
	if !stillNamed(fl, t) {
		fl.Unlock()
		return nil, errMoved
	}
	return func() { fl.Unlock() }, nil
}

// stillNamed reports whether the path of t still names the inode that fl locked, or, for a file to
// create, whether the file is still missing. A run that waited on the old inode of a file another
// run has just renamed over wakes up holding a lock on an unlinked file; it must look again.
func stillNamed(fl *flock.Flock, t *target) bool {
	if !t.exists {
		_, err := os.Lstat(t.path)
		return errors.Is(err, fs.ErrNotExist)
	}
	held, err := fl.Stat()
	if err != nil {
		return false
	}
	now, err := os.Stat(t.path)
	return err == nil && os.SameFile(held, now)
}
