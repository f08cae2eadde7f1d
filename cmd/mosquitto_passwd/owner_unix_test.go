//go:build unix

package main

import (
	"fmt"
	"os"
	"syscall"

	"github.com/rogpeppe/go-internal/testscript"
)

// owner FILE UID:GID: FILE belongs to this user and group (numbers).
func cmdOwner(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: owner FILE UID:GID")
	}
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	st := fi.Sys().(*syscall.Stat_t)
	got := fmt.Sprintf("%d:%d", st.Uid, st.Gid)
	if (got == args[1]) == neg {
		ts.Fatalf("%s belongs to %s", args[0], got)
	}
}
