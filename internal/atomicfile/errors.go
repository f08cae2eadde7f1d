package atomicfile

import (
	"fmt"
	"strconv"
)

// UnsafeLinkError reports a symbolic link on the way to the file that Open refused to follow: it
// is not the running user's, and its directory, or a directory on the way to it, can be written by
// a user other than root and the running user, who could have planted it to make this run read,
// replace or chown another file. Nothing was read or written. WithFollowUnsafeLinks overrides.
type UnsafeLinkError struct {
	// Link is the path of the link, with the links before it resolved.
	Link string
	// Owner is the link's owner uid.
	Owner int
}

func (e *UnsafeLinkError) Error() string {
	return "refusing to follow " + e.Link + ": a link owned by uid " + strconv.Itoa(e.Owner) +
		" where another user can write"
}

// PlantedFileError reports a file beside the target, named like one of ours (the lock file, or
// the recovery file of an in-place rewrite), that is not what this package leaves there: a link, a
// device, FIFO or directory, another owner, a mode that lets readers in, or, for a recovery file,
// content that is not a valid password file. It was neither followed nor copied, and was left
// where it is for the user to look at; the target is untouched.
type PlantedFileError struct {
	Path   string
	Reason string
}

func (e *PlantedFileError) Error() string {
	return "refusing to use " + e.Path + ": " + e.Reason
}

// NotDurableError reports that the new file is in place, and readers see it, but fsync of its
// directory failed after the rename, so the change might not survive a power cut or a crash of
// the system. The edit itself was made; running it again is safe.
type NotDurableError struct {
	Path string
	// Err is the cause, a syscall.Errno when the system gave one.
	Err error
}

func (e *NotDurableError) Error() string {
	return "changed " + e.Path + " but could not make the change durable: " + e.Err.Error()
}
func (e *NotDurableError) Unwrap() error { return e.Err }

// AttrError reports an extended attribute (a POSIX ACL is one) of the file that could not be given
// to the new file; the edit was refused rather than drop it, and the file is untouched.
type AttrError struct {
	Path string
	// Attr is the attribute's name, such as system.posix_acl_access.
	Attr string
	// Err is the cause, a syscall.Errno when the system gave one.
	Err error
}

func (e *AttrError) Error() string {
	return fmt.Sprintf("cannot keep the extended attribute %s of %s: %v", e.Attr, e.Path, e.Err)
}
func (e *AttrError) Unwrap() error { return e.Err }
