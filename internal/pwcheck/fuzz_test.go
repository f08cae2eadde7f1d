package pwcheck

import (
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// FuzzCheck holds Check to its contract on any file: no error from an
// in-memory reader, findings in line order and within the file, counts that
// add up, and no message quoting a hash field or a corrupt line.
func FuzzCheck(f *testing.F) {
	f.Add("# c\r\nalice:$7$101$w5rlZ4BSpL8XYcEO$HZpNOTloSy7EW1zSLLMuYYD3tgcTjzYrZC+YfXHzHMOvHhLW7bjqyQ8dxgfS8Qv6TO/syWpzbMnyvkkP5UAncw==\n\ngarbage\nbob:\nalice:secret\n")
	f.Add("a:$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA\nb:$6$x$y")
	f.Add(":::\n\x00:\x01\n")
	f.Add("u:$7$1\x00secret-hash\nno colon \x00 secret line\n")
	f.Fuzz(func(t *testing.T, in string) {
		for _, b := range []pwhash.Broker{pwhash.Broker20, pwhash.Broker21, pwhash.Broker21Argon2} {
			rep, err := Check(strings.NewReader(in), b)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Count(in, "\n") + 1
			prev, errs, warns := 0, 0, 0
			for _, f := range rep.Findings {
				if f.Line < prev || f.Line < 1 || f.Line > lines {
					t.Fatalf("finding at line %d after %d in %d lines", f.Line, prev, lines)
				}
				prev = f.Line
				if f.Effect != EffectNone && f.Severity != SeverityError {
					t.Fatalf("a %s finding with broker effect %s", f.Severity, f.Effect)
				}
				switch f.Severity {
				case SeverityError:
					errs++
				case SeverityWarning:
					warns++
				default:
					t.Fatalf("severity %q", f.Severity)
				}
			}
			if errs != rep.Errors || warns != rep.Warnings {
				t.Fatalf("counts %d/%d, findings %d/%d", rep.Errors, rep.Warnings, errs, warns)
			}
			s := pwfile.NewScanner(strings.NewReader(in))
			s.KeepCorrupt()
			for s.Scan() {
				l := s.Line()
				secret := string(l.Hash)
				if l.Kind == pwfile.Corrupt {
					secret = strings.TrimSpace(string(l.Raw))
				}
				// Only fields with a byte no message holds, so that text
				// that happens to match a message's words is no finding.
				if len(secret) < 8 || !strings.ContainsRune(secret, 0) {
					continue
				}
				for _, f := range rep.Findings {
					if strings.Contains(f.Message, secret) {
						t.Fatalf("message %q quotes line %d", f.Message, l.Num)
					}
				}
			}
		}
	})
}
