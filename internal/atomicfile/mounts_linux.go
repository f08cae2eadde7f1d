package atomicfile

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// mount is one line of a mountinfo table (proc(5)): the device, the path inside the device's file
// system that is mounted, and where.
type mount struct {
	dev         string // "major:minor"
	root, point string
}

// boundElsewhere reports whether the file at path (fi its lstat) is itself a mount point, or is
// mounted on its own at another place in any mount namespace this process can read: a single
// file given to a container with docker run -v. A rename would give path a new inode while that
// other mount kept showing the old one, so such a file is rewritten in place. Root can read every
// process's /proc/<pid>/mountinfo; what cannot be read is not seen, which is what WithInPlace is
// for.
func boundElsewhere(path string, fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	dev := strconv.FormatUint(uint64(unix.Major(uint64(st.Dev))), 10) + ":" +
		strconv.FormatUint(uint64(unix.Minor(uint64(st.Dev))), 10)
	own, err := readMounts("/proc/self/mountinfo")
	if err != nil {
		return false
	}
	// The path inside the file system of the mount that holds path: the longest mount point
	// of the same device that path is under.
	var in *mount
	for i, m := range own {
		if m.dev == dev && under(path, m.point) && (in == nil || len(m.point) > len(in.point)) {
			in = &own[i]
		}
	}
	if in == nil {
		return false
	}
	if in.point == path {
		return true
	}
	rel := filepath.Join(in.root, strings.TrimPrefix(path, in.point))

	procs, err := os.ReadDir("/proc")
	if err != nil {
		return false
	}
	seen := map[string]bool{}
	for _, p := range procs {
		if _, err := strconv.Atoi(p.Name()); err != nil {
			continue
		}
		// Processes of one namespace share one table: read it once.
		ns, err := os.Readlink("/proc/" + p.Name() + "/ns/mnt")
		if err != nil || seen[ns] {
			continue
		}
		seen[ns] = true
		mounts, err := readMounts("/proc/" + p.Name() + "/mountinfo")
		if err != nil {
			continue
		}
		for _, m := range mounts {
			if m.dev == dev && m.root == rel {
				return true
			}
		}
	}
	return false
}

// under reports whether path is dir or inside it.
func under(path, dir string) bool {
	return path == dir || dir == "/" || strings.HasPrefix(path, dir+"/")
}

// readMounts parses a mountinfo table.
func readMounts(name string) ([]mount, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var mounts []mount
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		// 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mounts = append(mounts, mount{dev: fields[2], root: unescape(fields[3]), point: unescape(fields[4])})
	}
	return mounts, sc.Err()
}

// unescape undoes the octal escapes (\040 for a space) that mountinfo writes for space, tab,
// newline and backslash.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
