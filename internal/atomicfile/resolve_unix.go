//go:build unix

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/mqpasswd/mqpasswd/internal/owner"
)

// maxLinks is Linux's MAXSYMLINKS: how many links one resolution may follow before ELOOP.
const maxLinks = 40

// walk resolves name as realpath does, one component at a time with lstat, and returns the real
// path with the lstat of the file it names, or, when only the last component is missing, the name
// a create makes (a dangling link's target, as fopen's O_CREAT follows it) with a nil FileInfo.
// A missing directory on the way is an error wrapping ENOENT.
//
// A link is followed when it is the running user's, or when nobody but root and the running user
// could have put it where it is: neither its directory nor any directory on the way to it is
// writable by anyone else (a sticky directory protects what root, its owner or the running user
// owns in it). Otherwise walk stops with an *UnsafeLinkError, unless followUnsafe: this is the rule
// of the kernel's protected_symlinks, widened from sticky world-writable directories to every
// directory that someone else can write, because a password file's directory is often the
// broker's (the Docker image chowns /mosquitto to it) and root must not be redirected by it.
func walk(name string, followUnsafe bool) (string, fs.FileInfo, error) {
	if name == "" {
		return "", nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOENT}
	}
	abs := name
	if !filepath.IsAbs(name) {
		wd, err := os.Getwd()
		if err != nil {
			return "", nil, err
		}
		abs = wd + "/" + name
	}
	euid := os.Geteuid()
	rest := strings.Split(abs, "/")
	cur, exposed, links := "/", false, 0
	curInfo, err := os.Lstat(cur)
	if err != nil {
		return "", nil, err
	}
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			// cur is a real path, so its parent is the physical one, as for realpath.
			cur = filepath.Dir(cur)
			if curInfo, err = os.Lstat(cur); err != nil {
				return "", nil, err
			}
			continue
		}
		p := filepath.Join(cur, c)
		fi, err := os.Lstat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && !hasComponent(rest) {
				return p, nil, nil
			}
			return "", nil, err
		}
		entryExposed := exposed || replaceable(curInfo, fi, euid)
		if fi.Mode()&fs.ModeSymlink != 0 {
			if links++; links > maxLinks {
				return "", nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ELOOP}
			}
			uid, _, _ := owner.Of(fi)
			if uid != euid && entryExposed && !followUnsafe {
				return "", nil, &UnsafeLinkError{Link: p, Owner: uid}
			}
			target, err := os.Readlink(p)
			if err != nil {
				return "", nil, err
			}
			if filepath.IsAbs(target) {
				cur, exposed = "/", false
				if curInfo, err = os.Lstat(cur); err != nil {
					return "", nil, err
				}
			}
			rest = append(strings.Split(target, "/"), rest...)
			continue
		}
		if hasComponent(rest) && !fi.IsDir() {
			return "", nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOTDIR}
		}
		cur, curInfo, exposed = p, fi, entryExposed
	}
	return cur, curInfo, nil
}

// hasComponent reports whether rest still names something beyond "" and ".".
func hasComponent(rest []string) bool {
	for _, c := range rest {
		if c != "" && c != "." {
			return true
		}
	}
	return false
}

// replaceable reports whether someone other than root and the user euid could replace the entry
// e in the directory dir: dir is writable by such a user, and, when dir is sticky, e or dir
// belongs to one (the sticky bit lets only them remove or rename e).
func replaceable(dir, e fs.FileInfo, euid int) bool {
	if !writableByOthers(dir, euid) {
		return false
	}
	if dir.Mode()&fs.ModeSticky == 0 {
		return true
	}
	duid, _, _ := owner.Of(dir)
	euidOf, _, _ := owner.Of(e)
	stranger := func(uid int) bool { return uid != 0 && uid != euid }
	return stranger(duid) || stranger(euidOf)
}

// writableByOthers reports whether a user other than root and euid may write the directory fi
// describes. Group write counts unless the group is root's.
func writableByOthers(fi fs.FileInfo, euid int) bool {
	uid, gid, ok := owner.Of(fi)
	if !ok {
		return false
	}
	perm := fi.Mode().Perm()
	return perm&0o002 != 0 ||
		perm&0o020 != 0 && gid != 0 ||
		perm&0o200 != 0 && uid != 0 && uid != euid
}
