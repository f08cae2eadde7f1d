//go:build !linux

package atomicfile

import "io/fs"

// boundElsewhere is false: only Linux gives single files to containers with bind mounts that
// this process could see; WithInPlace covers the rest.
func boundElsewhere(string, fs.FileInfo) bool { return false }
