//go:build !unix

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// walk resolves name as realpath does and returns the real path with the lstat of the file it
// names, or, when the file does not exist, the name a create makes (a dangling link's target) with
// a nil FileInfo. Windows links need privileges to make, and files have no owner to compare, so
// every link is followed.
func walk(name string, _ bool) (string, fs.FileInfo, error) {
	if name == "" {
		return "", nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOENT}
	}
	real, err := filepath.EvalSymlinks(name)
	if errors.Is(err, fs.ErrNotExist) {
		p, err := followDangling(name)
		return p, nil, err
	}
	if err != nil {
		return "", nil, err
	}
	if real, err = filepath.Abs(real); err != nil {
		return "", nil, err
	}
	fi, err := os.Lstat(real)
	return real, fi, err
}

// followDangling returns the name a create through path makes: path itself, or, when path is a
// symlink to a file that does not exist yet, the file at the end of the links (fopen's O_CREAT
// follows them too, and the original tool relies on fopen).
func followDangling(path string) (string, error) {
	for range 40 { // Linux's MAXSYMLINKS
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", &fs.PathError{Op: "open", Path: path, Err: syscall.ELOOP}
}
