//go:build !amd64 || purego

package pwhash

// laneKernels is empty: without assembly, batches go through pbkdf2Key one
// password at a time, which uses the standard library's SHA-512 (itself in
// assembly on most architectures).
var laneKernels []*laneKernel
