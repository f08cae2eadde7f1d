package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNoNetworkStack fails when the binary links net/http or crypto/tls
// (or encoding/json, below):
// a tool that never opens a connection would pay their init work and page
// faults in every run's start-up (a progress-bar library once brought them
// in and made start-up about a third slower), so a new dependency that pulls
// them in must be noticed, not shipped.
func TestNoNetworkStack(t *testing.T) {
	// go test puts its own GOROOT/bin first on PATH.
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		cmd := exec.Command(goTool, "list", "-deps", ".")
		cmd.Env = append(os.Environ(), "GOOS="+goos, "CGO_ENABLED=0")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("GOOS=%s go list -deps: %v", goos, err)
		}
		for _, pkg := range strings.Fields(string(out)) {
			switch pkg {
			case "net/http", "crypto/tls":
				t.Errorf("GOOS=%s: %s is linked into mosquitto_passwd (go mod why %[2]s shows by what); drop that dependency", goos, pkg)
			case "encoding/json":
				// Binary size, not start-up: its reflection-driven
				// encoder weighs more than the few types we print, and
				// the stripped binary must stay under 4 MB (issue 12).
				t.Errorf("GOOS=%s: encoding/json is linked into mosquitto_passwd (go mod why encoding/json shows by what); write JSON with internal/jsonw", goos)
			}
		}
	}
}
