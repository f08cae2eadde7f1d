package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/mqpasswd/mqpasswd/internal/testvectors"
	"github.com/rogpeppe/go-internal/testscript"
)

// vectors VECTORFILE DEST [lines|import] [METHOD...]: writes the file-line
// column of a vector file (tab-separated, see testdata/vectors) to DEST as
// a password file, or with import its "user:password" lines for --import,
// the password taken from the authoritative hex column. METHODs keep only
// the rows of those methods.
func cmdVectors(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: vectors VECTORFILE DEST [lines|import] [METHOD...]")
	}
	what := "lines"
	methods := args[2:]
	if len(methods) > 0 && (methods[0] == "lines" || methods[0] == "import") {
		what, methods = methods[0], methods[1:]
	}
	vs, err := testvectors.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	var out strings.Builder
	for _, v := range vs {
		if len(methods) > 0 && !slices.Contains(methods, v.Method) {
			continue
		}
		if what == "lines" {
			fmt.Fprintln(&out, v.Line())
			continue
		}
		fmt.Fprintf(&out, "%s:%s\n", v.User, v.Password)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(out.String()), 0o600))
}

// loginall FILE: every user:password line of the import file FILE logs in
// to the script's broker, and the password with an X appended does not.
func cmdLoginAll(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: loginall IMPORTFILE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	n := 0
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		user, pw, ok := strings.Cut(line, ":")
		if !ok {
			ts.Fatalf("no ':' in an import line")
		}
		cmdMQTT(ts, false, []string{user, pw})
		cmdMQTT(ts, true, []string{user, pw + "X"})
		n++
	}
	fmt.Fprintf(ts.Stdout(), "%d users logged in\n", n)
}

// noeol FILE: removes FILE's final newline, which a txtar archive cannot
// leave out.
func cmdNoEOL(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: noeol FILE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.TrimSuffix(string(data), "\n")), 0o600))
}
