package atomicfile

import (
	"context"
	"errors"
	"io"
	"io/fs"
)

// The tests below drive a File by its path, as one run of the command does: Open, then one call.

func editPath(ctx context.Context, path string, fn func(r io.Reader, w io.Writer) error, opts ...Option) error {
	f, err := Open(path, ForEditing, opts...)
	if err != nil {
		return err
	}
	return f.Edit(ctx, fn)
}

func createPath(ctx context.Context, path string, fn func(w io.Writer) error, opts ...Option) error {
	f, err := Open(path, ForCreating, opts...)
	if err != nil {
		return err
	}
	return f.Create(ctx, fn)
}

func check(path string) error {
	_, err := Open(path, ForEditing)
	return err
}

// resolve is the path Open settles on: the real path of an existing file, the name as given for
// one that does not exist.
func resolve(path string) (string, error) {
	real, fi, err := walk(path, false)
	switch {
	case errors.Is(err, fs.ErrNotExist) || err == nil && fi == nil:
		return path, nil
	case err != nil:
		return "", err
	}
	return real, nil
}
