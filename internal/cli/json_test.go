package cli

import (
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/jsonw/jsonwtest"
	"github.com/mqpasswd/mqpasswd/internal/pwcheck"
)

// TestConfReportJSON: --check --conf --json's report is what encoding/json
// writes for it (the testscripts cmp whole reports; this covers the values
// they do not reach: nil slices, missing reports, names to escape).
func TestConfReportJSON(t *testing.T) {
	rep := &pwcheck.Report{Broker: "2.1", Users: 2, Warnings: 1, Findings: []pwcheck.Finding{
		{Line: 2, Severity: pwcheck.SeverityWarning, Code: pwcheck.CodeSHA512, User: "u", Message: "m", Effect: pwcheck.EffectNone},
	}}
	for _, r := range []*confReport{
		{},
		{Findings: []confFinding{}, PasswordFiles: []confPasswordFile{}},
		{Configuration: "/etc/m\"q\\.conf", Broker: "2.0", Errors: 3, Warnings: -1,
			Findings: []confFinding{
				{File: "a.conf", Line: 3, Severity: pwcheck.SeverityError, Code: codeConfLine, Message: "<bad>\tline\x01"},
				{File: "b\u2028.conf", Severity: pwcheck.SeverityWarning, Code: codeAnonymous, Message: "\xff"},
			},
			PasswordFiles: []confPasswordFile{
				{Path: "p", Option: "password_file", At: "a.conf:4", Listeners: []string{}, Report: rep},
				{Path: "missing", At: "a.conf:9", Listeners: []string{"1883", "8883 (tls)"}},
				{Report: &pwcheck.Report{}},
			}},
	} {
		jsonwtest.Check(t, r, r.WriteJSON)
	}
}
