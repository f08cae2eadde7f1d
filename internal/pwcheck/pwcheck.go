// Package pwcheck describes the entries of a Mosquitto password file and
// lints the file for a broker generation, from what the real 2.0 and 2.1
// brokers were measured to accept. Every finding carries a line number and a
// code, and no text it produces ever quotes a password, a hash or a line.
package pwcheck

import (
	"fmt"
	"io"
	"strings"

	"github.com/mqpasswd/mqpasswd/internal/hashconv"
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// Entry describes one entry of a password file, for --list --json.
type Entry struct {
	User       string  `json:"user"`
	Line       int     `json:"line"`
	Algorithm  string  `json:"algorithm"`            // sha512, sha512-pbkdf2, argon2id, plaintext or unknown
	Iterations int     `json:"iterations,omitempty"` // sha512-pbkdf2
	MemoryKiB  uint32  `json:"memory_kib,omitempty"` // argon2id
	Time       uint32  `json:"time,omitempty"`       // argon2id passes
	Threads    uint8   `json:"threads,omitempty"`    // argon2id lanes
	SaltBytes  int     `json:"salt_bytes,omitempty"`
	HashBytes  int     `json:"hash_bytes,omitempty"`
	Invalid    string  `json:"invalid,omitempty"` // why the hash does not decode
	AcceptedBy Brokers `json:"accepted_by"`
	// ExportTo names what --export can write the entry as (hashconv.Targets):
	// "dynsec-2.0", "dynsec-2.1", "goauth", "passlib"; empty, never null.
	ExportTo []string `json:"export_to"`
}

// Brokers says which broker generations load an entry (pwhash.Acceptance).
type Brokers struct {
	Mosquitto20       bool `json:"2.0"`
	Mosquitto21       bool `json:"2.1"`        // 2.1 as released, without argon2
	Mosquitto21Argon2 bool `json:"2.1-argon2"` // 2.1 built with argon2
}

// Names of the hash kinds that are not a pwhash.Algorithm.
const (
	Plaintext = "plaintext" // no $6$, $7$ or $argon2id$ prefix: what -U hashes
	Unknown   = "unknown"   // another $...$ scheme
)

// Describe describes the entry l, which must be of Kind pwfile.Entry. It
// decodes the hash, and so never runs a key derivation.
func Describe(l pwfile.Line) Entry {
	e := Entry{User: string(l.User), Line: l.Num, ExportTo: []string{}}
	d, err := decode(string(l.Hash))
	e.Algorithm = algorithmOf(string(l.Hash))
	if err != nil {
		e.Invalid = err.Error()
		return e
	}
	e.Iterations, e.MemoryKiB, e.Time, e.Threads = d.Iterations, d.Memory, d.Time, d.Threads
	e.SaltBytes, e.HashBytes = len(d.Salt), len(d.Key)
	a := d.Accepted()
	e.AcceptedBy = Brokers{a.Broker20, a.Broker21, a.Broker21Argon2}
	if t := hashconv.Targets(d); t != nil {
		e.ExportTo = t
	}
	return e
}

// decode is pwhash.Decode, with a plaintext field refused without a reason
// that could describe it.
func decode(hash string) (*pwhash.Decoded, error) {
	if !pwhash.LooksHashed(hash) {
		return nil, fmt.Errorf("not a hash")
	}
	return pwhash.Decode(hash)
}

func algorithmOf(hash string) string {
	if a, ok := pwhash.AlgorithmOf(hash); ok {
		return string(a)
	}
	if strings.HasPrefix(hash, "$") {
		return Unknown
	}
	return Plaintext
}

// List calls fn with the description of each entry of the password file r,
// in file order, and stops at the first corrupt line with its
// *pwfile.ParseError, or at fn's first error.
func List(r io.Reader, fn func(Entry) error) error {
	s := pwfile.NewScanner(r)
	for s.Scan() {
		if l := s.Line(); l.Kind == pwfile.Entry {
			if err := fn(Describe(l)); err != nil {
				return err
			}
		}
	}
	return s.Err()
}
