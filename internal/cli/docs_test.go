package cli

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// The options and exit codes are written out for people in --help (usage.go), the manual page
// (manual.md) and the README; these tests hold all three to the command's definition.

func readDoc(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// section returns the text of doc from the line start to the next line that begins with end.
func section(t *testing.T, doc, start, end string) string {
	t.Helper()
	i := strings.Index(doc, "\n"+start+"\n")
	if i < 0 {
		t.Fatalf("no %q section", start)
	}
	doc = doc[i+len(start)+2:]
	if j := strings.Index(doc, "\n"+end); j >= 0 {
		doc = doc[:j]
	}
	return doc
}

// firstColumn returns the first cell of each row of the Markdown tables in text.
func firstColumn(text string) []string {
	var cells []string
	for _, line := range strings.Split(text, "\n") {
		if cell, ok := strings.CutPrefix(line, "| "); ok && !strings.HasPrefix(line, "|---") {
			cell, _, _ = strings.Cut(cell, " |")
			cells = append(cells, cell)
		}
	}
	return cells
}

// TestReadmeDocumentsEveryOption: every option --help shows has a row in the README's table.
func TestReadmeDocumentsEveryOption(t *testing.T) {
	rows := strings.Join(firstColumn(section(t, readDoc(t, "../../README.md"), "## Options", "## ")), "\n")
	Command().Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if !regexp.MustCompile("`--" + regexp.QuoteMeta(f.Name) + "[ =`\\[]").MatchString(rows) {
			t.Errorf("the README's options table has no row for --%s", f.Name)
		}
	})
}

// TestExitCodesDocumented: --help, the manual page and the README list exactly the exit codes
// the command returns.
func TestExitCodesDocumented(t *testing.T) {
	want := []int{ExitOK, ExitError, ExitMismatch, ExitVerifyFailed, ExitNoBroker, ExitNotDurable, ExitInterrupted}
	codes := func(cells []string) []int {
		var got []int
		for _, c := range cells {
			if n, err := strconv.Atoi(strings.TrimSpace(c)); err == nil {
				got = append(got, n)
			}
		}
		return got
	}
	var inUsage []string
	for _, m := range regexp.MustCompile(`(?m)^ (\d+) +\S`).FindAllStringSubmatch(section(t, usage, "Exit status:", "See "), -1) {
		inUsage = append(inUsage, m[1])
	}
	for name, got := range map[string][]int{
		"--help":          codes(inUsage),
		"the manual page": codes(firstColumn(section(t, manual, "# EXIT STATUS", "# "))),
		"the README":      codes(firstColumn(section(t, readDoc(t, "../../README.md"), "## Exit codes", "## "))),
	} {
		if !slices.Equal(got, want) {
			t.Errorf("%s lists exit codes %v, want %v", name, got, want)
		}
	}
}
