package atomicfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// aclAccess is the extended attribute that holds a file's POSIX access ACL.
const aclAccess = "system.posix_acl_access"

// copyAttrs gives the new file dst the extended attributes of the file it replaces (old, nil for a
// new file): user and trusted attributes, security labels and the POSIX ACL. An attribute that
// dst already has with the same value (a security label the directory gave it) is left alone; one
// that cannot be set refuses the edit with an *AttrError, since the new file would otherwise grant
// or deny other access than the old one. An access ACL that dst inherited from a default ACL of
// the directory and the old file did not have is removed, for the same reason.
func (t *target) copyAttrs(dst *os.File, old fs.FileInfo) error {
	var names []string
	if old != nil {
		var err error
		if names, err = listAttrs(func(b []byte) (int, error) { return unix.Llistxattr(t.path, b) }); err != nil {
			return &AttrError{Path: t.shown, Attr: "(list)", Err: cause(err)}
		}
	}
	fd := int(dst.Fd())
	for _, name := range names {
		if err := t.cfg.step("xattr"); err != nil {
			return &AttrError{Path: t.shown, Attr: name, Err: err}
		}
		val, err := getAttr(func(b []byte) (int, error) { return unix.Lgetxattr(t.path, name, b) })
		if errors.Is(err, unix.ENODATA) {
			continue // removed since it was listed
		}
		if err != nil {
			return &AttrError{Path: t.shown, Attr: name, Err: cause(err)}
		}
		if cur, err := getAttr(func(b []byte) (int, error) { return unix.Fgetxattr(fd, name, b) }); err == nil && bytes.Equal(cur, val) {
			continue
		}
		if err := unix.Fsetxattr(fd, name, val, 0); err != nil {
			return &AttrError{Path: t.shown, Attr: name, Err: cause(err)}
		}
	}
	if old == nil || slices.Contains(names, aclAccess) {
		return nil
	}
	err := unix.Fremovexattr(fd, aclAccess)
	if err != nil && !errors.Is(err, unix.ENODATA) && !errors.Is(err, unix.EOPNOTSUPP) {
		return &AttrError{Path: t.shown, Attr: aclAccess, Err: cause(err)}
	}
	return nil
}

// listAttrs calls list, a listxattr, with a buffer that grows until the names fit.
func listAttrs(list func([]byte) (int, error)) ([]string, error) {
	b, err := getAttr(list)
	if errors.Is(err, unix.EOPNOTSUPP) {
		return nil, nil // a file system without extended attributes: nothing to keep
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range strings.Split(string(b), "\x00") {
		if n != "" {
			names = append(names, n)
		}
	}
	return names, nil
}

// getAttr calls get, a getxattr or listxattr, asking first for the size: the value may grow
// between the calls, then it asks again.
func getAttr(get func([]byte) (int, error)) ([]byte, error) {
	for {
		n, err := get(nil)
		if err != nil {
			return nil, err
		}
		b := make([]byte, n)
		n, err = get(b)
		if errors.Is(err, unix.ERANGE) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return b[:n], nil
	}
}
