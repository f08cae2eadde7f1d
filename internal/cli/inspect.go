package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/mqpasswd/mqpasswd/internal/pwcheck"
)

// list is --list: the users of the file, one per line, or with --json an
// array of entry descriptions, one per line. It streams, so a corrupt line
// stops it with exit 1 after the users before it were printed.
func (o *Options) list(s Streams) error {
	f, path, err := o.openRead()
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(s.Out)
	defer w.Flush()
	if !o.JSON {
		return o.fileError(pwcheck.List(f, func(e pwcheck.Entry) error {
			_, err := fmt.Fprintln(w, e.User)
			return err
		}), path)
	}
	// One entry a line; each is written once the next one shows whether
	// it needs a comma.
	var entry bytes.Buffer
	enc := newJSONEncoder(&entry)
	io.WriteString(w, "[\n")
	err = pwcheck.List(f, func(e pwcheck.Entry) error {
		if entry.Len() > 0 {
			entry.Truncate(entry.Len() - 1) // the encoder's newline
			entry.WriteString(",\n")
			w.Write(entry.Bytes())
			entry.Reset()
		}
		return enc.Encode(e)
	})
	if err != nil {
		return o.fileError(err, path)
	}
	w.Write(entry.Bytes())
	_, err = io.WriteString(w, "]\n")
	return err
}

func newJSONEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// check is --check: the findings on stdout, one per line as FILE:LINE:
// severity: message (or with --json the report), then the verdict: on stdout
// without errors, exit 1 and on stderr with them.
func (o *Options) check(s Streams) error {
	f, path, err := o.openRead()
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := pwcheck.Check(f, o.Broker)
	if err != nil {
		return o.fileError(err, path)
	}
	uid, gid := -1, -1 // the user running the check, as the broker does
	if o.Owner != "" {
		// --owner USER checks no group, --owner :GROUP no owner.
		uid, gid = anyIfUnset(o.uid), anyIfUnset(o.gid)
	}
	// By the name given: a symbolic link is one of the findings.
	fileFindings, err := pwcheck.CheckFile(o.File, o.Broker, uid, gid)
	if err != nil {
		return o.fileError(err, path)
	}
	rep.AddFile(fileFindings)

	w := bufio.NewWriter(s.Out)
	defer w.Flush()
	if o.JSON {
		enc := newJSONEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		for _, f := range rep.Findings {
			if f.Line > 0 {
				fmt.Fprintf(w, msgCheckFinding+"\n", o.File, f.Line, f.Severity, f.Message)
			} else {
				fmt.Fprintf(w, msgCheckFileFinding+"\n", o.File, f.Severity, f.Message)
			}
		}
	}
	users := plural(rep.Users, "user")
	switch {
	case rep.Errors > 0:
		if err := w.Flush(); err != nil {
			return err
		}
		problems := plural(rep.Errors, "error")
		if rep.Warnings > 0 {
			problems += " and " + plural(rep.Warnings, "warning")
		}
		return fail(ExitError, msgCheckErrors, o.File, problems, rep.Broker)
	case o.JSON:
	case rep.Warnings > 0:
		fmt.Fprintf(w, msgCheckWarnings+"\n", o.File, plural(rep.Warnings, "warning"), rep.Broker, users)
	default:
		fmt.Fprintf(w, msgCheckClean+"\n", o.File, rep.Broker, users)
	}
	return w.Flush()
}

func anyIfUnset(id int) int {
	if id < 0 {
		return pwcheck.AnyID
	}
	return id
}

// plural is "1 user", "2 users".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
