//go:build !unix

package main

import "github.com/rogpeppe/go-internal/testscript"

// owner FILE UID:GID has nothing to check where files have no Unix owner.
func cmdOwner(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("owner: no Unix owners on this system")
}
