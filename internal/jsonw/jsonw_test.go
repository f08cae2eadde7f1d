package jsonw_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/jsonw"
	"github.com/mqpasswd/mqpasswd/internal/jsonw/jsonwtest"
)

// writeAny writes what json.Unmarshal (with UseNumber) makes of a document;
// maps in key order, as encoding/json writes them.
func writeAny(t *testing.T, w *jsonw.Writer, v any) {
	switch v := v.(type) {
	case nil:
		w.Null()
	case bool:
		w.Bool(v)
	case string:
		w.String(v)
	case json.Number:
		// json.Number writes its text as it is, "-0" and "1e2" too.
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil || strconv.FormatInt(n, 10) != string(v) {
			t.Skip("not an integer as Int writes it")
		}
		w.Int(n)
	case []any:
		w.BeginArray()
		for _, e := range v {
			writeAny(t, w, e)
		}
		w.EndArray()
	case map[string]any:
		w.BeginObject()
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range v {
				if !yield(k) {
					return
				}
			}
		}) {
			w.Key(k)
			writeAny(t, w, v[k])
		}
		w.EndObject()
	default:
		t.Fatalf("unexpected %T", v)
	}
}

// checkDoc compares, for the JSON document doc, what Writer and
// encoding/json write, compact and indented.
func checkDoc(t *testing.T, doc, prefix, indent string) {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(doc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Skip("not JSON")
	}
	want := jsonwtest.Encode(t, v, prefix, indent)
	w := jsonw.NewWriter(prefix, indent)
	writeAny(t, w, v)
	if got := string(w.Bytes()); got != want {
		t.Errorf("prefix %q indent %q, %s:\n got %q\nwant %q", prefix, indent, doc, got, want)
	}
}

var docs = []string{
	`0`, `-12`, `9223372036854775807`, `true`, `null`, `"x"`,
	`{}`, `[]`, `[[]]`, `[{}]`, `{"a":{}}`, `{"a":[]}`,
	`[1,2,3]`, `{"a":1,"b":[true,false,null],"c":{"d":"e","f":[]}}`,
	`[[1,[2,[]]],{"k":[{}, {"x":[1]}]}]`,
	`{"<&>":"<&>","\u2028":"\u2029","tab\t":"nl\n","q\"":"\\"}`,
}

func TestLayout(t *testing.T) {
	for _, doc := range docs {
		for _, ind := range [][2]string{{"", ""}, {"", "  "}, {"", "\t"}, {"\t", "\t"}, {"\t\t", "\t"}, {">", ""}} {
			t.Run("", func(t *testing.T) { checkDoc(t, doc, ind[0], ind[1]) })
		}
	}
}

// TestTopLevelValues: values written one after the other at the top, with
// a Reset between, are each written whole (--list --json's lines).
func TestTopLevelValues(t *testing.T) {
	w := jsonw.NewWriter("", "")
	for _, s := range []string{"a", "b"} {
		w.Reset()
		w.BeginObject()
		w.Key("user").String(s)
		w.EndObject()
		if got, want := string(w.Bytes()), jsonwtest.Encode(t, map[string]string{"user": s}, "", ""); got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

// TestResetInArray: a Reset inside an array keeps the separators and
// indentation of the elements that follow.
func TestResetInArray(t *testing.T) {
	w := jsonw.NewWriter("", "\t")
	var out []byte
	w.BeginArray()
	for _, n := range []int64{1, 2, 3} {
		out = append(out, w.Bytes()...)
		w.Reset()
		w.Int(n)
	}
	w.EndArray()
	out = append(out, w.Bytes()...)
	if got, want := string(out), jsonwtest.Encode(t, []int{1, 2, 3}, "", "\t"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestStrings(t *testing.T) {
	for _, ss := range [][]string{nil, {}, {"a"}, {"a", "b"}} {
		for _, indent := range []string{"", "  "} {
			w := jsonw.NewWriter("", indent)
			w.Strings(ss)
			if got, want := string(w.Bytes()), jsonwtest.Encode(t, ss, "", indent); got != want {
				t.Errorf("%#v: got %q, want %q", ss, got, want)
			}
		}
	}
}

func TestIntLimits(t *testing.T) {
	for _, n := range []int64{0, 1, -1, 1<<63 - 1, -1 << 63} {
		w := jsonw.NewWriter("", "")
		w.Int(n)
		if got, want := string(w.Bytes()), jsonwtest.Encode(t, n, "", ""); got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

var strs = []string{
	"", "alice", `"quoted"`, `back\slash`, "<script>&amp;</script>",
	"\x00\x01\x07\x08\x09\x0a\x0b\x0c\x0d\x1b\x1f\x20\x7f",
	"\u2027\u2028\u2029\u202a", "\xff", "a\xc3", "\xc3\x28", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	"é ü 日本 🙂", "\ufffd", "trailing\xe2\x80",
}

func checkString(t *testing.T, s string) {
	t.Helper()
	w := jsonw.NewWriter("", "")
	w.String(s)
	if got, want := string(w.Bytes()), jsonwtest.Encode(t, s, "", ""); got != want {
		t.Errorf("String(%q) = %s, want %s", s, got, want)
	}
	w = jsonw.NewWriter("", "  ")
	w.BeginObject()
	w.Key(s).String(s)
	w.EndObject()
	if got, want := string(w.Bytes()), jsonwtest.Encode(t, map[string]string{s: s}, "", "  "); got != want {
		t.Errorf("Key(%q) = %s, want %s", s, got, want)
	}
}

func TestString(t *testing.T) {
	for _, s := range strs {
		checkString(t, s)
	}
	// Every byte, alone and inside text.
	for c := range 256 {
		checkString(t, string([]byte{byte(c)}))
		checkString(t, "a"+string([]byte{byte(c)})+"b")
	}
}

func FuzzString(f *testing.F) {
	for _, s := range strs {
		f.Add(s)
	}
	f.Fuzz(checkString)
}

func FuzzLayout(f *testing.F) {
	for _, doc := range docs {
		f.Add(doc, "", "\t")
	}
	f.Fuzz(checkDoc)
}
