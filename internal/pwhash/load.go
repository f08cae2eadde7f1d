package pwhash

import (
	"errors"
	"fmt"
)

// ErrNotLoadable is wrapped by every *LoadError.
var ErrNotLoadable = errors.New("the broker cannot load this hash")

// LoadError says why a broker generation cannot load a hash that decodes.
// Reason never quotes the hash.
type LoadError struct {
	Broker Broker
	Reason string // e.g. "the salt has 16 bytes; 2.0 brokers load only 12"
}

func (e *LoadError) Error() string {
	return fmt.Sprintf("a %s broker cannot load it: %s", e.Broker, e.Reason)
}

func (e *LoadError) Unwrap() error { return ErrNotLoadable }

// LoadableBy returns nil if a broker of generation b loads d from a password
// file, else a *LoadError with the reason, by the rules Accepted holds
// (Acceptance.By): argon2id only for Broker21Argon2.
func (d *Decoded) LoadableBy(b Broker) error {
	if d.Accepted().By(b) {
		return nil
	}
	fail := func(format string, args ...any) error {
		return &LoadError{Broker: b, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case d.Algorithm == Argon2id:
		return fail("only 2.1 brokers built with argon2 load argon2id (--broker %s)", Broker21Argon2)
	case d.Algorithm != SHA512 && d.Algorithm != PBKDF2:
		return fail("unknown algorithm %q", d.Algorithm)
	case d.Algorithm == PBKDF2 && d.Iterations < 1:
		return fail("iterations must be at least 1")
	case len(d.Key) != 64:
		return fail("the hash has %d bytes; brokers load only 64", len(d.Key))
	case b == Broker20:
		return fail("the salt has %d bytes; 2.0 brokers load only %d", len(d.Salt), SaltLen20)
	}
	return fail("the salt has %d bytes; 2.1 brokers load only %d or %d", len(d.Salt), SaltLen20, SaltLen21)
}
