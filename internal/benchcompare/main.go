// Command benchcompare runs our mosquitto_passwd and the original one side by side on generated
// password files and prints a Markdown table of median wall times, their ratios, peak memory and
// the targets of the performance issue; with -broker-cost it measures instead what a real
// Mosquitto broker spends per CONNECT on each PBKDF2 iteration count.
//
// Runs of the two tools alternate (ours, original, then original, ours, ...), each on a fresh copy
// of its input file that is written and fsynced before the clock starts. Wall time is measured
// around the process, start to exit, without any wrapper. Peak RSS comes from one more run of
// each tool under GNU time (%M): ru_maxrss of a child started by a Go program would include this
// program's own memory, because Go starts children with vfork.
//
// It is run by "make bench-compare" and "make broker-cost"; see -h for the flags. It is a module
// of its own, so that "go install ./..." in the repository does not install it.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

const (
	defaultOriginal = "/usr/bin/mosquitto_passwd"
	defaultBroker   = "/usr/sbin/mosquitto"
	gnuTime         = "/usr/bin/time"
)

func main() {
	var (
		ours     = flag.String("ours", "", "our mosquitto_passwd binary (default: build ./cmd/mosquitto_passwd)")
		original = flag.String("original", defaultOriginal, "the original mosquitto_passwd")
		pairs    = flag.Int("pairs", 5, "alternating pairs of runs per case (at least 5)")
		users    = flag.Int("users", 1_000_000, "users in the large file of the update, add and delete cases")
		only     = flag.String("cases", "", "comma-separated case names to run (default: all): "+strings.Join(caseNames(), ","))
		workDir  = flag.String("dir", "", "directory for the generated files (default: a new one under $TMPDIR, removed at the end)")
		verbose  = flag.Bool("v", false, "print every run")

		brokerCost = flag.Bool("broker-cost", false, "measure the broker's time per CONNECT instead")
		broker     = flag.String("broker", defaultBroker, "the mosquitto broker, for -broker-cost")
		iterations = flag.String("iterations", "101,1000,10000,210000", "PBKDF2 iteration counts for -broker-cost")
		seconds    = flag.Float64("seconds", 2, "seconds of connects per iteration count and round, for -broker-cost")
	)
	flag.Parse()
	if *pairs < 5 {
		fatalf("-pairs must be at least 5")
	}

	dir := *workDir
	if dir == "" {
		d, err := os.MkdirTemp("", "benchcompare-")
		if err != nil {
			fatalf("%v", err)
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		fatalf("%v", err)
	}

	printMachine()
	var err error
	if *brokerCost {
		err = measureBroker(*broker, dir, *iterations, *seconds)
	} else {
		err = compare(config{
			ours: *ours, original: *original, dir: dir, pairs: *pairs, users: *users,
			cases: *only, verbose: *verbose,
		})
	}
	if err != nil {
		if dir != *workDir {
			os.RemoveAll(dir)
		}
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "benchcompare: "+format+"\n", args...)
	os.Exit(1)
}

// printMachine says where the figures come from.
func printMachine() {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimLeft(name, " \t:"))
				break
			}
		}
	}
	kernel := ""
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = ", Linux " + strings.TrimSpace(string(b))
	}
	mosq := "not installed"
	if out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "mosquitto").Output(); err == nil {
		mosq = string(out)
	}
	fmt.Printf("Machine: %s, %d cores%s; %s; mosquitto package %s.\n\n", cpu, runtime.NumCPU(), kernel, runtime.Version(), mosq)
}

// buildOurs builds the command as "make build" does, in the repository that this module's
// go.mod points to.
func buildOurs(dir string) (string, error) {
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/mqpasswd/mqpasswd").Output()
	if err != nil {
		return "", fmt.Errorf("finding the repository (run from internal/benchcompare, or give -ours): %w", err)
	}
	bin := filepath.Join(dir, "mosquitto_passwd")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "./cmd/mosquitto_passwd")
	cmd.Dir = strings.TrimSpace(string(root))
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building our binary: %w", err)
	}
	return bin, nil
}
