package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/mqpasswd/mqpasswd/internal/owner"
)

// rewriteInPlace makes the finished temporary file the target's content without a rename, for a
// target that rename cannot replace or must not (a bind-mounted file). The complete new content is
// made durable beside the target first, under the name finishRewrite looks for, so that a crash
// while the target is being overwritten is finished by the next run. It owns tmpName from here on.
func (t *target) rewriteInPlace(tmpName string) error {
	rec := rewriteName(t.path)
	if err := os.Rename(tmpName, rec); err != nil {
		os.Remove(tmpName)
		return t.writeErr(err)
	}
	if err := t.syncDir(); err != nil {
		os.Remove(rec)
		return t.writeErr(err)
	}
	if err := t.cfg.step("staged"); err != nil {
		return t.writeErr(err)
	}
	src, err := openRegular(rec, os.O_RDONLY)
	if err != nil {
		return t.writeErr(err)
	}
	defer src.Close()
	if touched, err := t.copyIn(src); err != nil {
		if !touched {
			os.Remove(rec)
		}
		return err
	}
	if err := t.cfg.step("copied"); err != nil {
		return t.writeErr(err)
	}
	return t.removeRewrite(rec)
}

// finishRewrite completes an in-place rewrite that a killed or failed run left behind, before
// anything reads the target. It copies rather than renames, also where a rename would work, so the
// target keeps its inode as the interrupted rewrite meant it to.
//
// Whoever can write the directory can put a file under that name, so it is untrusted input: it is
// opened without following a link or blocking on a FIFO, and copied only when it is what
// rewriteInPlace leaves: a regular file with one link and the target's owner, group and mode,
// whose content passes the WithValidate check. Anything else is a *PlantedFileError and is left
// where it is; the target is not touched.
func (t *target) finishRewrite() error {
	rec := rewriteName(t.path)
	if _, err := os.Lstat(rec); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return t.writeErr(err)
	}
	if !t.exists {
		// The file it was meant for is gone; there is nothing to finish, and a file made
		// later must not receive it. Removing a name follows no link.
		os.Remove(rec)
		return nil
	}
	src, err := openRegular(rec, os.O_RDONLY)
	switch {
	case errors.Is(err, syscall.ELOOP):
		return &PlantedFileError{Path: rec, Reason: "a symbolic link where an interrupted rewrite's content belongs"}
	case errors.Is(err, errNotRegular) || errors.Is(err, syscall.EISDIR):
		return &PlantedFileError{Path: rec, Reason: "not a regular file where an interrupted rewrite's content belongs"}
	case err != nil:
		return t.writeErr(err)
	}
	defer src.Close()
	if reason := t.notOurRewrite(src); reason != "" {
		return &PlantedFileError{Path: rec, Reason: reason}
	}
	if _, err := t.copyIn(src); err != nil {
		return err
	}
	return t.removeRewrite(rec)
}

// notOurRewrite says why src is not the content an interrupted rewrite of t left, or "".
func (t *target) notOurRewrite(src *os.File) string {
	fi, err := src.Stat()
	if err != nil {
		return err.Error()
	}
	uid, gid, _ := owner.Of(fi)
	tuid, tgid, _ := owner.Of(t.info)
	switch {
	case otherLinks(fi):
		return "it has other links"
	case uid != tuid || gid != tgid:
		return "it is not owned like the file it would replace"
	case fi.Mode().Perm() != t.info.Mode().Perm():
		return "its mode is not the mode of the file it would replace"
	}
	if t.cfg.validate == nil {
		return ""
	}
	verr := t.cfg.validate(bufio.NewReaderSize(src, bufSize))
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return err.Error()
	}
	if verr != nil {
		return "its content is not a valid file: " + verr.Error()
	}
	return ""
}

func (t *target) removeRewrite(rec string) error {
	if err := os.Remove(rec); err != nil {
		return t.writeErr(err)
	}
	// Without this a crash could bring rec back; harmless (the next run would copy the same
	// content again) but it would be left beside the file until then.
	if err := t.syncDir(); err != nil {
		return t.writeErr(err)
	}
	return nil
}

// copyIn overwrites the target's content with src's, keeping the target's inode, and makes it
// durable. touched reports whether the target may have changed before an error.
func (t *target) copyIn(src *os.File) (touched bool, err error) {
	fi, err := src.Stat()
	if err != nil {
		return false, t.writeErr(err)
	}
	// No O_TRUNC: the old content stays until the new content overwrites it.
	out, err := openRegular(t.path, os.O_WRONLY)
	if err != nil {
		return false, t.writeErr(err)
	}
	defer out.Close()
	if held, err := out.Stat(); err != nil || !os.SameFile(held, t.info) {
		return false, t.writeErr(errMoved)
	}
	if err := preallocate(out, fi.Size()); err != nil {
		return false, t.writeErr(err)
	}
	if err := chownIfDiffers(out, t.cfg.uid, t.cfg.gid); err != nil {
		return false, t.writeErr(err)
	}

	touched = true
	buf := make([]byte, bufSize)
	for {
		n, rerr := src.Read(buf)
		if n > 0 {
			if _, err := out.Write(buf[:n]); err != nil {
				return true, t.writeErr(err)
			}
			if err := t.cfg.step("inplace"); err != nil {
				return true, t.writeErr(err)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return true, t.writeErr(rerr)
		}
	}
	if err := out.Truncate(fi.Size()); err != nil {
		return true, t.writeErr(err)
	}
	if err := t.cfg.sync(out); err != nil {
		return true, t.writeErr(err)
	}
	return true, nil
}
