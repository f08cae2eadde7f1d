package manpage

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/cli"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// page is where the committed manual page lives, from this directory.
const page = "../../cmd/mosquitto_passwd/mosquitto_passwd.1"

func generate(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	if err := Generate(&b, cli.Command(), Page); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPageUpToDate fails while the committed page differs from what the
// command's definition generates: a flag, its usage string or the manual's
// text changed without "make man".
func TestPageUpToDate(t *testing.T) {
	got, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != generate(t) {
		t.Errorf("%s is out of date: run make man", page)
	}
}

// TestPageContents checks that the page documents every option, the exit
// codes, the file format, the compatibility table, examples and related
// pages, and that it is the same on every run.
func TestPageContents(t *testing.T) {
	text := generate(t)
	if text != generate(t) {
		t.Error("two runs generate different pages")
	}
	for _, want := range []string{
		`.TH "MOSQUITTO_PASSWD" "1" "" "mqpasswd"`,
		".SH SYNOPSIS", ".SH DESCRIPTION", ".SH PASSWORD FILE", ".SH HASHES AND BROKERS",
		".SH EXIT STATUS", ".SH OPTIONS", ".SH EXAMPLE", ".SH SEE ALSO",
		".BR mosquitto (8),", ".BR mosquitto.conf (5),",
		"130\t", ".TS",
		// Options as a hand-written page shows them.
		".TP\n\\fB\\-b\\fR, \\fB\\-\\-batch\\fR\n.br\nBatch mode",
		".TP\n\\fB\\-\\-check\\fR\n.br\n",
		".TP\n\\fB\\-\\-import\\fR \\fIfile\\fR\n.br\n",
		".TP\n\\fB\\-I\\fR, \\fB\\-\\-iterations\\fR \\fIn\\fR\n.br\nsha512\\-pbkdf2 iterations",
		"(default: \\fB1000\\fR)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// What cobra's generator wrote for flags: values where there is no
	// argument, empty defaults.
	for _, bad := range []string{"[=", `=""`, "[=false]", "=\\fP", "\n\\fB\\-\\-completion\\fR=\n"} {
		if strings.Contains(text, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	cli.Command().Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if f.Usage == "" {
			t.Errorf("--%s has no usage string", f.Name)
		}
		if !strings.Contains(text, `\fB\-\-`+strings.ReplaceAll(f.Name, "-", `\-`)+`\fR`) {
			t.Errorf("the page lacks --%s", f.Name)
		}
	})
}

// TestUnnamedArgument: a string flag without a name for its argument is an
// error, not "--flag string" on the page.
func TestUnnamedArgument(t *testing.T) {
	cmd := &cobra.Command{Use: "x"}
	cmd.Flags().String("unnamed", "", "a flag")
	if err := Generate(&bytes.Buffer{}, cmd, Page); err == nil || !strings.Contains(err.Error(), "--unnamed") {
		t.Errorf("err %v, want one naming --unnamed", err)
	}
}

func TestMarkdown(t *testing.T) {
	cmd := &cobra.Command{Use: "tool [file]", Short: "a tool", Long: "First **-b** and *x-y*.\n" +
		"\\ at .start\n\n# more\n\n```\n.dot -x\n```\n\n| a | b |\n|---|---|\n| 1 | long text |\n"}
	var b bytes.Buffer
	if err := Generate(&b, cmd, Page); err != nil {
		t.Fatal(err)
	}
	want := ".SH DESCRIPTION\nFirst \\fB\\-b\\fR and \\fIx\\-y\\fR.\n\\e at .start\n" +
		".SH MORE\n.RS 4\n.nf\n\\&.dot \\-x\n.fi\n.RE\n" +
		".PP\n.TS\nallbox tab(\t);\nlb lbx\nl lx.\na\tT{\nb\nT}\n1\tT{\nlong text\nT}\n.TE\n.SH OPTIONS\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("got\n%s\nwant it to hold\n%s", b.String(), want)
	}
}

// TestGroffWarnings renders the committed page with groff's warnings on,
// as man -l does.
func TestGroffWarnings(t *testing.T) {
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("groff is not installed")
	}
	out, err := exec.Command(groff, "-man", "-t", "-ww", "-z", "-Tutf8", page).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("groff: %v\n%s", err, out)
	}
}
