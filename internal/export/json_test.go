package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/jsonw/jsonwtest"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
	"github.com/mqpasswd/mqpasswd/internal/testvectors"
)

// dynsecDoc is the document Dynsec writes, for encoding/json.
type dynsecDoc struct {
	DefaultACLAccess map[string]bool `json:"defaultACLAccess"`
	Clients          []client        `json:"clients"`
	Groups           []any           `json:"groups"`
	Roles            []role          `json:"roles"`
}

// TestDynsecIsEncodingJSON: the whole file is what encoding/json writes,
// with a tab of indentation, for what it holds: every vector line a
// generation can hold, usernames that need escaping, and no client at all.
func TestDynsecIsEncodingJSON(t *testing.T) {
	var src strings.Builder
	for _, name := range testvectors.Files {
		vs, err := testvectors.Read(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			src.WriteString(v.Line() + "\n")
		}
	}
	h := hashOf(t, "pw", pwhash.Params{})
	for _, u := range []string{`"q"\`, "<&>", "tab\there", "\u2028\u2029", "é日本🙂", "\x7f"} {
		src.WriteString(u + ":" + h + "\n")
	}
	for _, in := range []string{src.String(), ""} {
		for _, b := range []pwhash.Broker{pwhash.Broker20, pwhash.Broker21, pwhash.Broker21Argon2} {
			var out bytes.Buffer
			res, err := Dynsec(strings.NewReader(in), &out, b)
			if err != nil {
				t.Fatal(err)
			}
			if in != "" && res.Exported < 7 {
				t.Fatalf("%s: %d exported", b, res.Exported)
			}
			var d dynsecDoc
			if err := json.Unmarshal(out.Bytes(), &d); err != nil {
				t.Fatal(err)
			}
			if want := jsonwtest.Encode(t, d, "", "\t") + "\n"; out.String() != want {
				t.Errorf("%s, %d clients:\n got %s\nwant %s", b, res.Exported, out.String(), want)
			}
		}
	}
}

func TestDynsecTypesJSON(t *testing.T) {
	for _, c := range []client{
		{},
		{Username: "u", Password: "p", Salt: "s", Iterations: -1, EncodedPassword: "e", Roles: []roleRef{}},
		{Username: "\x00", Roles: []roleRef{{"a"}, {""}}},
	} {
		jsonwtest.Check(t, c, c.WriteJSON)
	}
	for _, r := range []role{{}, {ACLs: []aclEntry{}}, allTopics()} {
		jsonwtest.Check(t, r, r.WriteJSON)
	}
}
