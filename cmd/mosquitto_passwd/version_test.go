package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestBuildVersion builds the binary as the Makefile does, with a version
// stamped at link time and without one, and runs --version on each.
func TestBuildVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary twice")
	}
	// go test puts its own GOROOT/bin first on PATH.
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tests := []struct {
		name, ldflags string
		want          *regexp.Regexp
	}{
		{"stamped", "-s -w -X github.com/mqpasswd/mqpasswd/internal/cli.version=v1.2.3-4-g0123abc",
			regexp.MustCompile(`\Amosquitto_passwd \(mqpasswd\) v1\.2\.3-4-g0123abc\n\z`)},
		// go build and go install record "(devel)" or the module version.
		{"fallback", "-s -w", regexp.MustCompile(`\Amosquitto_passwd \(mqpasswd\) (\(devel\)|v\S+)\n\z`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin := filepath.Join(dir, tt.name)
			build := exec.Command(goTool, "build", "-trimpath", "-ldflags", tt.ldflags, "-o", bin, ".")
			build.Env = append(os.Environ(), "CGO_ENABLED=0")
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			out, err := exec.Command(bin, "--version").Output()
			if err != nil || !tt.want.Match(out) {
				t.Errorf("--version printed %q, %v; want %v", out, err, tt.want)
			}
		})
	}
}
