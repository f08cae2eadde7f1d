package pwhash

import (
	"errors"
	"strings"
	"testing"
)

func TestLoadableBy(t *testing.T) {
	d := func(a Algorithm, salt, key int) *Decoded {
		return &Decoded{Algorithm: a, Iterations: 1000, Memory: 47104, Time: 1, Threads: 1,
			Salt: make([]byte, salt), Key: make([]byte, key)}
	}
	cases := []struct {
		name string
		d    *Decoded
		on20 string // "" for loadable, else a word of the reason
		on21 string
		// onArgon2 is on21, except for argon2id, which only 2.1 built
		// with argon2 loads.
		onArgon2 string
	}{
		{"pbkdf2 12", d(PBKDF2, 12, 64), "", "", ""},
		{"sha512 12", d(SHA512, 12, 64), "", "", ""},
		{"pbkdf2 64", d(PBKDF2, 64, 64), "only 12", "", ""},
		{"pbkdf2 16", d(PBKDF2, 16, 64), "16 bytes", "12 or 64", "12 or 64"},
		{"pbkdf2 key 32", d(PBKDF2, 12, 32), "32 bytes", "32 bytes", "32 bytes"},
		{"argon2id", d(Argon2id, 64, 64), "argon2id", "--broker 2.1-argon2", ""},
	}
	for _, c := range cases {
		for b, want := range map[Broker]string{Broker20: c.on20, Broker21: c.on21, Broker21Argon2: c.onArgon2} {
			err := c.d.LoadableBy(b)
			var le *LoadError
			switch {
			case want == "" && err != nil:
				t.Errorf("%s on %s: %v, want nil", c.name, b, err)
			case want != "" && (!errors.As(err, &le) || le.Broker != b || !errors.Is(err, ErrNotLoadable) || !strings.Contains(err.Error(), want)):
				t.Errorf("%s on %s: %v, want a *LoadError saying %q", c.name, b, err, want)
			}
		}
	}
}
