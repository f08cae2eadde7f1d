package cli

import (
	"os"
	"os/user"
	"runtime"
	"strconv"
	"strings"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
)

// parseOwner reads --owner USER[:GROUP] or :GROUP, each a name or a number,
// into a uid and gid (-1: keep). Numbers are taken as they are, without a
// lookup, so that a Docker host can hand the file to a container's user
// (--owner 1883:1883) that it does not know itself.
func parseOwner(spec string) (uid, gid int, err error) {
	if runtime.GOOS == "windows" {
		return 0, 0, fail(ExitError, msgOwnerUnsupported)
	}
	name, group, hasGroup := strings.Cut(spec, ":")
	if name == "" && !hasGroup || hasGroup && group == "" || strings.Contains(group, ":") {
		return 0, 0, fail(ExitError, msgOwnerBad, spec)
	}
	uid, gid = -1, -1
	if name != "" {
		if uid, err = lookupID(name, func(n string) (string, error) {
			u, err := user.Lookup(n)
			if err != nil {
				return "", err
			}
			return u.Uid, nil
		}); err != nil {
			return 0, 0, fail(ExitError, msgOwnerUser, name)
		}
	}
	if hasGroup {
		if gid, err = lookupID(group, func(n string) (string, error) {
			g, err := user.LookupGroup(n)
			if err != nil {
				return "", err
			}
			return g.Gid, nil
		}); err != nil {
			return 0, 0, fail(ExitError, msgOwnerGroup, group)
		}
	}
	return uid, gid, nil
}

// lookupID returns s as a number if it is one (below 2^31, as chown takes
// it), else the id lookup gives for the name s.
func lookupID(s string, lookup func(string) (string, error)) (int, error) {
	if n, err := strconv.ParseUint(s, 10, 31); err == nil {
		return int(n), nil
	}
	id, err := lookup(s)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(id, 10, 31)
	return int(n), err
}

// ownedBy reports whether the file at path has owner uid and group gid;
// -1 matches any. It is true where files have no Unix owner, since
// parseOwner refuses --owner there anyway.
func ownedBy(path string, uid, gid int) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	fileUID, fileGID, ok := atomicfile.Owner(fi)
	return !ok || (uid < 0 || fileUID == uid) && (gid < 0 || fileGID == gid)
}
