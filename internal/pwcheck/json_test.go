package pwcheck

import (
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/jsonw/jsonwtest"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
	"github.com/mqpasswd/mqpasswd/internal/testvectors"
)

// vectorFile is every vector line, then lines of each kind the vectors lack.
func vectorFile(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, name := range testvectors.Files {
		vs, err := testvectors.Read(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			b.WriteString(v.Line() + "\n")
		}
	}
	b.WriteString("plain:secret\nother:$5$x$y\nbad:$7$1$a$b\n\xff<&>\u2028:$6$\nalice:$6$x$y\n")
	return b.String()
}

func TestEntryJSON(t *testing.T) {
	n := 0
	err := List(strings.NewReader(vectorFile(t)), func(e Entry) error {
		n++
		jsonwtest.Check(t, e, e.WriteJSON)
		return nil
	})
	if err != nil || n < 10 {
		t.Fatalf("%d entries, %v", n, err)
	}
	for _, e := range []Entry{
		{},
		{User: "u", Line: -1, Iterations: -5, SaltBytes: -1, HashBytes: 1 << 40},
		{MemoryKiB: 1<<32 - 1, Time: 1<<32 - 1, Threads: 255, Invalid: "\x00\n\"",
			AcceptedBy: Brokers{true, true, true}, ExportTo: []string{"dynsec-2.0", "\u2029"}},
		{ExportTo: []string{}},
	} {
		jsonwtest.Check(t, e, e.WriteJSON)
	}
}

func TestReportJSON(t *testing.T) {
	for _, b := range []pwhash.Broker{pwhash.Broker20, pwhash.Broker21, pwhash.Broker21Argon2} {
		rep, err := Check(strings.NewReader(vectorFile(t)+"corrupt\r\nx:y"), b)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Findings) < 5 {
			t.Fatalf("%d findings", len(rep.Findings))
		}
		jsonwtest.Check(t, rep, rep.WriteJSON)
	}
	for _, rep := range []*Report{
		nil,
		{},
		{Broker: "2.0", Findings: []Finding{}},
		{Users: 1 << 40, Errors: -1, Findings: []Finding{
			{},
			{Line: 3, Severity: SeverityError, Code: CodeCorrupt, User: "<a>\t", Message: "m\u2028", Effect: EffectRefusesFile},
		}},
	} {
		jsonwtest.Check(t, rep, rep.WriteJSON)
	}
}

// FuzzEntryJSON: any username and reason, and any numbers, are written as
// encoding/json writes them.
func FuzzEntryJSON(f *testing.F) {
	f.Add("alice", "", 1, 101, uint32(0), uint8(0), true)
	f.Add("\xff\u2028\"<", "bad\x00", -7, 0, uint32(1<<32-1), uint8(255), false)
	f.Fuzz(func(t *testing.T, user, invalid string, line, iter int, mem uint32, threads uint8, ok bool) {
		e := Entry{User: user, Line: line, Algorithm: invalid, Iterations: iter, MemoryKiB: mem, Time: mem,
			Threads: threads, SaltBytes: iter, HashBytes: line, Invalid: invalid,
			AcceptedBy: Brokers{ok, !ok, ok}, ExportTo: []string{user, invalid}}
		jsonwtest.Check(t, e, e.WriteJSON)
		fd := Finding{Line: line, Severity: Severity(invalid), Code: user, User: user, Message: invalid, Effect: Effect(user)}
		jsonwtest.Check(t, fd, fd.WriteJSON)
	})
}
