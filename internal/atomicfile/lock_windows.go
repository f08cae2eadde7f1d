package atomicfile

import (
	"os"

	"github.com/gofrs/flock"
)

// tryLock takes the lock for t without waiting. Windows cannot rename over a file that is open
// (Go opens files without FILE_SHARE_DELETE), so the target itself cannot hold the lock across the
// rename; a LockFileEx lock on ".<base>.mqpasswd-lock" does, and the file is removed on release.
// Removing fails while another run has it open, and that run removes it in turn; a lock file left
// by a killed run is simply taken and removed by the next one.
func tryLock(t *target) (func(), error) {
	name := lockName(t.path)
	fl := flock.New(name, flock.SetFlag(os.O_CREATE|os.O_RDWR))
	ok, err := fl.TryLock()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errBusy
	}
	// The lock file may have been removed and made anew between our open and our lock; and the
	// target may have appeared or gone while we waited.
	held, err1 := fl.Stat()
	now, err2 := os.Stat(name)
	_, err3 := os.Stat(t.path)
	if err1 != nil || err2 != nil || !os.SameFile(held, now) || (err3 == nil) != t.exists {
		fl.Unlock()
		return nil, errMoved
	}
	return func() {
		fl.Unlock()
		os.Remove(name)
	}, nil
}
