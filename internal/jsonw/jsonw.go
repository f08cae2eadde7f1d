// Package jsonw writes JSON without reflection, byte for byte as
// encoding/json's Encoder with SetEscapeHTML(false) writes the same values,
// compact or with SetIndent's layout. It exists so that the binary does not
// link encoding/json (binary size, issue 12): callers write their types field
// by field, in the order and with the omitempty rules of their json tags.
package jsonw

import (
	"strconv"
	"unicode/utf8"
)

// Writer appends one JSON value, or several top-level values one after the
// other, to its buffer. The caller opens and closes objects and arrays and
// gives every member of an object a Key; Writer checks none of it. A Writer
// is not safe for concurrent use.
type Writer struct {
	buf            []byte
	prefix, indent string
	depth          int
	empty          bool // the innermost object or array has no element yet
	afterKey       bool // a Key was written, its value comes next
}

// NewWriter returns a Writer that lays values out as json.Encoder does
// after SetIndent(prefix, indent); both empty means compact.
func NewWriter(prefix, indent string) *Writer {
	return &Writer{prefix: prefix, indent: indent}
}

// Bytes is what was written since the Writer was made or last Reset.
func (w *Writer) Bytes() []byte { return w.buf }

// Reset empties the buffer and keeps the place in the value, so that a long
// array can be written out element by element.
func (w *Writer) Reset() { w.buf = w.buf[:0] }

// Key writes the name of an object member; its value is written next.
func (w *Writer) Key(k string) *Writer {
	w.element()
	w.buf = appendString(w.buf, k)
	w.buf = append(w.buf, ':')
	if w.indenting() {
		w.buf = append(w.buf, ' ')
	}
	w.afterKey = true
	return w
}

// BeginObject writes '{'; EndObject closes it.
func (w *Writer) BeginObject() { w.begin('{') }

// EndObject closes the innermost object.
func (w *Writer) EndObject() { w.end('}') }

// BeginArray writes '['; EndArray closes it.
func (w *Writer) BeginArray() { w.begin('[') }

// EndArray closes the innermost array.
func (w *Writer) EndArray() { w.end(']') }

// String writes s as a JSON string: invalid UTF-8 becomes U+FFFD, and
// control characters, U+2028 and U+2029 are escaped as encoding/json
// escapes them; '<', '>' and '&' are not (SetEscapeHTML(false)).
func (w *Writer) String(s string) {
	w.element()
	w.buf = appendString(w.buf, s)
}

// Int writes n.
func (w *Writer) Int(n int64) {
	w.element()
	w.buf = strconv.AppendInt(w.buf, n, 10)
}

// Bool writes true or false.
func (w *Writer) Bool(b bool) {
	w.element()
	w.buf = strconv.AppendBool(w.buf, b)
}

// Null writes null, which encoding/json writes for a nil slice or pointer.
func (w *Writer) Null() {
	w.element()
	w.buf = append(w.buf, "null"...)
}

// Strings writes ss as an array of strings, or null when ss is nil.
func (w *Writer) Strings(ss []string) {
	if ss == nil {
		w.Null()
		return
	}
	w.BeginArray()
	for _, s := range ss {
		w.String(s)
	}
	w.EndArray()
}

// Value is what writes itself as a JSON value.
type Value interface{ WriteJSON(*Writer) }

// Array writes items as an array of their values, or null for a nil slice, as encoding/json does.
func Array[T Value](w *Writer, items []T) {
	if items == nil {
		w.Null()
		return
	}
	w.BeginArray()
	for _, it := range items {
		it.WriteJSON(w)
	}
	w.EndArray()
}

func (w *Writer) indenting() bool { return w.prefix != "" || w.indent != "" }

// element starts a value or a key: after a key nothing, else a comma
// between elements and, indented, a new line.
func (w *Writer) element() {
	if w.afterKey {
		w.afterKey = false
		return
	}
	if w.depth == 0 {
		return
	}
	if !w.empty {
		w.buf = append(w.buf, ',')
	}
	w.empty = false
	w.newline(w.depth)
}

func (w *Writer) begin(c byte) {
	w.element()
	w.buf = append(w.buf, c)
	w.depth++
	w.empty = true
}

// end closes an object or array; an empty one stays on its line ({} and []),
// as json.Indent leaves it.
func (w *Writer) end(c byte) {
	w.depth--
	if !w.empty {
		w.newline(w.depth)
	}
	w.empty = false
	w.buf = append(w.buf, c)
}

func (w *Writer) newline(depth int) {
	if !w.indenting() {
		return
	}
	w.buf = append(w.buf, '\n')
	w.buf = append(w.buf, w.prefix...)
	for range depth {
		w.buf = append(w.buf, w.indent...)
	}
}

const hex = "0123456789abcdef"

// appendString is encoding/json's appendString with escapeHTML false.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			// Valid JSON, but not valid JavaScript: encoding/json escapes
			// them always.
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
