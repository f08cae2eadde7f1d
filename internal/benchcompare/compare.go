package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

type config struct {
	ours, original, dir string
	pairs, users        int
	cases               string
	verbose             bool
}

// side is what one tool runs in a case.
type side struct {
	bin   string                            // the program to run instead of the tool; "" for the tool
	input string                            // file copied fresh before each sample; "" for none
	args  func(file string, i int) []string // the i-th invocation of a sample, on the fresh file
	runs  int                               // invocations per sample; 0 means 1
	scale float64                           // a sample's time is multiplied by this; 0 means 1
	code  int                               // the exit status every invocation must have
	lines int                               // lines the file must have after a sample; 0: not checked
}

func (s side) invocations() int { return max(s.runs, 1) }

func (s side) factor() float64 {
	if s.scale == 0 {
		return 1
	}
	return s.scale
}

// benchCase is one row of the table.
type benchCase struct {
	name, title string
	target      float64 // the ratio ours/original must not exceed it
	maxRSS      int64   // KiB our peak RSS must not exceed; 0 for no bound
	ours, orig  side
	note        string
	// perUnit, when set, adds a normalised figure for both tools to the notes.
	perUnit func(ours, orig time.Duration) string
	// skip, when set, says why the case cannot run with this binary.
	skip func(ours string) string
}

// Sizes of the generated files, from the targets.
const (
	hashFileUsers   = 20_000 // -U
	importUsers     = 1000   // --import
	importFileUsers = 10_000
	// importOriginalRuns of the original stand for its importUsers runs: each run is the same
	// work on a file that grows by one line, so the total is scaled by importUsers/importOriginalRuns.
	importOriginalRuns = 100
	startupRuns        = 100 // invocations per start-up sample, too short to time one by one
	// originalIterations is what mosquitto_passwd 2.0 always uses for -U and by default.
	originalIterations = 101
	mib                = 1024 // KiB
)

func userName(i int) string { return fmt.Sprintf("user-%07d@devices.example", i) }

func cases(f *files, users int) []benchCase {
	middle := userName(users / 2)
	bigLines := users
	batch := func(extra ...string) func(string, int) []string {
		return func(file string, _ int) []string {
			a := slices.Clone(extra)
			for i, s := range a {
				if s == "FILE" {
					a[i] = file
				}
			}
			return a
		}
	}
	perUserPer1000 := func(ours, orig time.Duration) string {
		per := func(d time.Duration) float64 {
			return float64(d.Microseconds()) / 1000 / hashFileUsers / (originalIterations / 1000.0)
		}
		return fmt.Sprintf("per user per 1000 iterations: ours %.3f ms, original %.3f ms", per(ours), per(orig))
	}
	return []benchCase{
		{
			name: "hash", title: "one user added, `-H sha512-pbkdf2 -I 2000000`",
			target: 0.80,
			ours:   side{input: f.small, args: batch("-H", "sha512-pbkdf2", "-I", "2000000", "-b", "FILE", "newuser", "secret"), lines: 11},
			orig:   side{input: f.small, args: batch("-H", "sha512-pbkdf2", "-I", "2000000", "-b", "FILE", "newuser", "secret"), lines: 11},
			note:   "10-user file",
		},
		{
			name: "update", title: fmt.Sprintf("update one user in a %s (`-I 1`)", count(users)),
			target: 0.45, maxRSS: 16 * mib,
			ours: side{input: f.big, args: batch("-I", "1", "-b", "FILE", middle, "secret"), lines: bigLines},
			orig: side{input: f.big, args: batch("-I", "1", "-b", "FILE", middle, "secret"), lines: bigLines},
			note: fmt.Sprintf("%d MB file; ours fsyncs", f.bigSize/1_000_000),
		},
		{
			// The floor of any edit that writes a new file durably: copying the file and syncing
			// the copy, in the same alternating runs on the same file.
			name: "update-floor", title: fmt.Sprintf("update one user in a %s, against `cp` + `sync` of it", count(users)),
			target: 1.45, maxRSS: 16 * mib,
			ours: side{input: f.big, args: batch("-I", "1", "-b", "FILE", middle, "secret"), lines: bigLines},
			orig: side{bin: "/bin/sh", input: f.big, lines: bigLines,
				args: batch("-c", `cp -- "$1" "$1.copy" && sync -- "$1.copy"`, "sh", "FILE")},
			note: "original column: `cp` of the file and `sync` of the copy",
		},
		{
			name: "add", title: fmt.Sprintf("add one user to a %s (`-I 1`)", count(users)),
			target: 0.45, maxRSS: 16 * mib,
			ours: side{input: f.big, args: batch("-I", "1", "-b", "FILE", "newuser", "secret"), lines: bigLines + 1},
			orig: side{input: f.big, args: batch("-I", "1", "-b", "FILE", "newuser", "secret"), lines: bigLines + 1},
			note: "ours fsyncs",
		},
		{
			name: "delete", title: fmt.Sprintf("delete one user from a %s", count(users)),
			target: 0.45, maxRSS: 16 * mib,
			ours: side{input: f.big, args: batch("-D", "FILE", middle), lines: bigLines - 1},
			orig: side{input: f.big, args: batch("-D", "FILE", middle), lines: bigLines - 1},
			note: "ours fsyncs",
		},
		{
			name: "hashfile", title: fmt.Sprintf("`-U` of %s plaintext users", thousands(hashFileUsers)),
			target: 0.45,
			// The original always hashes -U with its 101 iterations; ours is given the same.
			ours:    side{input: f.plain, args: batch("-I", strconv.Itoa(originalIterations), "-U", "FILE"), lines: hashFileUsers},
			orig:    side{input: f.plain, args: batch("-U", "FILE"), lines: hashFileUsers},
			note:    fmt.Sprintf("both %d iterations", originalIterations),
			perUnit: perUserPer1000,
		},
		{
			name: "import", title: fmt.Sprintf("`--import` of %s users into a %s", thousands(importUsers), count(importFileUsers)),
			target: 0.02,
			ours: side{input: f.tenK, args: batch("-I", strconv.Itoa(originalIterations), "--import", f.imports, "FILE"),
				lines: importFileUsers + importUsers},
			orig: side{input: f.tenK, runs: importOriginalRuns, scale: float64(importUsers) / importOriginalRuns,
				args: func(file string, i int) []string {
					user, pw := importUser(i)
					return []string{"-b", file, user, pw}
				},
				lines: importFileUsers + importOriginalRuns},
			note: fmt.Sprintf("original: %d runs of `-b`, time ×%d; both %d iterations",
				importOriginalRuns, importUsers/importOriginalRuns, originalIterations),
			skip: func(ours string) string {
				out, _ := exec.Command(ours, "--import").CombinedOutput()
				if bytes.Contains(out, []byte("Unknown option")) {
					return "our binary has no --import yet"
				}
				return ""
			},
		},
		{
			name: "startup", title: "start-up (no arguments)",
			target: 1.20,
			ours:   side{args: batch(), runs: startupRuns, scale: 1.0 / startupRuns, code: 1},
			orig:   side{args: batch(), runs: startupRuns, scale: 1.0 / startupRuns, code: 1},
			note:   fmt.Sprintf("mean of %d runs per sample", startupRuns),
		},
	}
}

func caseNames() []string {
	var names []string
	for _, c := range cases(&files{}, 0) {
		names = append(names, c.name)
	}
	return names
}

func importUser(i int) (user, password string) {
	return fmt.Sprintf("import-%04d", i), fmt.Sprintf("password%d", i)
}

// count writes a file of n users the way the issue does: "1,000,000-user file".
func count(n int) string { return thousands(n) + "-user file" }

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// result is what one case measured.
type result struct {
	c                benchCase
	ours, orig       []time.Duration // one per pair
	oursRSS, origRSS int64           // KiB; -1 when not measured
	skipped          string
}

func compare(cfg config) error {
	ours := cfg.ours
	if ours == "" {
		var err error
		if ours, err = buildOurs(cfg.dir); err != nil {
			return err
		}
	}
	// The runs start in their own directories, where a relative path would not name the binary.
	ours, err := filepath.Abs(ours)
	if err != nil {
		return err
	}
	original := cfg.original
	if _, err := os.Stat(original); err != nil {
		fmt.Printf("The original %s is not installed (apt-get install mosquitto): our figures only.\n\n", original)
		original = ""
	} else if original, err = filepath.Abs(original); err != nil {
		return err
	}
	if _, err := os.Stat(gnuTime); err != nil {
		fmt.Printf("GNU time (%s) is not installed (apt-get install time): no peak RSS.\n\n", gnuTime)
	}

	selected := cases(&files{}, cfg.users)
	if cfg.cases != "" {
		want := strings.Split(cfg.cases, ",")
		selected = slices.DeleteFunc(selected, func(c benchCase) bool { return !slices.Contains(want, c.name) })
		if len(selected) != len(want) {
			return fmt.Errorf("unknown case in %q; the cases are %s", cfg.cases, strings.Join(caseNames(), ","))
		}
	}
	f, err := generate(cfg.dir, cfg.users, selected)
	if err != nil {
		return err
	}
	var results []result
	for _, c := range cases(f, cfg.users) {
		if !slices.ContainsFunc(selected, func(s benchCase) bool { return s.name == c.name }) {
			continue
		}
		r, err := measure(cfg, c, ours, original)
		if err != nil {
			return fmt.Errorf("case %s: %w", c.name, err)
		}
		results = append(results, r)
	}
	if !printTable(results, cfg.pairs, original != "") {
		os.Exit(1)
	}
	return nil
}

func measure(cfg config, c benchCase, ours, original string) (result, error) {
	r := result{c: c, oursRSS: -1, origRSS: -1}
	if c.skip != nil {
		if why := c.skip(ours); why != "" {
			r.skipped = why
			fmt.Fprintf(os.Stderr, "%s: skipped: %s\n", c.name, why)
			return r, nil
		}
	}
	oursDir, origDir := filepath.Join(cfg.dir, "run-ours"), filepath.Join(cfg.dir, "run-original")
	for p := range cfg.pairs {
		fmt.Fprintf(os.Stderr, "%s: pair %d of %d\r", c.name, p+1, cfg.pairs)
		// Alternate which tool goes first, so that neither always follows the other.
		order := []bool{true, false}
		if p%2 == 1 {
			order = []bool{false, true}
		}
		for _, isOurs := range order {
			if isOurs {
				d, err := sample(c.ours, ours, oursDir, p == 0)
				if err != nil {
					return r, fmt.Errorf("ours: %w", err)
				}
				r.ours = append(r.ours, d)
			} else if original != "" {
				d, err := sample(c.orig, original, origDir, p == 0)
				if err != nil {
					return r, fmt.Errorf("original: %w", err)
				}
				r.orig = append(r.orig, d)
			}
		}
		if cfg.verbose {
			fmt.Fprintf(os.Stderr, "%s: pair %d: ours %v%s\n", c.name, p+1, r.ours[p], origSample(r.orig, p))
		}
	}
	fmt.Fprintf(os.Stderr, "%s: done%20s\n", c.name, "")
	if _, err := os.Stat(gnuTime); err == nil {
		var err error
		if r.oursRSS, err = peakRSS(c.ours, ours, oursDir); err != nil {
			return r, fmt.Errorf("ours: %w", err)
		}
		if original != "" {
			if r.origRSS, err = peakRSS(c.orig, original, origDir); err != nil {
				return r, fmt.Errorf("original: %w", err)
			}
		}
	}
	return r, nil
}

func origSample(orig []time.Duration, p int) string {
	if p < len(orig) {
		return fmt.Sprintf(", original %v", orig[p])
	}
	return ""
}

// sample runs one sample of s with bin in a fresh dir and returns its (scaled) wall time.
func sample(s side, bin, dir string, check bool) (time.Duration, error) {
	file, stderr, err := prepare(s, dir)
	if err != nil {
		return 0, err
	}
	defer stderr.Close()
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return 0, err
	}
	defer devnull.Close()
	if s.bin != "" {
		bin = s.bin
	}
	var total time.Duration
	for i := range s.invocations() {
		args := s.args(file, i)
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, devnull, stderr
		start := time.Now()
		err := cmd.Run()
		total += time.Since(start)
		if err := exitStatus(cmd, err, s.code, stderr); err != nil {
			return 0, fmt.Errorf("%s %s: %w", bin, strings.Join(args, " "), err)
		}
	}
	if check && s.lines > 0 {
		n, err := countLines(file)
		if err != nil {
			return 0, err
		}
		if n != s.lines {
			return 0, fmt.Errorf("%s left %d lines, want %d", bin, n, s.lines)
		}
	}
	return time.Duration(float64(total) * s.factor()), nil
}

// peakRSS runs the first invocation of s once more, under GNU time, and returns its peak RSS.
func peakRSS(s side, bin, dir string) (int64, error) {
	file, stderr, err := prepare(s, dir)
	if err != nil {
		return 0, err
	}
	defer stderr.Close()
	if s.bin != "" {
		bin = s.bin
	}
	out := filepath.Join(dir, "rss")
	args := append([]string{"-f", "%M", "-o", out, bin}, s.args(file, 0)...)
	cmd := exec.Command(gnuTime, args...)
	cmd.Dir, cmd.Stderr = dir, stderr
	if err := exitStatus(cmd, cmd.Run(), s.code, stderr); err != nil {
		return 0, fmt.Errorf("%s: %w", strings.Join(cmd.Args, " "), err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return 0, err
	}
	// A failing command adds a "Command exited with non-zero status" line first.
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return 0, fmt.Errorf("no output from %s", gnuTime)
	}
	return strconv.ParseInt(fields[len(fields)-1], 10, 64)
}

// prepare empties dir and copies s's input into it, durably, so that no write-back of the copy
// overlaps the timed run.
func prepare(s side, dir string) (file string, stderr *os.File, err error) {
	if err := os.RemoveAll(dir); err != nil {
		return "", nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, err
	}
	file = filepath.Join(dir, "passwd")
	if s.input != "" {
		if err := copyFile(s.input, file); err != nil {
			return "", nil, err
		}
	}
	if err := syncPath(dir); err != nil {
		return "", nil, err
	}
	stderr, err = os.Create(filepath.Join(dir, "stderr"))
	return file, stderr, err
}

func exitStatus(cmd *exec.Cmd, err error, want int, stderr *os.File) error {
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return err
	}
	if got := cmd.ProcessState.ExitCode(); got != want {
		msg, _ := os.ReadFile(stderr.Name())
		return fmt.Errorf("exit status %d, want %d: %s", got, want, bytes.TrimSpace(msg))
	}
	return nil
}

// copyFile copies with plain reads and writes: copy_file_range could share extents (reflinks),
// which the original's in-place rewrite would then have to unshare.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.CopyBuffer(struct{ io.Writer }{out}, struct{ io.Reader }{in}, make([]byte, 1<<20)); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	br := bufio.NewReaderSize(f, 1<<20)
	for {
		chunk, err := br.ReadSlice('\n')
		if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
			n++
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil && err != bufio.ErrBufferFull {
			return n, err
		}
	}
}
