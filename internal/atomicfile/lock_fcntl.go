//go:build aix || (solaris && !illumos)

package atomicfile

import "errors"

// tryLock refuses to work here. On AIX and Solaris gofrs/flock emulates flock with fcntl locks,
// which belong to the process and are dropped when it closes any descriptor of the file, as Edit
// does with the one it reads through; the lock would end before the rename.
func tryLock(*target) (func(), error) {
	return nil, errors.ErrUnsupported
}
