package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/pwcheck"
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
	var entry bytes.Buffer
	enc := newJSONEncoder(&entry)
	io.WriteString(w, "[\n")
	_, err = f.Read(ctx, func(r io.Reader) error {
		return pwcheck.List(r, func(e pwcheck.Entry) error {
			if entry.Len() > 0 {
				entry.Truncate(entry.Len() - 1) // the encoder's newline
				entry.WriteString(",\n")
				w.Write(entry.Bytes())
				entry.Reset()
			}
			return enc.Encode(e)
		})
	})
	if err != nil {
		return err
	}
	w.Write(entry.Bytes())
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

func newJSONEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// check is --check: the findings on stdout, one per line as FILE:LINE:
// severity: message (or with --json the report), then the verdict: on stdout
// without errors, exit 1 and on stderr with them.
func check(ctx context.Context, o *Options, s Streams, f *atomicfile.File) error {
	var rep *pwcheck.Report
	_, err := f.Read(ctx, func(r io.Reader) (err error) {
		rep, err = pwcheck.Check(r, o.Broker)
		return err
	})
	if err != nil {
		return err
	}
	uid, gid := -1, -1 // the user running the check, as the broker does
	if o.OwnerName != "" {
		// --owner USER checks no group, --owner :GROUP no owner.
		uid, gid = pwcheck.AnyID, pwcheck.AnyID
		if o.Owner.HasUID {
			uid = o.Owner.UID
		}
		if o.Owner.HasGID {
			gid = o.Owner.GID
		}
	}
	// By the name given: a symbolic link is one of the findings.
	fileFindings, err := pwcheck.CheckFile(o.File, o.Broker, uid, gid)
	if err != nil {
		return err
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

// plural is "1 user", "2 users".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
