package export

import (
	"encoding/base64"
	"io"

	"github.com/mqpasswd/mqpasswd/internal/hashconv"
	"github.com/mqpasswd/mqpasswd/internal/jsonw"
	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// AllTopicsRole is the role Dynsec gives every client. A broker with a
// password_file and no acl_file lets every authenticated user publish and
// subscribe everywhere; the plugin denies by default, so the export grants
// the same explicitly: publish, receive, subscribe and unsubscribe on "#",
// and receive, subscribe and unsubscribe on "$SYS/#" (a "#" filter does
// not match topics starting with '$'). Nothing on $CONTROL/#: nobody may
// administer the plugin until a role for that is added.
const AllTopicsRole = "all-topics"

type aclEntry struct {
	ACLType string `json:"acltype"`
	Topic   string `json:"topic"`
	Allow   bool   `json:"allow"`
}

type role struct {
	Name        string     `json:"rolename"`
	TextName    string     `json:"textname"`
	Description string     `json:"textdescription"`
	ACLs        []aclEntry `json:"acls"`
}

type roleRef struct {
	Name string `json:"rolename"`
}

// client is a dynamic-security client. The 2.0 plugin reads password, salt
// and iterations (PBKDF2 only; its clients.c); 2.1 reads encoded_password
// first, any hash its password file takes, and falls back to the 2.0
// fields.
type client struct {
	Username        string    `json:"username"`
	Password        string    `json:"password,omitempty"`
	Salt            string    `json:"salt,omitempty"`
	Iterations      int       `json:"iterations,omitempty"`
	EncodedPassword string    `json:"encoded_password,omitempty"`
	Roles           []roleRef `json:"roles"`
}

// defaultACLAccess is what mosquitto_ctrl dynsec init writes and the plugin
// assumes without it: it applies to no client of the export, whose role
// allows everything, but to clients added later without a role. In key
// order, as encoding/json wrote it from a map before.
var defaultACLAccess = []struct {
	name  string
	allow bool
}{
	{"publishClientReceive", true},
	{"publishClientSend", false},
	{"subscribe", false},
	{"unsubscribe", true},
}

// The WriteJSON methods write what encoding/json writes for the json tags
// of their types, so that the binary need not link it; the tests hold them
// to encoding/json.

func (a aclEntry) WriteJSON(w *jsonw.Writer) {
	w.BeginObject()
	w.Key("acltype").String(a.ACLType)
	w.Key("topic").String(a.Topic)
	w.Key("allow").Bool(a.Allow)
	w.EndObject()
}

func (r role) WriteJSON(w *jsonw.Writer) {
	w.BeginObject()
	w.Key("rolename").String(r.Name)
	w.Key("textname").String(r.TextName)
	w.Key("textdescription").String(r.Description)
	w.Key("acls")
	jsonw.Array(w, r.ACLs)
	w.EndObject()
}

func (c client) WriteJSON(w *jsonw.Writer) {
	w.BeginObject()
	w.Key("username").String(c.Username)
	if c.Password != "" {
		w.Key("password").String(c.Password)
	}
	if c.Salt != "" {
		w.Key("salt").String(c.Salt)
	}
	if c.Iterations != 0 {
		w.Key("iterations").Int(int64(c.Iterations))
	}
	if c.EncodedPassword != "" {
		w.Key("encoded_password").String(c.EncodedPassword)
	}
	w.Key("roles")
	if c.Roles == nil {
		w.Null()
	} else {
		w.BeginArray()
		for _, r := range c.Roles {
			w.BeginObject()
			w.Key("rolename").String(r.Name)
			w.EndObject()
		}
		w.EndArray()
	}
	w.EndObject()
}

func allTopics() role {
	r := role{
		Name:        AllTopicsRole,
		TextName:    "All topics",
		Description: "Publish and subscribe everywhere, as a password_file without acl_file allows; made by mosquitto_passwd --export dynsec",
	}
	for _, t := range []string{"publishClientSend", "publishClientReceive", "subscribePattern", "unsubscribePattern"} {
		r.ACLs = append(r.ACLs, aclEntry{ACLType: t, Topic: "#", Allow: true})
	}
	for _, t := range []string{"publishClientReceive", "subscribePattern", "unsubscribePattern"} {
		r.ACLs = append(r.ACLs, aclEntry{ACLType: t, Topic: "$SYS/#", Allow: true})
	}
	return r
}

// Dynsec writes a dynamic-security plugin configuration (the plugin's
// plugin_opt_config_file) holding each entry of the password file r as a
// client with the same hash, in file order, for the plugin of broker
// generation b, with the role AllTopicsRole. Entries the generation cannot
// hold (hashconv.Check with hashconv.Dynsec), a user's second and later
// entries (the plugin keeps one client per username), plaintext and
// undecodable hashes go to Result.Refused. A corrupt line stops it with the
// *pwfile.ParseError after part of the file was written. The plugin
// rewrites its file when its configuration changes, so it must be stopped
// while the file is replaced.
func Dynsec(r io.Reader, w io.Writer, b pwhash.Broker) (*Result, error) {
	res := &Result{}
	seen := map[string]int{}
	jw := jsonw.NewWriter("", "\t")
	jw.BeginObject()
	jw.Key("defaultACLAccess").BeginObject()
	for _, a := range defaultACLAccess {
		jw.Key(a.name).Bool(a.allow)
	}
	jw.EndObject()
	jw.Key("clients").BeginArray()
	if _, err := w.Write(jw.Bytes()); err != nil {
		return nil, err
	}

	err := entries(r, res, func(l pwfile.Line, d *pwhash.Decoded) error {
		if first, dup := seen[string(l.User)]; dup {
			return &pwfile.DuplicateError{User: string(l.User), First: first}
		}
		if err := hashconv.Check(d, hashconv.Dynsec, b); err != nil {
			return err
		}
		seen[string(l.User)] = l.Num
		c := client{Username: string(l.User), Roles: []roleRef{{AllTopicsRole}}}
		if b == pwhash.Broker20 {
			c.Password = base64.StdEncoding.EncodeToString(d.Key)
			c.Salt = base64.StdEncoding.EncodeToString(d.Salt)
			c.Iterations = d.Iterations
		} else {
			c.EncodedPassword = d.Encode()
			if d.Algorithm == pwhash.Argon2id {
				res.Argon2id++
			}
		}
		jw.Reset()
		c.WriteJSON(jw)
		return nil
	}, func() error {
		_, err := w.Write(jw.Bytes())
		return err
	})
	if err != nil {
		return res, err
	}

	jw.Reset()
	jw.EndArray()
	jw.Key("groups").BeginArray()
	jw.EndArray()
	jw.Key("roles").BeginArray()
	allTopics().WriteJSON(jw)
	jw.EndArray()
	jw.EndObject()
	_, err = w.Write(append(jw.Bytes(), '\n'))
	return res, err
}
