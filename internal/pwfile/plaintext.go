package pwfile

import (
	"bytes"
	"context"
	"io"

	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// HashFunc returns the encoded hash of a password. It must be safe to call
// from several goroutines at once.
type HashFunc func(password []byte) (string, error)

// pending is one line on its way from the scanner to the writer; user is nil
// for a line copied as it is.
type pending struct {
	raw, user, password []byte
	hash                string
	err                 error
}

// HashPlaintext copies r to w with every entry whose second field is not
// already a hash ($6$, $7$, $argon2id$) rewritten as "user:" + hash(field).
// The original re-hashes hashes too, which makes the file useless. Hashing
// runs on workers goroutines while lines are written in their order; at most
// a few dozen lines per worker are in memory at once. It returns how many entries
// were hashed; progress, if not nil, is called after each one. Once ctx is
// done no further hash starts and ctx's error is returned.
func HashPlaintext(ctx context.Context, r io.Reader, w io.Writer, workers int, hash HashFunc, progress func()) (int, error) {
	n := 0
	err := inOrder(ctx, workers,
		func(send func(*pending, bool) bool) error {
			s := NewScanner(r)
			for s.Scan() {
				l := s.Line()
				p := &pending{}
				plain := l.Kind == Entry && !pwhash.LooksHashed(string(l.Hash))
				if plain {
					p.user, p.password = bytes.Clone(l.User), bytes.Clone(l.Hash)
				} else {
					p.raw = bytes.Clone(l.Raw)
				}
				if !send(p, plain) {
					return nil
				}
			}
			return s.Err()
		},
		func(p *pending) {
			p.hash, p.err = hash(p.password)
			clear(p.password)
		},
		func(p *pending) error {
			if p.user == nil {
				_, err := w.Write(p.raw)
				return err
			}
			if p.err != nil {
				return p.err
			}
			if err := writeEntry(w, string(p.user), p.hash); err != nil {
				return err
			}
			n++
			if progress != nil {
				progress()
			}
			return nil
		})
	if err != nil {
		return 0, err
	}
	return n, nil
}
