package brokeruser

import (
	"errors"
	"os"
	"os/user"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/owner"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// lookup returns the local user name with its uid and gid, or skips.
func lookup(t *testing.T, name string) (uid, gid int) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("no uids on Windows")
	}
	u, err := user.Lookup(name)
	if err != nil {
		t.Skipf("no local user %s: %v", name, err)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid
}

func TestResolveOrder(t *testing.T) {
	rootUID, rootGID := lookup(t, "root")
	nobodyUID, nobodyGID := lookup(t, "nobody")
	_, haveMosquitto := user.Lookup(DefaultName)
	tests := []struct {
		name    string
		s       Sources
		want    owner.Spec
		source  Source
		wantErr error
	}{
		{"--owner wins over everything, with any group",
			Sources{Owner: owner.Spec{UID: nobodyUID, HasUID: true}, ConfigUser: "root", Getenv: env(map[string]string{"PUID": "5"})},
			owner.Spec{UID: nobodyUID, HasUID: true}, SourceOwner, nil},
		{"--owner with a group",
			Sources{Owner: owner.User(1883, 1884)},
			owner.User(1883, 1884), SourceOwner, nil},
		{"--owner :GROUP names the group of the next source",
			Sources{Owner: owner.Spec{GID: 7, HasGID: true}, ConfigUser: "nobody"},
			owner.User(nobodyUID, 7), SourceConfig, nil},
		{"the configuration's user before the environment",
			Sources{ConfigUser: "root", Getenv: env(map[string]string{"PUID": "1883"})},
			owner.User(rootUID, rootGID), SourceConfig, nil},
		{"the configuration names an unknown user",
			Sources{ConfigUser: "no-such-user-here"}, owner.Spec{}, SourceNone, ErrUnknownUser},
		{"PUID and PGID",
			Sources{Getenv: env(map[string]string{"PUID": "1883", "PGID": "1884"})},
			owner.User(1883, 1884), SourceEnv, nil},
		{"PUID alone, unknown here: any group",
			Sources{Getenv: env(map[string]string{"PUID": "48213"})},
			owner.Spec{UID: 48213, HasUID: true}, SourceEnv, nil},
		{"PUID alone, known here: its group",
			Sources{Getenv: env(map[string]string{"PUID": strconv.Itoa(nobodyUID)})},
			owner.User(nobodyUID, nobodyGID), SourceEnv, nil},
		{"PUID not a number", Sources{Getenv: env(map[string]string{"PUID": "mosquitto"})}, owner.Spec{}, SourceNone, ErrBadEnv},
		{"PGID not a number", Sources{Getenv: env(map[string]string{"PUID": "1", "PGID": "-1"})}, owner.Spec{}, SourceNone, ErrBadEnv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := Resolve(tt.s)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if u.Spec != tt.want || u.Source != tt.source {
				t.Errorf("Resolve = %+v from %q, want %+v from %q", u.Spec, u.Source, tt.want, tt.source)
			}
			if u.Spec.HasGID && !slices.Contains(u.Groups, u.Spec.GID) {
				t.Errorf("groups %v lack the primary group %d", u.Groups, u.Spec.GID)
			}
		})
	}
	t.Run("nothing given", func(t *testing.T) {
		u, err := Resolve(Sources{})
		if err != nil {
			t.Fatal(err)
		}
		if haveMosquitto != nil {
			if u.Found() || u.Source != SourceNone {
				t.Errorf("without a mosquitto user: %+v", u)
			}
			return
		}
		uid, gid := lookup(t, DefaultName)
		if u.Spec != owner.User(uid, gid) || u.Source != SourceDefault || u.Name != DefaultName {
			t.Errorf("Resolve = %+v, want the mosquitto user %d:%d", u, uid, gid)
		}
	})
}

// TestResolveGroups checks that the supplementary groups come along, as
// the broker's initgroups gives them.
func TestResolveGroups(t *testing.T) {
	uid, _ := lookup(t, "root")
	lu, err := user.LookupId(strconv.Itoa(uid))
	if err != nil {
		t.Skip(err)
	}
	ids, err := lu.GroupIds()
	if err != nil {
		t.Skip(err)
	}
	u, err := Resolve(Sources{ConfigUser: lu.Username})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		n, _ := strconv.Atoi(id)
		if !slices.Contains(u.Groups, n) {
			t.Errorf("groups %v lack %d", u.Groups, n)
		}
	}
	if u.String() != lu.Username+" ("+lu.Uid+")" {
		t.Errorf("String() = %q", u.String())
	}
	if s := (User{Spec: owner.Spec{UID: 48213, HasUID: true}}).String(); s != "48213" {
		t.Errorf("String() of an unknown uid = %q", s)
	}
}

func TestCurrent(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no uids on Windows")
	}
	u := Current()
	if !u.Found() || u.Source != SourceRunning || !slices.Contains(u.Groups, u.Spec.GID) {
		t.Errorf("Current() = %+v", u)
	}
}

func TestForCheck(t *testing.T) {
	got, err := ForCheck(Sources{}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := Current()
	if os.Geteuid() == 0 {
		// Root is not who the broker runs as: the same answer as Resolve.
		if want, err = Resolve(Sources{}); err != nil {
			t.Fatal(err)
		}
	}
	if got.Spec != want.Spec || got.Source != want.Source {
		t.Errorf("ForCheck = %+v, want %+v", got, want)
	}
	if got, _ := ForCheck(Sources{Owner: owner.User(1883, 1883)}, false); got.Source != SourceOwner {
		t.Errorf("ForCheck with --owner: %+v", got)
	}
}
