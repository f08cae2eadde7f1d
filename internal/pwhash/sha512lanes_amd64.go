//go:build !purego

package pwhash

import "golang.org/x/sys/cpu"

//go:generate go run gen_sha512lanes.go

// sha512Lanes8AVX512 runs n PBKDF2 iterations on the 8-lane laneState at s
// with AVX-512.
//
//go:noescape
func sha512Lanes8AVX512(s *uint64, n int)

// sha512Lanes4AVX512 runs n PBKDF2 iterations on the 4-lane laneState at s
// with AVX-512's instructions on 256-bit registers (AVX512VL).
//
//go:noescape
func sha512Lanes4AVX512(s *uint64, n int)

// sha512Lanes4AVX2 runs n PBKDF2 iterations on the 4-lane laneState at s
// with AVX2.
//
//go:noescape
func sha512Lanes4AVX2(s *uint64, n int)

// laneKernels are the kernels this CPU runs, widest first. Their minJobs
// follow BenchmarkPBKDF2Lanes: an iteration of 8 AVX-512 lanes takes less
// time than two of the serial path, one of 4 AVX2 lanes less than three.
// 4 lanes with AVX512VL take less time than 8 with AVX-512, so the last
// chains of a batch move to them.
var laneKernels = func() []*laneKernel {
	var ks []*laneKernel
	if cpu.X86.HasAVX512F {
		wide := newLaneKernel("avx512", 8, 2, func(s laneState, n int) { sha512Lanes8AVX512(&s[0], n) })
		ks = append(ks, wide)
		if cpu.X86.HasAVX512VL {
			wide.narrower = newLaneKernel("avx512vl", 4, 2, func(s laneState, n int) { sha512Lanes4AVX512(&s[0], n) })
			ks = append(ks, wide.narrower)
		}
	}
	if cpu.X86.HasAVX2 {
		ks = append(ks, newLaneKernel("avx2", 4, 3, func(s laneState, n int) { sha512Lanes4AVX2(&s[0], n) }))
	}
	return ks
}()
