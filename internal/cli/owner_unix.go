//go:build unix

package cli

import (
	"os"
	"syscall"
)

// ownedBy reports whether the file at path has owner uid and group gid;
// -1 matches any.
func ownedBy(path string, uid, gid int) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && (uid < 0 || int(st.Uid) == uid) && (gid < 0 || int(st.Gid) == gid)
}
