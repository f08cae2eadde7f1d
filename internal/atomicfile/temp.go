package atomicfile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// tempInfix marks our files beside a target: ".<base>.mqpasswd-<16 hex digits>" for temporary
// files, ".<base>.mqpasswd-rewrite" for an in-place rewrite in progress, ".<base>.mqpasswd-lock"
// for the lock.
const (
	tempInfix     = ".mqpasswd-"
	tempRandLen   = 16
	rewriteSuffix = tempInfix + "rewrite"
	lockSuffix    = tempInfix + "lock"
)

// nameMax is NAME_MAX, the longest file name Linux, the BSDs, macOS and NTFS accept, in bytes.
const nameMax = 255

// maxBase is the longest base name that fits in our names as it is: "." + base + the longest
// suffix, the temporary files' infix and random digits.
const maxBase = nameMax - 1 - len(tempInfix) - tempRandLen

// stem is the part of our names that stands for a target named base: base itself, or, for a base
// too long to fit (229 bytes and more), its first bytes and 16 hex digits of its SHA-256, so that
// two long names with the same beginning get different stems.
func stem(base string) string {
	if len(base) <= maxBase {
		return base
	}
	sum := sha256.Sum256([]byte(base))
	n := maxBase - 1 - tempRandLen
	for n > 0 && !utf8.RuneStart(base[n]) { // cut between characters, not inside one
		n--
	}
	return base[:n] + "~" + hex.EncodeToString(sum[:tempRandLen/2])
}

// ourName is the name of our file with suffix beside target.
func ourName(target, suffix string) string {
	return filepath.Join(filepath.Dir(target), "."+stem(filepath.Base(target))+suffix)
}

// tempFile is a temporary file beside a target, removed by cleanup unless done says it was renamed.
type tempFile struct {
	f      *os.File
	name   string
	closed bool
	done   bool
}

// createTemp creates a temporary file for target in target's own directory, so that the rename
// stays on one file system. O_EXCL refuses an existing name and any symlink planted at it; the
// random part only makes a collision unlikely, it is not what makes the file safe.
func createTemp(target string) (*tempFile, error) {
	dir, base := filepath.Dir(target), filepath.Base(target)
	for range 100 {
		name := filepath.Join(dir, fmt.Sprintf(".%s%s%0*x", stem(base), tempInfix, tempRandLen, rand.Uint64()))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			return &tempFile{f: f, name: name}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	return nil, &fs.PathError{Op: "create", Path: dir, Err: fs.ErrExist}
}

func (t *tempFile) close() error {
	t.closed = true
	return t.f.Close()
}

func (t *tempFile) cleanup() {
	if !t.closed {
		t.f.Close()
	}
	if !t.done {
		os.Remove(t.name)
	}
}

// isTemp reports whether name is one of our temporary files for a target named base. It matches
// the exact shape only, so that no file of the user's is ever taken for one.
func isTemp(name, base string) bool {
	rest, ok := strings.CutPrefix(name, "."+stem(base)+tempInfix)
	if !ok || len(rest) != tempRandLen {
		return false
	}
	for _, c := range rest {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// removeStaleTemps removes the temporary files a killed run left beside target. The caller holds
// the lock, and every writer of target holds it while its temporary file exists, so none of them
// is in use. Failures are ignored: a file we cannot remove is one we could not have written either.
func removeStaleTemps(target string) {
	dir, base := filepath.Dir(target), filepath.Base(target)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if isTemp(e.Name(), base) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// rewriteName is where the new content waits while a target that cannot be renamed over is
// rewritten in place.
func rewriteName(target string) string { return ourName(target, rewriteSuffix) }

// lockName is the lock file of target.
func lockName(target string) string { return ourName(target, lockSuffix) }
