// Package manpage writes the manual page mosquitto_passwd(1) in roff from
// the command's own definition: the long description (Markdown: headings,
// paragraphs, **bold**, *italic*, fenced blocks and tables), the flags and
// their usage strings, and the examples. It renders only that much Markdown
// so that the product needs no Markdown or roff library, and lays the
// options out as a hand-written page does: each option with its argument
// on a line of its own, the description indented below it.
//
// "make man" runs gen.go through go generate; a test fails while the
// committed page differs from what Generate writes.
package manpage

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

//go:generate go run gen.go -o ../../cmd/mosquitto_passwd/mosquitto_passwd.1

// Page is the header of mosquitto_passwd(1).
var Page = Header{Title: "MOSQUITTO_PASSWD", Section: "1", Source: "mqpasswd", Manual: "User Commands"}

// Header is what the page's .TH line and NAME section say.
type Header struct {
	Title   string // MOSQUITTO_PASSWD
	Section string // 1
	Source  string // the package that ships the page
	Manual  string // the shelf it sits on, "User Commands"
}

// SeeAlso are the pages the SEE ALSO section names.
var SeeAlso = []string{"mosquitto(8)", "mosquitto.conf(5)", "mosquitto_pub(1)", "mosquitto_sub(1)"}

// ArgNames name the argument of flags whose value type says nothing more
// than "string" or, for pflag's Func flags, "value". A test fails for a flag
// of those types missing here, so that no option is shown with a bare
// "string" or "value" after it.
var ArgNames = map[string]string{
	"completion":    "shell",
	"conf":          "file",
	"export":        "format",
	"iterations":    "n",
	"lock-timeout":  "duration",
	"import":        "file",
	"import-hashed": "file",
	"output":        "file",
	"owner":         "user[:group]",
}

// Generate writes the page of cmd to w. The .TH line has no date, so that
// regenerating an unchanged page changes nothing.
func Generate(w io.Writer, cmd *cobra.Command, h Header) error {
	bw := bufio.NewWriter(w)
	name := cmd.Name()
	fmt.Fprintf(bw, ".TH %q %q \"\" %q %q\n", h.Title, h.Section, h.Source, h.Manual)
	fmt.Fprintf(bw, ".SH NAME\n%s \\- %s\n", name, inline(cmd.Short))
	synopsis := strings.TrimSpace(strings.TrimPrefix(cmd.Use, name))
	fmt.Fprintf(bw, ".SH SYNOPSIS\n.B %s\n%s\n", name, inline(synopsis))
	bw.WriteString(".SH DESCRIPTION\n")
	markdown(bw, cmd.Long)
	bw.WriteString(".SH OPTIONS\n")
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden || err != nil {
			return
		}
		err = option(bw, f)
	})
	if err != nil {
		return err
	}
	if cmd.Example != "" {
		bw.WriteString(".SH EXAMPLE\n")
		var lines []string
		for line := range strings.Lines(cmd.Example) {
			lines = append(lines, strings.TrimPrefix(strings.TrimRight(line, "\n"), "  "))
		}
		block(bw, lines)
	}
	bw.WriteString(".SH SEE ALSO\n")
	for i, page := range SeeAlso {
		sep := ","
		if i == len(SeeAlso)-1 {
			sep = ""
		}
		p, sec, _ := strings.Cut(strings.TrimSuffix(page, ")"), "(")
		fmt.Fprintf(bw, ".BR %s (%s)%s\n", p, sec, sep)
	}
	return bw.Flush()
}

// option writes one tagged paragraph: "-b, --batch" or "--hash name" on
// the tag line, the usage string and the default below it.
func option(w *bufio.Writer, f *pflag.Flag) error {
	var tag strings.Builder
	if f.Shorthand != "" {
		fmt.Fprintf(&tag, "\\fB\\-%s\\fR, ", f.Shorthand)
	}
	fmt.Fprintf(&tag, "\\fB\\-\\-%s\\fR", escape(f.Name))
	arg, usage := pflag.UnquoteUsage(f)
	// A flag with NoOptDefVal takes no argument of its own: a boolean, or
	// --list and --check, whose file is the usual positional argument.
	if f.NoOptDefVal == "" {
		if arg == "string" || arg == "value" {
			arg = ArgNames[f.Name]
			if arg == "" {
				return fmt.Errorf("--%s: no argument name (add it to ArgNames)", f.Name)
			}
		}
		fmt.Fprintf(&tag, " \\fI%s\\fR", escape(arg))
	}
	// .br: the description starts below even a tag short enough to share
	// its line, as in every other entry.
	fmt.Fprintf(w, ".TP\n%s\n.br\n%s", tag.String(), inline(capitalise(usage)))
	if f.NoOptDefVal == "" && f.DefValue != "" {
		fmt.Fprintf(w, " (default: \\fB%s\\fR)", escape(f.DefValue))
	}
	w.WriteString(".\n")
	return nil
}

// capitalise starts a description with a capital letter, unless its first
// word is a name (sha512-pbkdf2) that must be written as it is.
func capitalise(s string) string {
	word, _, _ := strings.Cut(s, " ")
	for _, c := range word {
		if c < 'a' || c > 'z' {
			return s
		}
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// markdown renders the subset of Markdown the manual is written in.
func markdown(w *bufio.Writer, md string) {
	lines := strings.Split(strings.TrimRight(md, "\n"), "\n")
	first := true // no .PP right after a heading
	for i := 0; i < len(lines); {
		line := lines[i]
		switch {
		case strings.TrimSpace(line) == "":
			i++
			continue
		case strings.HasPrefix(line, "# "):
			fmt.Fprintf(w, ".SH %s\n", escape(strings.ToUpper(strings.TrimPrefix(line, "# "))))
			first = true
			i++
			continue
		}
		if !first {
			w.WriteString(".PP\n")
		}
		first = false
		switch {
		case strings.HasPrefix(line, "```"):
			var code []string
			for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
				code = append(code, lines[i])
			}
			block(w, code)
			i++
		case strings.HasPrefix(line, "|"):
			var rows []string
			for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
				rows = append(rows, lines[i])
			}
			table(w, rows)
		default:
			for ; i < len(lines) && paragraphLine(lines[i]); i++ {
				w.WriteString(inline(lines[i]))
				w.WriteByte('\n')
			}
		}
	}
}

func paragraphLine(l string) bool {
	return strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "# ") && !strings.HasPrefix(l, "```") && !strings.HasPrefix(l, "|")
}

// block writes lines as they are, unfilled and indented.
func block(w *bufio.Writer, lines []string) {
	w.WriteString(".RS 4\n.nf\n")
	for _, l := range lines {
		w.WriteString(escape(l))
		w.WriteByte('\n')
	}
	w.WriteString(".fi\n.RE\n")
}

// table writes a Markdown table (header, separator, rows) for tbl, in boxes,
// every cell a text block so that long ones wrap.
func table(w *bufio.Writer, rows []string) {
	cells := func(row string) []string {
		c := strings.Split(strings.Trim(strings.TrimSpace(row), "|"), "|")
		for i := range c {
			c[i] = strings.TrimSpace(c[i])
		}
		return c
	}
	head := cells(rows[0])
	cols := make([]string, len(head))
	for i := range cols {
		cols[i] = "l"
	}
	last := len(cols) - 1
	cols[last] = "lx"
	fmt.Fprintf(w, ".TS\nallbox tab(\t);\n%s\n%s.\n", strings.ReplaceAll(strings.Join(cols, " "), "l", "lb"), strings.Join(cols, " "))
	for n, row := range rows {
		if n == 1 {
			continue // the |---| line
		}
		for i, c := range cells(row) {
			if i > 0 {
				w.WriteByte('\t')
			}
			if i == last {
				fmt.Fprintf(w, "T{\n%s\nT}", inline(c))
			} else {
				w.WriteString(inline(c))
			}
		}
		w.WriteByte('\n')
	}
	w.WriteString(".TE\n")
}

var (
	bold   = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	italic = regexp.MustCompile(`\*([^*]+)\*`)
)

// inline escapes a line of text for roff and turns **bold** and *italic*
// into font changes.
func inline(s string) string {
	s = bold.ReplaceAllString(escape(s), `\fB$1\fR`)
	return italic.ReplaceAllString(s, `\fI$1\fR`)
}

// escape makes text safe as roff input: backslashes printed, '-' the ASCII
// hyphen-minus (a plain '-' may come out as a typographic hyphen, and an
// option copied from the page would not work), and a line that would start
// with a control character started with a zero-width one.
func escape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
