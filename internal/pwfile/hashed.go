package pwfile

import (
	"errors"
	"io"

	"github.com/mqpasswd/mqpasswd/internal/hashconv"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// ErrEmptyHash is the cause of a ParseError for an import-of-hashes line
// with nothing after the ':'.
var ErrEmptyHash = errors.New("empty hash")

// HashedCredential is a user and its hash, read from line Line of an import
// of hashes. Hash is in the form it will be written: $6$, $7$ and
// $argon2id$ as given, passlib and go-auth hashes as their $7$.
type HashedCredential struct {
	Line      int
	User      string
	Hash      string
	Converted bool // given as passlib or go-auth, not as Mosquitto writes it
}

// ReadHashedImport reads "user:hash" lines for an import of hashes
// (--import-hashed). The username follows ReadImport's rules; the hash is
// trimmed of white space as the broker trims it, decoded by hashconv.Decode
// and must be loadable by a broker of generation b (pwhash.LoadableBy, so
// argon2id passes only for pwhash.Broker21Argon2). Blank lines and lines starting with '#' are
// skipped, so another password file can be merged as it is. A user may
// appear only once.
//
// Any bad line makes the error an *ImportError, whose causes are
// ReadImport's plus ErrEmptyHash, a *pwhash.DecodeError and a
// *pwhash.LoadError, and no credentials are returned. A source longer than
// MaxImportSize gives ErrImportTooLarge; any other read error is returned
// as it is. Lines are read one at a time, each bounded by MaxLineLen; only
// the accepted credentials are kept.
func ReadHashedImport(r io.Reader, b pwhash.Broker) ([]HashedCredential, error) {
	return readImport(r, func(num int, user string, hash []byte) (HashedCredential, error) {
		return parseHash(num, user, hash, b)
	}, nil)
}

// parseHash checks the hash given to user on line num.
func parseHash(num int, user string, hash []byte, b pwhash.Broker) (HashedCredential, error) {
	hash = trimSpace(hash)
	if len(hash) == 0 {
		return HashedCredential{}, ErrEmptyHash
	}
	d, err := hashconv.Decode(string(hash))
	if err != nil {
		return HashedCredential{}, err
	}
	if err := d.LoadableBy(b); err != nil {
		return HashedCredential{}, err
	}
	enc := d.Encode()
	return HashedCredential{Line: num, User: user, Hash: enc, Converted: enc != string(hash)}, nil
}

// HashedUpdates turns credentials into the updates Set writes. With current
// (from Hashes) not nil, a user whose entries all hold exactly its new hash
// gets no update and is counted as unchanged (--if-changed), so a file
// where nothing changed need not be written.
func HashedUpdates(creds []HashedCredential, current map[string][]string) (updates []Update, unchanged int) {
	updates = make([]Update, 0, len(creds))
	for _, c := range creds {
		if same(current[c.User], c.Hash) {
			unchanged++
			continue
		}
		updates = append(updates, Update{User: c.User, Hash: c.Hash})
	}
	return updates, unchanged
}

// same reports whether hashes is not empty and every one is hash.
func same(hashes []string, hash string) bool {
	for _, h := range hashes {
		if h != hash {
			return false
		}
	}
	return len(hashes) > 0
}
