//go:build ignore

// gen.go writes the manual page. go generate runs it (see manpage.go);
// it is kept out of every build, so that "go install ./..." installs no
// page generator.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/mqpasswd/mqpasswd/internal/cli"
	"github.com/mqpasswd/mqpasswd/internal/manpage"
)

func main() {
	out := flag.String("o", "", "write the page to this file instead of standard output")
	flag.Parse()
	var b bytes.Buffer
	err := manpage.Generate(&b, cli.Command(), manpage.Page)
	if err == nil {
		if *out == "" {
			_, err = os.Stdout.Write(b.Bytes())
		} else {
			err = os.WriteFile(*out, b.Bytes(), 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "manpage:", err)
		os.Exit(1)
	}
}
