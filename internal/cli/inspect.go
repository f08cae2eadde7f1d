package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/brokerconf"
	"github.com/mqpasswd/mqpasswd/internal/brokeruser"
	"github.com/mqpasswd/mqpasswd/internal/jsonw"
	"github.com/mqpasswd/mqpasswd/internal/pwcheck"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// list is --list: the users of the file, one per line, or with --json an
// array of entry descriptions, one per line. It streams, so a corrupt line
// stops it with exit 1 after the users before it were printed.
func list(ctx context.Context, o *Options, s Streams, f *atomicfile.File) (err error) {
	w := bufio.NewWriter(s.Out)
	// Its error too: a list cut short by a closed stdout must not exit 0.
	defer func() {
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
	}()
	if !o.JSON {
		_, err := f.Read(ctx, func(r io.Reader) error {
			return pwcheck.List(r, func(e pwcheck.Entry) error {
				_, err := fmt.Fprintln(w, listName(e.User))
				return err
			})
		})
		return err
	}
	// One entry a line; each is written once the next one shows whether
	// it needs a comma.
	entry := jsonw.NewWriter("", "")
	io.WriteString(w, "[\n")
	_, err = f.Read(ctx, func(r io.Reader) error {
		return pwcheck.List(r, func(e pwcheck.Entry) error {
			if len(entry.Bytes()) > 0 {
				w.Write(entry.Bytes())
				w.WriteString(",\n")
				entry.Reset()
			}
			e.WriteJSON(entry)
			return nil
		})
	})
	if err != nil {
		return err
	}
	if len(entry.Bytes()) > 0 {
		w.Write(entry.Bytes())
		w.WriteString("\n")
	}
	_, err = io.WriteString(w, "]\n")
	return err
}

// listName is how --list prints a username (and --export's warnings name
// one), to a terminal or not alike: as
// it is, unless it holds something a terminal could act on or a reader could
// not see (a control character such as ESC, any other rune Go does not
// print, invalid UTF-8) or starts with a double quote; then quoted as Go
// (and C) quote strings, so that scripts can tell: a line starting with '"'
// is always a quoted name. The tool itself refuses such names; a file may
// hold them all the same, and --json gives them exactly.
func listName(user string) string {
	if strings.HasPrefix(user, `"`) || !utf8.ValidString(user) || strings.ContainsFunc(user, func(r rune) bool { return !strconv.IsPrint(r) }) {
		return strconv.Quote(user)
	}
	return user
}

// check is --check: the findings on stdout, one per line as FILE:LINE:
// severity: message (or with --json the report), then the verdict: on stdout
// without errors, exit 1 and on stderr with them. Access is judged for the
// broker's user (checkedUser).
func check(ctx context.Context, o *Options, s Streams, f *atomicfile.File, cfg *brokerconf.Config) error {
	u, err := checkedUser(o, cfg)
	if err != nil {
		return err
	}
	rep, err := checkFile(ctx, o.File, f, o.Broker, u)
	if err != nil {
		return err
	}
	return writeCheck(s.Out, o.JSON, rep, func(w io.Writer) {
		for _, f := range rep.Findings {
			printFinding(w, o.File, f.Line, string(f.Severity), f.Message)
		}
	}, verdict{name: o.File, broker: rep.Broker, what: plural(rep.Users, "user"), errors: rep.Errors, warnings: rep.Warnings})
}

// verdict is what --check says last about name: its errors and warnings
// for Mosquitto brokers of generation broker, and what it checked (such as
// "3 users").
type verdict struct {
	name, broker, what string
	errors, warnings   int
}

// writeCheck writes --check's output on out: rep as JSON with --json, else
// through print; then v, as a line on out, or as the error (exit 1) when
// there are errors. With --json only errors are said.
func writeCheck(out io.Writer, asJSON bool, rep interface{ WriteJSON(*jsonw.Writer) }, print func(io.Writer), v verdict) error {
	w := bufio.NewWriter(out)
	defer w.Flush()
	if asJSON {
		jw := jsonw.NewWriter("", "  ")
		rep.WriteJSON(jw)
		w.Write(jw.Bytes())
		w.WriteString("\n")
	} else {
		print(w)
	}
	switch {
	case v.errors > 0:
		if err := w.Flush(); err != nil {
			return err
		}
		return fail(ExitError, msgCheckErrors, v.name, problems(v.errors, v.warnings), v.broker)
	case asJSON:
	case v.warnings > 0:
		fmt.Fprintf(w, msgCheckWarnings+"\n", v.name, plural(v.warnings, "warning"), v.broker, v.what)
	default:
		fmt.Fprintf(w, msgCheckClean+"\n", v.name, v.broker, v.what)
	}
	return w.Flush()
}

// checkFile lints the content of f, then the file by the name given, so
// that a symbolic link is one of the findings, for a broker of generation b
// that runs as u.
func checkFile(ctx context.Context, name string, f *atomicfile.File, b pwhash.Broker, u brokeruser.User) (*pwcheck.Report, error) {
	var rep *pwcheck.Report
	_, err := f.Read(ctx, func(r io.Reader) (err error) {
		rep, err = pwcheck.Check(r, b)
		return err
	})
	if err != nil {
		return nil, err
	}
	fileFindings, err := pwcheck.CheckFileAs(name, b, u)
	if err != nil {
		return nil, err
	}
	rep.AddFile(fileFindings)
	return rep, nil
}

// printFinding prints one finding as FILE:LINE: severity: message, or
// FILE: severity: message for the file as a whole (line 0).
func printFinding(w io.Writer, name string, line int, severity, msg string) {
	if line > 0 {
		fmt.Fprintf(w, msgCheckFinding+"\n", name, line, severity, msg)
	} else {
		fmt.Fprintf(w, msgCheckFileFinding+"\n", name, severity, msg)
	}
}

// problems is "2 errors", or "2 errors and 1 warning".
func problems(errs, warnings int) string {
	p := plural(errs, "error")
	if warnings > 0 {
		p += " and " + plural(warnings, "warning")
	}
	return p
}

// Codes of the findings --check --conf makes about the configuration, stable
// for scripts, beside pwcheck's about password files.
const (
	codeConfLine       = "configuration"         // a line the broker refuses
	codeMissingFile    = "missing-password-file" // a password file that does not exist
	codeAnonymous      = "anonymous-listener"    // clients without a username get in
	codeNoPasswordFile = "no-password-file"      // the broker loads none
)

// confReport is what --check --conf FILE reports, --json's form of it.
type confReport struct {
	Configuration string             `json:"configuration"`
	Broker        string             `json:"broker"`
	Errors        int                `json:"errors"`
	Warnings      int                `json:"warnings"`
	Findings      []confFinding      `json:"findings"`
	PasswordFiles []confPasswordFile `json:"password_files"`
}

// confFinding is a finding about the configuration, at a line of one of
// its files (line 0: the configuration as a whole).
type confFinding struct {
	File     string           `json:"file"`
	Line     int              `json:"line,omitempty"`
	Severity pwcheck.Severity `json:"severity"`
	Code     string           `json:"code"`
	Message  string           `json:"message"`
}

// confPasswordFile is a password file the configuration loads, and the
// report on it; a missing file has none.
type confPasswordFile struct {
	Path      string          `json:"path"`
	Option    string          `json:"option"`
	At        string          `json:"at"`
	Listeners []string        `json:"listeners"` // empty: every listener
	Report    *pwcheck.Report `json:"report,omitempty"`
}

// WriteJSON writes r as encoding/json writes it by its tags (the tests
// hold it to that), so that the binary need not link encoding/json.
func (r *confReport) WriteJSON(w *jsonw.Writer) {
	w.BeginObject()
	w.Key("configuration").String(r.Configuration)
	w.Key("broker").String(r.Broker)
	w.Key("errors").Int(int64(r.Errors))
	w.Key("warnings").Int(int64(r.Warnings))
	w.Key("findings")
	jsonw.Array(w, r.Findings)
	w.Key("password_files")
	jsonw.Array(w, r.PasswordFiles)
	w.EndObject()
}

func (f confFinding) WriteJSON(w *jsonw.Writer) {
	w.BeginObject()
	w.Key("file").String(f.File)
	if f.Line != 0 {
		w.Key("line").Int(int64(f.Line))
	}
	w.Key("severity").String(string(f.Severity))
	w.Key("code").String(f.Code)
	w.Key("message").String(f.Message)
	w.EndObject()
}

func (pf confPasswordFile) WriteJSON(w *jsonw.Writer) {
	w.BeginObject()
	w.Key("path").String(pf.Path)
	w.Key("option").String(pf.Option)
	w.Key("at").String(pf.At)
	w.Key("listeners").Strings(pf.Listeners)
	if pf.Report != nil {
		w.Key("report")
		pf.Report.WriteJSON(w)
	}
	w.EndObject()
}

func (r *confReport) add(at brokerconf.Pos, sev pwcheck.Severity, code, msg string) {
	r.Findings = append(r.Findings, confFinding{File: at.File, Line: at.Line, Severity: sev, Code: code, Message: msg})
	r.count(sev, 1)
}

func (r *confReport) count(sev pwcheck.Severity, n int) {
	if sev == pwcheck.SeverityError {
		r.Errors += n
	} else {
		r.Warnings += n
	}
}

// checkConf is --check --conf FILE without a password file: the
// configuration's own findings (lines the broker refuses, password files
// that do not exist, listeners that let clients in without a username),
// then every password file it loads, checked as --check checks one and
// named with the option and the listeners it is for. The verdict counts
// them all.
func checkConf(ctx context.Context, o *Options, s Streams, cfg *brokerconf.Config) error {
	u, err := checkedUser(o, cfg)
	if err != nil {
		return err
	}
	rep := &confReport{Configuration: o.Conf, Broker: o.Broker.String(), Findings: []confFinding{}, PasswordFiles: []confPasswordFile{}}
	whole := brokerconf.Pos{File: o.Conf}
	for _, e := range cfg.Errors {
		rep.add(e.Pos, pwcheck.SeverityError, codeConfLine, e.Err.Error())
	}
	missing := map[string]bool{}
	for _, pf := range cfg.Missing() {
		missing[pf.Path] = true
		rep.add(pf.At, pwcheck.SeverityError, codeMissingFile, fmt.Sprintf(msgConfMissing, pf.Source, pf.Path))
	}
	for _, l := range cfg.AnonymousListeners() {
		at := l.At
		if at.Line == 0 {
			at = whole
		}
		rep.add(at, pwcheck.SeverityWarning, codeAnonymous, fmt.Sprintf(msgConfAnonymous, l))
	}
	if len(cfg.PasswordFiles) == 0 {
		rep.add(whole, pwcheck.SeverityWarning, codeNoPasswordFile, msgConfNoPasswordFile)
	}
	checked := map[string]bool{}
	for _, pf := range cfg.PasswordFiles {
		entry := confPasswordFile{Path: pf.Path, Option: string(pf.Source), At: pf.At.String(), Listeners: []string{}}
		if pf.Listeners != nil {
			for _, l := range cfg.ListenersOf(pf) {
				entry.Listeners = append(entry.Listeners, l.String())
			}
		}
		// A file named twice (for two listeners) is checked once.
		if !missing[pf.Path] && !checked[pf.Path] {
			checked[pf.Path] = true
			f, err := atomicfile.Open(pf.Path, atomicfile.ForReading, fileOptions(o, s)...)
			if err != nil {
				return err
			}
			if entry.Report, err = checkFile(ctx, pf.Path, f, o.Broker, u); err != nil {
				return err
			}
			rep.count(pwcheck.SeverityError, entry.Report.Errors)
			rep.count(pwcheck.SeverityWarning, entry.Report.Warnings)
		}
		rep.PasswordFiles = append(rep.PasswordFiles, entry)
	}

	return writeCheck(s.Out, o.JSON, rep, func(w io.Writer) { printConf(w, rep) },
		verdict{name: o.Conf, broker: rep.Broker, what: plural(len(checked), "password file"), errors: rep.Errors, warnings: rep.Warnings})
}

// printConf prints checkConf's report: the configuration's findings, then
// each password file with what it is for, its findings and its verdict.
func printConf(w io.Writer, rep *confReport) {
	for _, f := range rep.Findings {
		printFinding(w, f.File, f.Line, string(f.Severity), f.Message)
	}
	for _, pf := range rep.PasswordFiles {
		listeners := msgConfEveryListener
		if len(pf.Listeners) > 0 {
			listeners = strings.Join(pf.Listeners, ", ")
		}
		fmt.Fprintf(w, msgConfPasswordFile+"\n", pf.Path, pf.Option, pf.At, listeners)
		r := pf.Report
		if r == nil {
			continue
		}
		for _, f := range r.Findings {
			printFinding(w, pf.Path, f.Line, string(f.Severity), f.Message)
		}
		if r.Errors+r.Warnings > 0 {
			fmt.Fprintf(w, msgCheckWarnings+"\n", pf.Path, problems(r.Errors, r.Warnings), r.Broker, plural(r.Users, "user"))
		} else {
			fmt.Fprintf(w, msgCheckClean+"\n", pf.Path, r.Broker, plural(r.Users, "user"))
		}
	}
}

// plural is "1 user", "2 users".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
