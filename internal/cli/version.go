package cli

import (
	"fmt"
	"io"
	"runtime/debug"
)

// version is the release this binary was built from, stamped at link time by
// the Makefile with the output of "git describe --tags --always --dirty":
//
//	-ldflags "-X github.com/mqpasswd/mqpasswd/internal/cli.version=v1.2.3"
var version string

// Version returns the stamped version. Without one (go install, go build) it
// is the module version that the go command records in the binary: v1.2.3
// for "go install ...@v1.2.3", a pseudo-version such as
// v0.0.0-20260101120000-0123456789ab(+dirty) for a build in a git checkout,
// or "(devel)"; "(unknown)" in a binary without that record.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(unknown)"
}

// printVersion is --version: the program, our project's name, so that it can
// be told from Mosquitto's own tool, and the version.
func printVersion(out io.Writer) error {
	_, err := fmt.Fprintf(out, msgVersion+"\n", Version())
	return err
}
