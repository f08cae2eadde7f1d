//go:build !linux

package atomicfile

import "os"

// preallocate does nothing where there is no fallocate with FALLOC_FL_KEEP_SIZE.
func preallocate(*os.File, int64) error { return nil }

// startWriteback does nothing where there is no sync_file_range: the fsync writes everything.
func startWriteback(*os.File, int64, int64) {}
