package atomicfile

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// renameFile replaces newpath like os.Rename (MoveFileEx with MOVEFILE_REPLACE_EXISTING), adding
// MOVEFILE_WRITE_THROUGH: Windows has no directory fsync, and this makes the call return only once
// the rename is on disk.
func renameFile(oldpath, newpath string) error {
	from, err := windows.UTF16PtrFromString(oldpath)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	to, err := windows.UTF16PtrFromString(newpath)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	if err := windows.MoveFileEx(from, to, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH); err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}

// syncDir does nothing: a directory cannot be fsynced on Windows; renameFile writes through.
func syncDir(string) error { return nil }

// Windows has neither flag; a FIFO cannot appear at a file's path there, and links need privileges.
const (
	oNoFollow = 0
	oNonBlock = 0
)

func chownIfDiffers(_ *os.File, uid, gid int) error {
	if uid == -1 && gid == -1 {
		return nil
	}
	return errors.ErrUnsupported
}

// otherLinks is false: Windows' FileInfo carries no link count, and links there need privileges.
func otherLinks(fs.FileInfo) bool { return false }

// renameImpossible is false: Windows has no bind-mounted single files to fall back for.
func renameImpossible(error) bool { return false }
