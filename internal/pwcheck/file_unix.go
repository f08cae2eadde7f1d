//go:build unix

package pwcheck

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strconv"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
)

// checkOwnership reports what Mosquitto 2.1 brokers warn about when they
// open the password file (broker-acceptance.md): any permission bit for
// others, and an owner or group other than the broker process's.
func checkOwnership(path string, fi fs.FileInfo, uid, gid int) []Finding {
	var out []Finding
	if perm := fi.Mode().Perm(); perm&0o007 != 0 {
		out = append(out, Finding{Severity: SeverityWarning, Code: CodeWorldAccess,
			Message: fmt.Sprintf("mode %04o lets every user of the machine read the hashes (2.1 brokers warn, and say future versions will refuse the file): chmod 600 %s", perm, path)})
	}
	fileUID, fileGID, ok := atomicfile.Owner(fi)
	if !ok {
		return out
	}
	if uid == -1 {
		uid = os.Geteuid()
	}
	if gid == -1 {
		gid = os.Getegid()
	}
	if uid != AnyID && fileUID != uid {
		out = append(out, Finding{Severity: SeverityWarning, Code: CodeOwner,
			Message: fmt.Sprintf("owned by user %s, not %s, the broker's (2.1 brokers warn, and say future versions will refuse the file): chown %d %s, or name the broker's user with --owner if it is not %s", userName(fileUID), userName(uid), uid, path, userName(uid))})
	}
	if gid != AnyID && fileGID != gid {
		out = append(out, Finding{Severity: SeverityWarning, Code: CodeGroup,
			Message: fmt.Sprintf("group %s, not %s, the broker's (2.1 brokers warn, and say future versions will refuse the file): chgrp %d %s, or name the broker's group with --owner USER:GROUP if it is not %s", groupName(fileGID), groupName(gid), gid, path, groupName(gid))})
	}
	return out
}

// userName is "name (uid)", or the number alone for a user the system does
// not know, such as a container's.
func userName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return fmt.Sprintf("%s (%d)", u.Username, uid)
	}
	return strconv.Itoa(uid)
}

func groupName(gid int) string {
	if g, err := user.LookupGroupId(strconv.Itoa(gid)); err == nil {
		return fmt.Sprintf("%s (%d)", g.Name, gid)
	}
	return strconv.Itoa(gid)
}
