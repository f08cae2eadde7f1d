package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// files are the generated inputs; each is made only when a selected case needs it.
type files struct {
	small   string // 10 users, for the single-hash case
	big     string // the large file of update, add and delete
	bigSize int64
	plain   string // hashFileUsers plaintext entries, for -U
	tenK    string // importFileUsers users, the file --import adds to
	imports string // importUsers "user:password" lines, what --import reads
}

func generate(dir string, users int, selected []benchCase) (*files, error) {
	need := func(names ...string) bool {
		return slices.ContainsFunc(selected, func(c benchCase) bool { return slices.Contains(names, c.name) })
	}
	// Every entry gets the same hash, as the original 2.0 writes it (101 iterations, 12-byte
	// salt), so lines have a real file's length (about 142 bytes) without a million KDF runs.
	hash, err := pwhash.Hash([]byte("secret"), pwhash.Params{Algorithm: pwhash.PBKDF2, Iterations: originalIterations, SaltLen: pwhash.SaltLen20})
	if err != nil {
		return nil, err
	}
	entries := func(i int) string { return userName(i) + ":" + hash + "\n" }
	f := &files{}
	gen := func(name string, n int, line func(int) string) (string, error) {
		path := filepath.Join(dir, name)
		fmt.Fprintf(os.Stderr, "generating %s (%d lines)\n", name, n)
		return path, writeLines(path, n, line)
	}
	if need("hash") {
		if f.small, err = gen("small.txt", 10, entries); err != nil {
			return nil, err
		}
	}
	if need("update", "update-floor", "add", "delete") {
		if f.big, err = gen("big.txt", users, entries); err != nil {
			return nil, err
		}
		fi, err := os.Stat(f.big)
		if err != nil {
			return nil, err
		}
		f.bigSize = fi.Size()
	}
	if need("hashfile") {
		plain := func(i int) string { return fmt.Sprintf("%s:password%d\n", userName(i), i) }
		if f.plain, err = gen("plain.txt", hashFileUsers, plain); err != nil {
			return nil, err
		}
	}
	if need("import") {
		if f.tenK, err = gen("tenk.txt", importFileUsers, entries); err != nil {
			return nil, err
		}
		imp := func(i int) string {
			user, pw := importUser(i)
			return user + ":" + pw + "\n"
		}
		if f.imports, err = gen("import.txt", importUsers, imp); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func writeLines(path string, n int, line func(int) string) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	for i := range n {
		w.WriteString(line(i))
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
