// Package brokeruser finds the user a Mosquitto broker runs as, and so who
// must be able to read its password file: brokers start as root and drop to
// that user (with its groups, as initgroups gives them) before they open it.
package brokeruser

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"slices"
	"strconv"

	"github.com/mqpasswd/mqpasswd/internal/owner"
)

// Source says how a User was found, for messages.
type Source string

const (
	SourceNone    Source = ""              // not found: Resolve's caller warns
	SourceOwner   Source = "--owner"       // given on the command line
	SourceConfig  Source = "configuration" // the `user` option of mosquitto.conf
	SourceEnv     Source = "PUID/PGID"     // the environment, as in the 2.1 Docker image
	SourceDefault Source = "mosquitto"     // the local user the broker drops to by default
	SourceRunning Source = "running user"  // whoever runs this tool
)

// Describe says in words where a User came from, for messages.
func (s Source) Describe() string {
	switch s {
	case SourceOwner:
		return "given with --owner"
	case SourceConfig:
		return "the user option of the configuration"
	case SourceEnv:
		return "PUID/PGID in the environment"
	case SourceDefault:
		return "the user the broker drops to by default"
	case SourceRunning:
		return "the user running this command"
	}
	return "not found"
}

// DefaultName is the user a broker drops to when its configuration names
// none (mosquitto.conf(5), user); Debian's package creates it, and the
// official Docker images with uid 1883.
const DefaultName = "mosquitto"

// User is the broker's user.
type User struct {
	// Name is the login name, "" when this system does not know the uid
	// (a container's user seen from the host).
	Name string
	// Spec is who should own the password file: the user and its primary
	// group. An unset part means "any" (--owner USER, or PUID alone).
	Spec owner.Spec
	// Groups are the groups the broker process holds: the primary group
	// and the supplementary groups of Name.
	Groups []int
	Source Source
}

// Found reports whether u names a user at all.
func (u User) Found() bool { return u.Spec.HasUID }

// InGroup reports whether the broker process holds group gid.
func (u User) InGroup(gid int) bool { return slices.Contains(u.Groups, gid) }

// String is "name (uid)", or the uid alone for a user this system does not
// know; "" when u is not Found.
func (u User) String() string {
	switch {
	case !u.Found():
		return ""
	case u.Name == "":
		return strconv.Itoa(u.Spec.UID)
	}
	return fmt.Sprintf("%s (%d)", u.Name, u.Spec.UID)
}

// Sources are what Resolve looks at, in its order.
type Sources struct {
	Owner      owner.Spec          // --owner; zero when not given
	ConfigUser string              // the configuration's `user`; "" when none
	Getenv     func(string) string // PUID and PGID; nil reads nothing
}

var (
	// ErrUnknownUser is wrapped by Resolve's error when the configuration
	// names a user this system does not know.
	ErrUnknownUser = errors.New("not a user of this system")
	// ErrBadEnv is wrapped by Resolve's error for a PUID or PGID that is
	// not a number.
	ErrBadEnv = errors.New("not a user or group id")
)

// Resolve finds the broker's user: s.Owner when it names a user; the
// configuration's user; PUID (and PGID) from the environment; the local user
// "mosquitto"; else a User that is not Found, for the caller to warn about.
// --owner :GROUP alone names no user, and only sets the group of the result.
func Resolve(s Sources) (User, error) {
	u, err := resolveUser(s)
	if err != nil || !s.Owner.HasGID {
		return u, err
	}
	u.Spec.GID, u.Spec.HasGID = s.Owner.GID, true
	if !slices.Contains(u.Groups, s.Owner.GID) && u.Found() {
		u.Groups = append(u.Groups, s.Owner.GID)
	}
	return u, nil
}

func resolveUser(s Sources) (User, error) {
	getenv := s.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	switch {
	case s.Owner.HasUID:
		u := byID(s.Owner.UID)
		u.Source = SourceOwner
		// --owner USER leaves the group as it is: "any" when checking.
		u.Spec.HasGID, u.Spec.GID = false, 0
		return u, nil
	case s.ConfigUser != "":
		lu, err := user.Lookup(s.ConfigUser)
		if err != nil {
			return User{}, fmt.Errorf("user %s of the configuration: %w", s.ConfigUser, ErrUnknownUser)
		}
		u := fromLookup(lu)
		u.Source = SourceConfig
		return u, nil
	case getenv("PUID") != "":
		uid, err := parseID("PUID", getenv("PUID"))
		if err != nil {
			return User{}, err
		}
		u := byID(uid)
		if pgid := getenv("PGID"); pgid != "" {
			gid, err := parseID("PGID", pgid)
			if err != nil {
				return User{}, err
			}
			u.Spec.GID, u.Spec.HasGID = gid, true
			if !slices.Contains(u.Groups, gid) {
				u.Groups = append(u.Groups, gid)
			}
		}
		u.Source = SourceEnv
		return u, nil
	}
	if lu, err := user.Lookup(DefaultName); err == nil {
		u := fromLookup(lu)
		u.Source = SourceDefault
		return u, nil
	}
	return User{}, nil
}

func parseID(name, value string) (int, error) {
	n, err := strconv.ParseUint(value, 10, 31)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: %w", name, value, ErrBadEnv)
	}
	return int(n), nil
}

// byID is the user uid, with its name, primary group and groups where this
// system knows it, and with no group otherwise.
func byID(uid int) User {
	if lu, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		if u := fromLookup(lu); u.Found() {
			return u
		}
	}
	return User{Spec: owner.Spec{UID: uid, HasUID: true}}
}

func fromLookup(lu *user.User) User {
	uid, err := strconv.Atoi(lu.Uid)
	if err != nil {
		return User{} // Windows SIDs: no uid to own or check a file
	}
	u := User{Name: lu.Username, Spec: owner.Spec{UID: uid, HasUID: true}}
	if gid, err := strconv.Atoi(lu.Gid); err == nil {
		u.Spec.GID, u.Spec.HasGID = gid, true
		u.Groups = []int{gid}
	}
	// initgroups: the broker holds the user's supplementary groups too.
	ids, _ := lu.GroupIds()
	for _, id := range ids {
		if gid, err := strconv.Atoi(id); err == nil && !slices.Contains(u.Groups, gid) {
			u.Groups = append(u.Groups, gid)
		}
	}
	return u
}

// Current is the user running this tool, with its effective ids and groups:
// who --check judges access for when nothing says who the broker is.
func Current() User {
	u := User{Spec: owner.User(os.Geteuid(), os.Getegid()), Source: SourceRunning}
	if u.Spec.UID < 0 {
		return User{Source: SourceRunning} // Windows: no uid
	}
	if lu, err := user.LookupId(strconv.Itoa(u.Spec.UID)); err == nil {
		u.Name = lu.Username
	}
	u.Groups = []int{u.Spec.GID}
	groups, _ := os.Getgroups()
	for _, g := range groups {
		if !slices.Contains(u.Groups, g) {
			u.Groups = append(u.Groups, g)
		}
	}
	return u
}

// ForCheck is who --check judges access for: the running user when it is
// not root and neither --owner nor --conf is given (as before the broker's
// user was known), else Resolve's answer.
func ForCheck(s Sources, haveConf bool) (User, error) {
	if os.Geteuid() != 0 && s.Owner.IsZero() && !haveConf {
		return Current(), nil
	}
	return Resolve(s)
}
