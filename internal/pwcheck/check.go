package pwcheck

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"

	"github.com/mqpasswd/mqpasswd/internal/brokeruser"
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// Severity is how bad a finding is: errors make a broker drop entries or
// refuse the file (or make mosquitto_passwd refuse to edit it); warnings
// are risks that work today.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding codes, stable for scripts that read --check --json.
const (
	CodeCorrupt     = "corrupt"            // not an entry, a comment or a blank line
	CodeTooLong     = "line-too-long"      // a line over pwfile.MaxLineLen; checking stops there
	CodeDuplicate   = "duplicate-user"     // a user with more than one entry
	CodePlaintext   = "plaintext"          // an entry whose password is not hashed
	CodeBadHash     = "invalid-hash"       // a hash that does not decode
	CodeCostly      = "costly-hash"        // parameters over our cost caps
	CodeRejected    = "rejected-hash"      // decodes, but the target broker drops it
	CodeArgon2      = "argon2id"           // argon2id: only 2.1 brokers built with argon2
	CodeSalt64      = "salt-for-2.1"       // a 64-byte salt, which 2.0 brokers drop
	CodeSHA512      = "weak-sha512"        // $6$: one SHA-512 round
	CodeIterations  = "weak-iterations"    // $7$ with fewer than MinIterations
	CodeCRLF        = "crlf"               // CRLF line endings
	CodeNoNewline   = "no-final-newline"   // the last line has no '\n'
	CodeWorldAccess = "world-permissions"  // any permission for others
	CodeOwner       = "owner"              // owned by another user than the broker's
	CodeGroup       = "group"              // group other than the broker's
	CodeSymlink     = "symlink"            // 2.1 brokers refuse a symlinked file
	CodeUnreadable  = "broker-cannot-read" // the broker's user cannot open the file
)

// Effect is what the target broker does because of a finding when it loads
// the file, at start or on a reload (broker-acceptance.md). It is the one
// place that says which findings make signalling a reload unsafe.
type Effect string

const (
	EffectNone        Effect = ""             // the broker loads every user
	EffectDropsEntry  Effect = "drops-entry"  // 2.0: the entry is left out, the others load
	EffectRefusesFile Effect = "refuses-file" // the broker does not start, and 2.1 quits on a reload
)

// effectOf is what brokers of generation b do with an entry they cannot
// load: 2.0 drops it, 2.1 refuses the whole file.
func effectOf(b pwhash.Broker) Effect {
	if b == pwhash.Broker20 {
		return EffectDropsEntry
	}
	return EffectRefusesFile
}

// MinIterations is the fewest PBKDF2 iterations we do not warn about: the
// default of Mosquitto 2.1 and of this tool. 2.0's tool wrote 101.
const MinIterations = pwhash.DefaultIterations

// Finding is one problem. Line is 0 for the file as a whole; User is set
// when the finding is about an entry.
type Finding struct {
	Line     int      `json:"line,omitempty"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	User     string   `json:"user,omitempty"`
	Message  string   `json:"message"`
	Effect   Effect   `json:"broker_effect,omitempty"`
}

// Report is the result of checking a file for a broker generation.
type Report struct {
	Broker   string    `json:"broker"` // "2.0", "2.1" or "2.1-argon2"
	Users    int       `json:"users"`  // distinct users with an entry
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
	Findings []Finding `json:"findings"`
}

func (r *Report) add(f Finding) {
	r.Findings = append(r.Findings, f)
	if f.Severity == SeverityError {
		r.Errors++
	} else {
		r.Warnings++
	}
}

// Check lints the password file read from r for brokers of generation b
// and returns the findings in line order. It reads the whole stream in
// constant memory, apart from one map entry per user, and never runs a key
// derivation. Its error is r's, or nil.
func Check(r io.Reader, b pwhash.Broker) (*Report, error) {
	rep := &Report{Broker: b.String(), Findings: []Finding{}}
	s := pwfile.NewScanner(r)
	s.KeepCorrupt()
	first := map[string]int{}
	var crlf, crlfFirst int
	var lastNum int
	var lastTerminated bool
	for s.Scan() {
		l := s.Line()
		lastNum, lastTerminated = l.Num, l.Terminated()
		if len(l.Raw) >= 2 && string(l.Raw[len(l.Raw)-2:]) == "\r\n" {
			if crlf++; crlf == 1 {
				crlfFirst = l.Num
			}
		}
		switch l.Kind {
		case pwfile.Corrupt:
			rep.add(corrupt(l, b))
		case pwfile.Entry:
			user := string(l.User)
			if at, dup := first[user]; dup {
				rep.add(duplicate(l.Num, user, at, b))
			} else {
				first[user] = l.Num
			}
			for _, f := range checkHash(string(l.Hash), b) {
				f.Line, f.User = l.Num, user
				rep.add(f)
			}
		}
	}
	if err := s.Err(); err != nil {
		var pe *pwfile.ParseError
		if !errors.As(err, &pe) || !errors.Is(err, pwfile.ErrLineTooLong) {
			return nil, err
		}
		rep.add(Finding{Line: pe.Line, Severity: SeverityError, Code: CodeTooLong, Effect: EffectRefusesFile,
			Message: pwfile.ErrLineTooLong.Error() + ": the file is damaged; nothing after it was checked"})
	}
	if crlf > 0 {
		count := "1 line"
		if crlf > 1 {
			count = fmt.Sprintf("%d lines", crlf)
		}
		rep.add(Finding{Line: crlfFirst, Severity: SeverityWarning, Code: CodeCRLF,
			Message: fmt.Sprintf("CRLF line ending (%s in all): brokers read it, but the lines mosquitto_passwd writes end in LF only, so the file will mix both; convert it with dos2unix", count)})
	}
	if lastNum > 0 && !lastTerminated {
		rep.add(Finding{Line: lastNum, Severity: SeverityWarning, Code: CodeNoNewline,
			Message: "no newline at the end of the file: the original mosquitto_passwd glues the next user it adds onto this line, corrupting both"})
	}
	rep.Users = len(first)
	// The CRLF finding names its first line, which came before others.
	// sort, not slices: each slices.SortStableFunc element type adds its own
	// copy of the sorting code to the binary.
	sort.SliceStable(rep.Findings, func(i, j int) bool { return rep.Findings[i].Line < rep.Findings[j].Line })
	return rep, nil
}

// Unsafe returns the findings that make the target broker drop users or
// refuse the file: a reload must not be signalled while there is one.
func (r *Report) Unsafe() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Effect != EffectNone {
			out = append(out, f)
		}
	}
	return out
}

// AddFile adds findings about the file itself (see CheckFileAs) in front of
// the report's others.
func (r *Report) AddFile(findings []Finding) {
	old := r.Findings
	r.Findings = make([]Finding, 0, len(findings)+len(old))
	r.Errors, r.Warnings = 0, 0
	for _, f := range append(findings, old...) {
		r.add(f)
	}
}

// CheckFileAs lints the file at path itself, not its content, for a broker
// of generation b that runs as u: a symbolic link (2.1 brokers open the
// password file with O_NOFOLLOW and refuse a link); where files have Unix
// owners and modes, an error when u cannot open the file (its mode, owner
// and ACL, and search permission on every directory above it), any
// permission for others, and an owner or group other than u's, which 2.1
// brokers warn about. A u that is not Found skips what depends on the user.
// The broker suggests chmod 0700, which makes the file executable; we
// suggest 600.
func CheckFileAs(path string, b pwhash.Broker, u brokeruser.User) ([]Finding, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	var out []Finding
	if fi.Mode()&fs.ModeSymlink != 0 {
		f := Finding{Severity: SeverityWarning, Code: CodeSymlink,
			Message: fmt.Sprintf("%s is a symbolic link: 2.1 brokers refuse to open it unless MOSQUITTO_UNSAFE_ALLOW_SYMLINKS=1 is set (2.1.1 and later); point password_file at the file itself", path)}
		if b != pwhash.Broker20 {
			f.Severity, f.Effect = SeverityError, EffectRefusesFile
		}
		out = append(out, f)
		if fi, err = os.Stat(path); err != nil {
			return nil, err
		}
	}
	return append(out, checkAccess(path, fi, u)...), nil
}

func corrupt(l pwfile.Line, b pwhash.Broker) Finding {
	f := Finding{Line: l.Num, Severity: SeverityError, Code: CodeCorrupt}
	// The broker skips a line without ':' silently; one with an empty
	// username or hash makes 2.1 refuse the file (broker-acceptance.md).
	broker := "brokers skip it"
	if bytes.IndexByte(l.Raw, ':') >= 0 {
		broker = "2.0 brokers skip it, 2.1 brokers refuse the whole file"
		f.Effect = effectOf(b)
	}
	f.Message = fmt.Sprintf("corrupt line, not username:hash, a comment or a blank line: %s, and mosquitto_passwd refuses to edit the file; fix or delete the line", broker)
	return f
}

func duplicate(line int, user string, first int, b pwhash.Broker) Finding {
	f := Finding{Line: line, Severity: SeverityWarning, Code: CodeDuplicate, User: user,
		Message: fmt.Sprintf("user %s already has an entry at line %d: 2.0 brokers use the last one, and 2.1 brokers refuse the whole file (and quit on a reload); delete one with mosquitto_passwd -D and add the user again", user, first)}
	if b != pwhash.Broker20 {
		f.Severity, f.Effect = SeverityError, EffectRefusesFile
	}
	return f
}

// checkHash lints one entry's hash field.
func checkHash(hash string, b pwhash.Broker) []Finding {
	if !pwhash.LooksHashed(hash) {
		return []Finding{{Severity: SeverityError, Code: CodePlaintext, Effect: effectOf(b),
			Message: "the password is not hashed (or its hash is of a kind no broker reads): brokers reject the entry, 2.1 brokers the whole file; hash it with mosquitto_passwd -U, or set the password again"}}
	}
	d, err := pwhash.Decode(hash)
	if err != nil {
		var de *pwhash.DecodeError
		reason := err.Error()
		if errors.As(err, &de) && de.Reason != "" {
			reason = de.Reason
		}
		if errors.Is(err, pwhash.ErrTooCostly) {
			return []Finding{{Severity: SeverityWarning, Code: CodeCostly,
				Message: fmt.Sprintf("hash parameters beyond mosquitto_passwd's cost limits (%s): the broker spends that work on every connection of this user", reason)}}
		}
		return []Finding{{Severity: SeverityError, Code: CodeBadHash, Effect: effectOf(b),
			Message: fmt.Sprintf("the hash cannot be decoded (%s): brokers reject the entry, 2.1 brokers the whole file; set the password again", reason)}}
	}
	var out []Finding
	a := d.Accepted()
	switch {
	case a.By(b):
	case b == pwhash.Broker20 && d.Algorithm == pwhash.Argon2id:
		out = append(out, Finding{Severity: SeverityError, Code: CodeArgon2, Effect: EffectDropsEntry,
			Message: "argon2id hash: 2.0 brokers drop the entry; set the password again without -H argon2id"})
	case d.Algorithm == pwhash.Argon2id:
		out = append(out, Finding{Severity: SeverityError, Code: CodeArgon2, Effect: EffectRefusesFile,
			Message: "argon2id hash: 2.1 as released, and so the official Docker images, refuse the whole file (and quit on a reload); check with --broker 2.1-argon2 if your broker is built with argon2"})
	case b == pwhash.Broker20 && a.Broker21:
		out = append(out, Finding{Severity: SeverityError, Code: CodeSalt64, Effect: EffectDropsEntry,
			Message: fmt.Sprintf("%d-byte salt, as 2.1's tool writes: 2.0 brokers drop the entry; set the password again with this mosquitto_passwd (12-byte salts), or check with --broker 2.1 if only 2.1 brokers read the file", len(d.Salt))})
	default:
		out = append(out, Finding{Severity: SeverityError, Code: CodeRejected, Effect: effectOf(b),
			Message: fmt.Sprintf("%d-byte salt and %d-byte hash: no broker loads the entry (they need a 12- or 64-byte salt and a 64-byte hash); set the password again", len(d.Salt), len(d.Key))})
	}
	switch {
	case d.Algorithm == pwhash.SHA512:
		out = append(out, Finding{Severity: SeverityWarning, Code: CodeSHA512,
			Message: "sha512 hash ($6$, one round of SHA-512, from Mosquitto 1.6 and earlier): quick to crack if the file leaks; set the password again to get sha512-pbkdf2"})
	case d.Algorithm == pwhash.PBKDF2 && d.Iterations < MinIterations:
		out = append(out, Finding{Severity: SeverityWarning, Code: CodeIterations,
			Message: fmt.Sprintf("only %d sha512-pbkdf2 iterations (Mosquitto 2.0's tool wrote 101): quicker to crack if the file leaks; set the password again to get %d", d.Iterations, MinIterations)})
	}
	return out
}
