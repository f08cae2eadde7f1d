package pwcheck

import (
	"encoding/binary"
	"io/fs"

	"golang.org/x/sys/unix"
)

// readACL returns the POSIX.1e access ACL of path (setfacl), or nil when it
// has none beyond its mode bits or it cannot be read.
func readACL(path string) []aclEntry {
	buf := make([]byte, 1024)
	n, err := unix.Getxattr(path, "system.posix_acl_access", buf)
	if err == unix.ERANGE {
		if n, err = unix.Getxattr(path, "system.posix_acl_access", nil); err == nil {
			buf = make([]byte, n)
			n, err = unix.Getxattr(path, "system.posix_acl_access", buf)
		}
	}
	// The xattr: a little-endian version 2 header, then 8-byte entries.
	if err != nil || n < 4 || (n-4)%8 != 0 || binary.LittleEndian.Uint32(buf) != 2 {
		return nil
	}
	var out []aclEntry
	for b := buf[4:n]; len(b) >= 8; b = b[8:] {
		out = append(out, aclEntry{
			tag:  binary.LittleEndian.Uint16(b),
			perm: fs.FileMode(binary.LittleEndian.Uint16(b[2:])),
			id:   int(binary.LittleEndian.Uint32(b[4:])),
		})
	}
	return out
}
