package pwfile

import (
	"bytes"
	"context"
	"io"

	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// Hasher is how HashAll hashes passwords: Hash returns the encoded hashes of
// several passwords at once, in order, and is best given Batch of them
// (pwhash.BatchSize: PBKDF2 runs that many chains side by side in SIMD lanes);
// Workers calls run at once. Hash must be safe for concurrent use.
type Hasher struct {
	Hash    func(passwords [][]byte) ([]string, error)
	Batch   int
	Workers int
}

// Upgrade hashes the plaintext entries of a password file (-U) in two
// steps, so that the slow one needs no lock: Pending and Hash read the file
// and hash its entries whose second field is not already a hash ($6$, $7$,
// $argon2id$), then Apply rewrites it with those hashes. The original
// re-hashes hashes too, which makes the file useless.
//
// An Upgrade remembers each hash with its user and password, so that after
// the file changed between the two steps a second round hashes only the
// entries that are new. It holds every plaintext password it hashed until
// Clear; an Upgrade is not safe for concurrent use.
type Upgrade struct {
	byUser map[string][]plainHash
}

type plainHash struct {
	password []byte
	hash     string
}

// NewUpgrade returns an Upgrade that holds no hash yet.
func NewUpgrade() *Upgrade {
	return &Upgrade{byUser: map[string][]plainHash{}}
}

// Pending reads the password file r and returns, in file order, its
// plaintext entries that u holds no hash for, each with a copy of its
// password. Errors are as for Scanner.
func (u *Upgrade) Pending(r io.Reader) ([]Credential, error) {
	var creds []Credential
	s := NewScanner(r)
	for s.Scan() {
		l := s.Line()
		if l.Kind != Entry || pwhash.LooksHashed(string(l.Hash)) {
			continue
		}
		if _, ok := u.lookup(l.User, l.Hash); !ok {
			creds = append(creds, Credential{Line: l.Num, User: string(l.User), Password: bytes.Clone(l.Hash)})
		}
	}
	if err := s.Err(); err != nil {
		clearCredentials(creds)
		return nil, err
	}
	return creds, nil
}

// Hash hashes the passwords of creds with h, as HashAll does, and
// remembers each hash for Apply. creds' passwords are cleared; u keeps
// copies until Clear.
func (u *Upgrade) Hash(ctx context.Context, creds []Credential, h Hasher, progress func()) error {
	passwords := make([][]byte, len(creds))
	for i, c := range creds {
		passwords[i] = bytes.Clone(c.Password)
	}
	updates, _, err := HashAll(ctx, creds, h, nil, progress)
	if err != nil {
		for _, pw := range passwords {
			clear(pw)
		}
		return err
	}
	for i, up := range updates {
		u.byUser[up.User] = append(u.byUser[up.User], plainHash{password: passwords[i], hash: up.Hash})
	}
	return nil
}

// Apply copies the password file r to w with every plaintext entry u holds
// a hash for written as "user:" + hash, and every other line as it is. It
// returns how many entries it hashed and how many plaintext entries it had
// no hash for, which are none when r is the content Pending read.
func (u *Upgrade) Apply(r io.Reader, w io.Writer) (hashed, missing int, err error) {
	s := NewScanner(r)
	for s.Scan() {
		l := s.Line()
		if l.Kind == Entry && !pwhash.LooksHashed(string(l.Hash)) {
			if h, ok := u.lookup(l.User, l.Hash); ok {
				if err := writeEntry(w, string(l.User), h); err != nil {
					return 0, 0, err
				}
				hashed++
				continue
			}
			missing++
		}
		if _, err := w.Write(l.Raw); err != nil {
			return 0, 0, err
		}
	}
	if err := s.Err(); err != nil {
		return 0, 0, err
	}
	return hashed, missing, nil
}

// Clear clears the passwords u holds.
func (u *Upgrade) Clear() {
	for _, hs := range u.byUser {
		for _, h := range hs {
			clear(h.password)
		}
	}
}

func (u *Upgrade) lookup(user, password []byte) (string, bool) {
	for _, h := range u.byUser[string(user)] {
		if bytes.Equal(h.password, password) {
			return h.hash, true
		}
	}
	return "", false
}

func clearCredentials(creds []Credential) {
	for i := range creds {
		clear(creds[i].Password)
	}
}
