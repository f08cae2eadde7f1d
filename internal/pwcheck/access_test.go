//go:build unix

package pwcheck

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/brokeruser"
	"github.com/mqpasswd/mqpasswd/internal/nobodytest"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// withRoot skips a test that needs root, except in CI.
func withRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("this test needs root")
		}
		t.Skip("needs root to give files to other users")
	}
}

func lookupUser(t *testing.T, name string) brokeruser.User {
	t.Helper()
	u, err := brokeruser.Resolve(brokeruser.Sources{ConfigUser: name})
	if err != nil {
		t.Skipf("no user %s: %v", name, err)
	}
	return u
}

// TestCheckAccess judges access as the broker's user, not as root who
// runs the check: the bug of issue 9, where a root-owned 0600 file passed.
func TestCheckAccess(t *testing.T) {
	withRoot(t)
	nobody := lookupUser(t, "nobody")
	root := lookupUser(t, "root")
	// A user whose supplementary group owns the file.
	grp := nobody
	grp.Groups = append([]int(nil), nobody.Groups...)
	grp.Groups = append(grp.Groups, 4242)
	_, setfaclErr := exec.LookPath("setfacl")

	tests := []struct {
		name     string
		as       brokeruser.User
		dirMode  os.FileMode
		fileMode os.FileMode
		fileUID  int
		fileGID  int
		acl      string // setfacl -m argument, "" for none
		want     string // "", "file" or "dir"
	}{
		{"root's 0600 file, broker nobody", nobody, 0o755, 0o600, 0, 0, "", "file"},
		{"root's 0600 file, broker root", root, 0o700, 0o600, 0, 0, "", ""},
		{"nobody's 0600 file", nobody, 0o755, 0o600, nobody.Spec.UID, nobody.Spec.GID, "", ""},
		{"nobody's 0600 file in a 0700 directory", nobody, 0o700, 0o600, nobody.Spec.UID, nobody.Spec.GID, "", "dir"},
		{"0711 directory: search is enough", nobody, 0o711, 0o600, nobody.Spec.UID, nobody.Spec.GID, "", ""},
		{"owner without read", nobody, 0o755, 0o044, nobody.Spec.UID, nobody.Spec.GID, "", "file"},
		{"group read through a supplementary group", grp, 0o755, 0o640, 0, 4242, "", ""},
		{"group read, not a member", nobody, 0o755, 0o640, 0, 4242, "", "file"},
		{"others' read", nobody, 0o755, 0o604, 0, 0, "", ""},
		{"a group member is not given others' bits", grp, 0o755, 0o604, 0, 4242, "", "file"},
		{"ACL for the user", nobody, 0o755, 0o600, 0, 0, "u:" + strconv.Itoa(nobody.Spec.UID) + ":r", ""},
		{"ACL for the user, masked", nobody, 0o755, 0o600, 0, 0, "u:" + strconv.Itoa(nobody.Spec.UID) + ":r,m::-", "file"},
		{"ACL for a group of the user", grp, 0o755, 0o600, 0, 0, "g:4242:r", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.acl != "" && setfaclErr != nil {
				t.Skip("setfacl is not installed")
			}
			top := nobodytest.Dir(t)
			dir := filepath.Join(top, "d")
			if err := os.Mkdir(dir, tt.dirMode); err != nil {
				t.Fatal(err)
			}
			os.Chmod(dir, tt.dirMode)
			path := filepath.Join(dir, "passwd")
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(path, tt.fileUID, tt.fileGID); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.fileMode); err != nil {
				t.Fatal(err)
			}
			if tt.acl != "" {
				if out, err := exec.Command("setfacl", "-m", tt.acl, path).CombinedOutput(); err != nil {
					t.Skipf("setfacl: %v: %s", err, out)
				}
			}
			fs, err := CheckFileAs(path, pwhash.Broker21, tt.as)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, f := range fs {
				if f.Code != CodeUnreadable {
					continue
				}
				if f.Severity != SeverityError || f.Effect != EffectRefusesFile {
					t.Errorf("finding %+v", f)
				}
				got = "file"
				if strings.Contains(f.Message, "directory "+dir+" ") {
					got = "dir"
				}
				if tt.as.Spec.UID != 0 && (strings.Contains(f.Message, "chown root") || strings.Contains(f.Message, "chown 0")) {
					t.Errorf("advises root: %s", f.Message)
				}
				if got == "file" && !strings.Contains(f.Message, "chown "+chownArg(tt.as)+" "+path) {
					t.Errorf("no chown advice for the broker's user: %s", f.Message)
				}
			}
			if got != tt.want {
				t.Errorf("unreadable = %q, want %q (findings %+v)", got, tt.want, fs)
			}
			// The kernel agrees: cat, run as the broker's user, opens it or not.
			cat := exec.Command("cat", path)
			groups := make([]uint32, len(tt.as.Groups))
			for i, g := range tt.as.Groups {
				groups[i] = uint32(g)
			}
			cat.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{
				Uid: uint32(tt.as.Spec.UID), Gid: uint32(tt.as.Spec.GID), Groups: groups}}
			if err := cat.Run(); (err == nil) != (tt.want == "") {
				t.Errorf("cat as uid %d: %v, but the check says %q", tt.as.Spec.UID, err, got)
			}
		})
	}
}

// TestCheckAccessAdvice: a working mosquitto-owned 0600 file gets no advice
// to hand it to root, the other half of issue 9's bug.
func TestCheckAccessAdvice(t *testing.T) {
	withRoot(t)
	u := lookupUser(t, brokeruser.DefaultName)
	path := filepath.Join(nobodytest.Dir(t), "passwd")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, u.Spec.UID, u.Spec.GID); err != nil {
		t.Fatal(err)
	}
	fs, err := CheckFileAs(path, pwhash.Broker21, u)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 0 {
		t.Errorf("findings on a mosquitto:mosquitto 0600 file: %+v", fs)
	}
	os.Chown(path, 0, 0)
	fs, _ = CheckFileAs(path, pwhash.Broker21, u)
	g, _ := user.LookupGroupId(strconv.Itoa(u.Spec.GID))
	want := "chown " + u.Name + ":" + g.Name + " " + path + "; chmod 600 " + path
	if len(fs) != 1 || !strings.HasSuffix(fs[0].Message, want) {
		t.Errorf("root's 0600 file: %+v, want one finding ending %q", fs, want)
	}
}
