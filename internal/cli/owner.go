package cli

import (
	"os/user"
	"runtime"
	"strconv"
	"strings"

	"github.com/mqpasswd/mqpasswd/internal/owner"
)

// parseOwner reads --owner USER[:GROUP] or :GROUP, each a name or a number.
// Numbers are taken as they are, without a lookup, so that a Docker host can
// hand the file to a container's user (--owner 1883:1883) that it does not
// know itself.
func parseOwner(arg string) (spec owner.Spec, err error) {
	if runtime.GOOS == "windows" {
		return spec, fail(ExitError, msgOwnerUnsupported)
	}
	name, group, hasGroup := strings.Cut(arg, ":")
	if name == "" && !hasGroup || hasGroup && group == "" || strings.Contains(group, ":") {
		return spec, fail(ExitError, msgOwnerBad, arg)
	}
	if name != "" {
		spec.HasUID = true
		if spec.UID, err = lookupID(name, func(n string) (string, error) {
			u, err := user.Lookup(n)
			if err != nil {
				return "", err
			}
			return u.Uid, nil
		}); err != nil {
			return owner.Spec{}, fail(ExitError, msgOwnerUser, name)
		}
	}
	if hasGroup {
		spec.HasGID = true
		if spec.GID, err = lookupID(group, func(n string) (string, error) {
			g, err := user.LookupGroup(n)
			if err != nil {
				return "", err
			}
			return g.Gid, nil
		}); err != nil {
			return owner.Spec{}, fail(ExitError, msgOwnerGroup, group)
		}
	}
	return spec, nil
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
