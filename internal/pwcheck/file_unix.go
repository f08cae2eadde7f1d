//go:build unix

package pwcheck

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"

	"github.com/mqpasswd/mqpasswd/internal/brokeruser"
	"github.com/mqpasswd/mqpasswd/internal/owner"
)

// Permission bits of one class (owner, group or other).
const (
	permRead   = 4
	permSearch = 1
)

// POSIX.1e ACL entry tags this check uses, from the kernel's
// posix_acl_xattr.h; the owner's and others' entries repeat the mode bits.
const (
	aclUser     = 0x02
	aclGroupObj = 0x04
	aclGroup    = 0x08
)

// aclEntry is one entry of a file's access ACL (readACL).
type aclEntry struct {
	tag  uint16
	perm fs.FileMode
	id   int
}

// checkAccess reports whether u can open the file at path (fi, followed) for
// reading, what Mosquitto 2.1 brokers warn about when they open it (any
// permission bit for others; an owner or group other than the broker
// process's, broker-acceptance.md), and never advises root unless u is root.
func checkAccess(path string, fi fs.FileInfo, u brokeruser.User) []Finding {
	var out []Finding
	perm := fi.Mode().Perm()
	if perm&0o007 != 0 {
		out = append(out, Finding{Severity: SeverityWarning, Code: CodeWorldAccess,
			Message: fmt.Sprintf("mode %04o lets every user of the machine read the hashes (2.1 brokers warn, and say future versions will refuse the file): chmod 600 %s", perm, path)})
	}
	fileUID, fileGID, ok := owner.Of(fi)
	if !ok || !u.Found() && !u.Spec.HasGID {
		return out
	}
	if u.Found() {
		if f, blocked := reach(path, u); blocked {
			return append(out, f)
		}
		if !canAccess(path, fi, u, permRead) {
			return append(out, Finding{Severity: SeverityError, Code: CodeUnreadable, Effect: EffectRefusesFile,
				Message: fmt.Sprintf("%s, the broker's user (%s), cannot read the file (owner %s, group %s, mode %04o), so the broker will not start, or will refuse it on a reload: chown %s %s; chmod 600 %s",
					u, u.Source.Describe(), owner.UserName(fileUID), owner.GroupName(fileGID), perm, chownArg(u), path, path)})
		}
	}
	if u.Found() && fileUID != u.Spec.UID {
		out = append(out, Finding{Severity: SeverityWarning, Code: CodeOwner,
			Message: fmt.Sprintf("owned by user %s, not %s, the broker's (2.1 brokers warn, and say future versions will refuse the file): chown %s %s, or name the broker's user with --owner if it is not %s", owner.UserName(fileUID), u, idName(u.Name, u.Spec.UID), path, u)})
	}
	if u.Spec.HasGID && fileGID != u.Spec.GID {
		out = append(out, Finding{Severity: SeverityWarning, Code: CodeGroup,
			Message: fmt.Sprintf("group %s, not %s, the broker's (2.1 brokers warn, and say future versions will refuse the file): chgrp %s %s, or name the broker's group with --owner USER:GROUP if it is not %s", owner.GroupName(fileGID), owner.GroupName(u.Spec.GID), groupArg(u.Spec.GID), path, owner.GroupName(u.Spec.GID))})
	}
	return out
}

// reach returns the finding for the first directory above path, from the
// root down, that u may not search. The kernel walks the path as given and,
// through symbolic links, the real one: both are checked.
func reach(path string, u brokeruser.User) (Finding, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Finding{}, false
	}
	dirs := ancestors(abs)
	if real, err := filepath.EvalSymlinks(abs); err == nil && real != abs {
		dirs = append(dirs, ancestors(real)...)
	}
	for _, dir := range dirs {
		fi, err := os.Stat(dir)
		if err != nil || canAccess(dir, fi, u, permSearch) {
			continue
		}
		uid, gid, _ := owner.Of(fi)
		return Finding{Severity: SeverityError, Code: CodeUnreadable, Effect: EffectRefusesFile,
			Message: fmt.Sprintf("%s, the broker's user (%s), cannot reach the file: directory %s (owner %s, group %s, mode %04o) does not let it search (x), so the broker will not start, or will refuse the file on a reload: chmod o+x %s, or keep the file in a directory the broker's user can enter",
				u, u.Source.Describe(), dir, owner.UserName(uid), owner.GroupName(gid), fi.Mode().Perm(), dir)}, true
	}
	return Finding{}, false
}

// ancestors returns the directories above the absolute path p, from the
// root down.
func ancestors(p string) []string {
	var out []string
	for d := filepath.Dir(p); ; d = filepath.Dir(d) {
		out = append([]string{d}, out...)
		if d == filepath.Dir(d) {
			return out
		}
	}
}

// canAccess applies the kernel's permission check (POSIX.1e ACLs included,
// where the system has them) for u and the permission bits want.
func canAccess(path string, fi fs.FileInfo, u brokeruser.User, want fs.FileMode) bool {
	if u.Spec.UID == 0 {
		return true // root reads and searches everything (CAP_DAC_OVERRIDE)
	}
	fileUID, fileGID, _ := owner.Of(fi)
	perm := fi.Mode().Perm()
	granted := func(bits fs.FileMode) bool { return bits&want == want }
	if fileUID == u.Spec.UID {
		return granted(perm >> 6)
	}
	acl := readACL(path)
	if acl == nil {
		if u.InGroup(fileGID) {
			return granted(perm >> 3)
		}
		return granted(perm)
	}
	// With an ACL, the mode's group bits are the mask of every entry but
	// the owner's and others'.
	mask := perm >> 3
	for _, e := range acl {
		if e.tag == aclUser && e.id == u.Spec.UID {
			return granted(e.perm & mask)
		}
	}
	member := false
	for _, e := range acl {
		if e.tag == aclGroupObj && u.InGroup(fileGID) || e.tag == aclGroup && u.InGroup(e.id) {
			member = true
			if granted(e.perm & mask) {
				return true
			}
		}
	}
	return !member && granted(perm)
}

// chownArg is USER[:GROUP] for u, by name where this system knows it.
func chownArg(u brokeruser.User) string {
	s := idName(u.Name, u.Spec.UID)
	if u.Spec.HasGID {
		s += ":" + groupArg(u.Spec.GID)
	}
	return s
}

func idName(name string, id int) string {
	if name != "" {
		return name
	}
	return strconv.Itoa(id)
}

func groupArg(gid int) string {
	if g, err := user.LookupGroupId(strconv.Itoa(gid)); err == nil {
		return g.Name
	}
	return strconv.Itoa(gid)
}
