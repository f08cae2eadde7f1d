// Package testvectors reads testdata/vectors, the password-file lines the real mosquitto_passwd
// 2.0 and 2.1 tools wrote (and hand-made probes), with their passwords, for the tests of every
// package. It is the one reader of that format; only tests import it.
package testvectors

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Files are the vector files, in the order tests report them.
var Files = []string{
	"mosq20-vectors.txt",
	"mosq21-vectors.txt",
	"mosq212-vectors.txt",
	"crafted-lines.txt",
}

// Vector is one row: the hash method the tool was asked for, and the line it wrote.
type Vector struct {
	File     string // the vector file's base name
	LineNo   int
	Method   string
	User     string
	Password []byte // from the hex column, which the vectors' README calls authoritative
	Hash     string // the file line after "user:"
}

// Line is the password-file line as the tool wrote it.
func (v Vector) Line() string { return v.User + ":" + v.Hash }

func (v Vector) String() string { return v.File + ":" + v.User }

// Dir returns testdata/vectors of this module, found from the working directory up (go test runs
// a package's tests in its own directory).
func Dir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "testdata", "vectors"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testvectors: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Read reads one of Files.
func Read(name string) ([]Vector, error) {
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	return ReadFile(filepath.Join(dir, name))
}

// All reads every one of Files.
func All() ([]Vector, error) {
	var all []Vector
	for _, name := range Files {
		vs, err := Read(name)
		if err != nil {
			return nil, err
		}
		all = append(all, vs...)
	}
	return all, nil
}

// ReadFile parses a vector file: blank and '#' lines are comments, every other line has six
// TAB-separated columns: method, salt note, user, password in hex, password as text, file line.
func ReadFile(path string) ([]Vector, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	name := filepath.Base(path)
	var vs []Vector
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 6 {
			return nil, fmt.Errorf("%s:%d: %d fields, want 6", name, n, len(fields))
		}
		pw, err := hex.DecodeString(fields[3])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: password hex: %v", name, n, err)
		}
		user, hash, ok := strings.Cut(fields[5], ":")
		if !ok || user != fields[2] {
			return nil, fmt.Errorf("%s:%d: file line does not start with %q:", name, n, fields[2])
		}
		vs = append(vs, Vector{File: name, LineNo: n, Method: fields[0], User: user, Password: pw, Hash: hash})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("%s: no vectors", name)
	}
	return vs, nil
}
