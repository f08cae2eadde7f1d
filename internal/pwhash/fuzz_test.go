package pwhash

import (
	"errors"
	"testing"
)

// fuzzSeeds are the vector hashes plus near misses of each format.
func fuzzSeeds(f *testing.F) []string {
	f.Helper()
	seeds := []string{
		"", "secret", "$6$", "$7$", "$argon2id$", "$7$0$", "$7$01$",
		"$6$" + b64(12) + "$" + b64(64),
		"$7$4194304$" + b64(12) + "$" + b64(65),
		"$argon2id$v=19$m=8,t=1,p=1$" + raw(8) + "$" + raw(4),
		"$argon2id$v=19$m=1048576,t=4,p=255$" + raw(8) + "$" + raw(4),
		"$argon2id$v=16$m=8,t=1,p=1$" + raw(8) + "$" + raw(4),
	}
	for _, v := range allVectors(f) {
		seeds = append(seeds, v.Hash)
	}
	return seeds
}

// FuzzDecode checks that whatever Decode accepts re-encodes to the same
// bytes, and that whatever it refuses comes back as a *DecodeError.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Decode(s)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || d != nil {
				t.Fatalf("Decode = %v, %v (%T); want nil, *DecodeError", d, err, err)
			}
			if de.Err != ErrMalformed && de.Err != ErrUnsupported && de.Err != ErrTooCostly {
				t.Fatalf("DecodeError.Err = %v, not one of the sentinels", de.Err)
			}
			return
		}
		if got := d.Encode(); got != s {
			t.Fatalf("Encode(Decode(%q)) = %q", s, got)
		}
		if !LooksHashed(s) {
			t.Fatalf("Decode accepted %q but LooksHashed is false", s)
		}
		_ = d.Accepted()
	})
}

// fuzzBudget keeps FuzzVerify's executions fast: inputs that decode to more
// work than this are left to FuzzDecode, whose caps tests bound the rest.
const fuzzBudget = 1 << 14

// FuzzVerify checks that Verify never panics and fails only with a
// *DecodeError.
func FuzzVerify(f *testing.F) {
	for _, v := range allVectors(f) {
		f.Add(v.Password, v.Hash)
	}
	for _, s := range fuzzSeeds(f) {
		f.Add([]byte("secret"), s)
	}
	f.Fuzz(func(t *testing.T, password []byte, encoded string) {
		if d, err := Decode(encoded); err == nil {
			blocks := (len(d.Key) + 63) / 64
			if d.Iterations*blocks > fuzzBudget || uint64(d.Memory)*uint64(d.Time) > fuzzBudget {
				t.Skip("over the fuzzing budget")
			}
		}
		ok, err := Verify(password, encoded)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || ok {
				t.Fatalf("Verify = %v, %v (%T); want false, *DecodeError", ok, err, err)
			}
		}
	})
}
