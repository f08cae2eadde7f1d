package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// rewriteInPlace makes the finished temporary file the target's content without a rename, for a
// target that rename cannot replace (a bind-mounted file). The complete new content is made
// durable beside the target first, under the name finishRewrite looks for, so that a crash while
// the target is being overwritten is finished by the next run. It owns tmpName from here on.
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
	if touched, err := t.copyIn(rec); err != nil {
		if !touched {
			os.Remove(rec)
		}
		return err
	}
	return t.removeRewrite(rec)
}

// finishRewrite completes an in-place rewrite that a killed or failed run left behind, before
// anything reads the target. It copies rather than renames, also where a rename would work: a
// rename would move the target to a new inode under the lock this run holds on the old one.
func (t *target) finishRewrite() error {
	rec := rewriteName(t.path)
	if _, err := os.Lstat(rec); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return t.writeErr(err)
	}
	if !t.exists {
		// The file it was meant for is gone; there is nothing to finish.
		os.Remove(rec)
		return nil
	}
	if _, err := t.copyIn(rec); err != nil {
		return err
	}
	return t.removeRewrite(rec)
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
func (t *target) copyIn(src string) (touched bool, err error) {
	in, err := os.Open(src)
	if err != nil {
		return false, t.writeErr(err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return false, t.writeErr(err)
	}
	// No O_TRUNC: the old content stays until the new content overwrites it.
	out, err := os.OpenFile(t.path, os.O_WRONLY, 0)
	if err != nil {
		return false, t.writeErr(err)
	}
	defer out.Close()
	if err := preallocate(out, fi.Size()); err != nil {
		return false, t.writeErr(err)
	}
	if err := chownIfDiffers(out, t.cfg.uid, t.cfg.gid); err != nil {
		return false, t.writeErr(err)
	}

	touched = true
	buf := make([]byte, bufSize)
	for {
		n, rerr := in.Read(buf)
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
