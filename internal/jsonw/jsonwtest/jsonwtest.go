// Package jsonwtest holds what jsonw writes to what encoding/json writes,
// for the tests of every package that writes JSON with jsonw; only tests
// import it, so the binary does not link encoding/json.
package jsonwtest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/jsonw"
)

// Layouts are the prefix and indent pairs the product writes with: compact
// (--list --json), two spaces (--check --json) and tabs (--export dynsec),
// and one with a prefix.
var Layouts = [][2]string{{"", ""}, {"", "  "}, {"", "\t"}, {"\t", "\t"}}

// Encode is v as json.Encoder writes it with SetEscapeHTML(false) and
// SetIndent(prefix, indent), without its final newline.
func Encode(t testing.TB, v any, prefix, indent string) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, indent)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Check fails t unless write, given jsonw.NewWriter(prefix, indent), writes
// what Encode writes for v, in each of Layouts.
func Check(t testing.TB, v any, write func(*jsonw.Writer)) {
	t.Helper()
	for _, l := range Layouts {
		w := jsonw.NewWriter(l[0], l[1])
		write(w)
		if got, want := string(w.Bytes()), Encode(t, v, l[0], l[1]); got != want {
			t.Errorf("%#v, prefix %q indent %q:\n got %s\nwant %s", v, l[0], l[1], got, want)
		}
	}
}
