package hashconv

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// FuzzDecode checks that whatever Decode accepts encodes back to the same
// bytes in its own format, and that whatever it refuses comes back as a
// *pwhash.DecodeError.
func FuzzDecode(f *testing.F) {
	for _, v := range published {
		f.Add(v.hash)
	}
	for _, s := range []string{
		"", "secret", "$pbkdf2-sha512$", "PBKDF2$sha512$1$AA==$AA==", "$pbkdf2-sha512$1$AA$AA",
		"$7$101$AAAAAAAAAAAAAAAA$" + strings.Repeat("A", 86) + "==",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Decode(s)
		if err != nil {
			var de *pwhash.DecodeError
			if d != nil || !errors.As(err, &de) {
				t.Fatalf("Decode = %v, %v (%T); want nil, *pwhash.DecodeError", d, err, err)
			}
			return
		}
		var got string
		switch {
		case strings.HasPrefix(s, passlibPrefix):
			got, err = Encode(d, Passlib)
		case strings.HasPrefix(s, goAuthPrefix):
			got, err = Encode(d, GoAuth)
		default:
			got = d.Encode()
		}
		if got != s || err != nil {
			t.Fatalf("encode(Decode(%q)) = %q, %v", s, got, err)
		}
		_ = Targets(d)
	})
}

// FuzzEncode checks that every PBKDF2 hash a format can hold decodes back
// to the same salt, key and iterations.
func FuzzEncode(f *testing.F) {
	f.Add(1000, bytes.Repeat([]byte{0xfb}, 12), bytes.Repeat([]byte{1}, 64))
	f.Add(1, []byte{0}, bytes.Repeat([]byte{0xff}, 32))
	f.Fuzz(func(t *testing.T, iter int, salt, key []byte) {
		d := &pwhash.Decoded{Algorithm: pwhash.PBKDF2, Iterations: iter, Salt: salt, Key: key}
		for _, format := range []Format{GoAuth, Passlib} {
			s, err := Encode(d, format)
			if err != nil {
				if !errors.Is(err, ErrCannotHold) {
					t.Fatalf("Encode(%s) = %v, want ErrCannotHold", format, err)
				}
				continue
			}
			back, err := Decode(s)
			if err != nil {
				var de *pwhash.DecodeError
				if errors.As(err, &de) && de.Err == pwhash.ErrTooCostly {
					continue
				}
				t.Fatalf("Decode(Encode(%s)) = %v", format, err)
			}
			if back.Iterations != iter || !bytes.Equal(back.Salt, salt) || !bytes.Equal(back.Key, key) {
				t.Fatalf("%s: Decode(Encode(d)) = %+v, want %+v", format, back, d)
			}
		}
	})
}
