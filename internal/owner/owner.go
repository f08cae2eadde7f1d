// Package owner says who should own a file: a user and a group, each either
// named or left as it is. It is the one meaning of "owner" shared by the
// replacement of a file, the broker-user resolution and --check.
package owner

import (
	"fmt"
	"io/fs"
	"os/user"
	"strconv"
)

// Spec is who should own a file. An unset part (HasUID or HasGID false)
// means "leave it as it is" when writing and "any" when checking.
type Spec struct {
	UID, GID       int
	HasUID, HasGID bool
}

// User is the owner uid with its group gid.
func User(uid, gid int) Spec { return Spec{UID: uid, GID: gid, HasUID: true, HasGID: true} }

// IsZero reports whether s names neither a user nor a group.
func (s Spec) IsZero() bool { return !s.HasUID && !s.HasGID }

// Matches reports whether a file owned by uid and gid is owned as s says.
func (s Spec) Matches(uid, gid int) bool {
	return (!s.HasUID || s.UID == uid) && (!s.HasGID || s.GID == gid)
}

// Of returns the owner and group of the file fi describes; ok is false where
// fi holds none (on Windows, or a FileInfo that did not come from the system).
func Of(fi fs.FileInfo) (uid, gid int, ok bool) { return of(fi) }

// UserName is "name (uid)" for messages, or the number alone for a user this system does not
// know, such as a container's.
func UserName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return fmt.Sprintf("%s (%d)", u.Username, uid)
	}
	return strconv.Itoa(uid)
}

// GroupName is "name (gid)", or the number alone, as UserName.
func GroupName(gid int) string {
	if g, err := user.LookupGroupId(strconv.Itoa(gid)); err == nil {
		return fmt.Sprintf("%s (%d)", g.Name, gid)
	}
	return strconv.Itoa(gid)
}
