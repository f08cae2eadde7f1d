package pwfile

import "errors"

// MaxUsernameLen is the original tool's limit: MQTT strings are at most
// 65535 bytes long.
const MaxUsernameLen = 65535

// Reasons CheckUsername refuses a username, in the order the original checks
// them.
var (
	ErrUsernameTooLong = errors.New("username longer than 65535 bytes")
	ErrUsernameControl = errors.New("username contains a control character")
	ErrUsernameColon   = errors.New("username contains ':'")
	ErrUsernameEmpty   = errors.New("username is empty")
	ErrUsernameComment = errors.New("username starts with '#'")
	ErrUsernameSpace   = errors.New("username starts or ends with white space")
)

// CheckUsername reports whether name can be stored in a password file. The
// original accepts an empty name and then writes a line its own parser calls
// corrupt, a name starting with '#', which the broker reads as a comment,
// and a name starting or ending with white space, which the broker (and our
// parser) trim; we refuse all three, in every mode.
func CheckUsername(name string) error {
	if len(name) > MaxUsernameLen {
		return ErrUsernameTooLong
	}
	for i := 0; i < len(name); i++ {
		// C's iscntrl in the "C" locale: bytes of UTF-8 sequences pass.
		if name[i] < 0x20 || name[i] == 0x7f {
			return ErrUsernameControl
		}
	}
	for i := 0; i < len(name); i++ {
		if name[i] == ':' {
			return ErrUsernameColon
		}
	}
	if name == "" {
		return ErrUsernameEmpty
	}
	// The broker (and our parser) skip lines starting with '#', so such a
	// user could never log in, and the next run would not find it.
	if name[0] == '#' {
		return ErrUsernameComment
	}
	// " bob" would be stored as one user and found, by the broker and by
	// every later run, as another.
	if isSpace(name[0]) || isSpace(name[len(name)-1]) {
		return ErrUsernameSpace
	}
	return nil
}
