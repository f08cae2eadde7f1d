package export

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"

	"github.com/mqpasswd/mqpasswd/internal/hashconv"
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
// allows everything, but to clients added later without a role.
var defaultACLAccess = map[string]bool{
	"publishClientSend":    false,
	"publishClientReceive": true,
	"subscribe":            false,
	"unsubscribe":          true,
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
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)

	buf.WriteString("{\n\t\"defaultACLAccess\": ")
	enc.SetIndent("\t", "\t")
	if err := enc.Encode(defaultACLAccess); err != nil {
		return nil, err
	}
	trimNewline(&buf)
	buf.WriteString(",\n\t\"clients\": [")
	if _, err := w.Write(buf.Bytes()); err != nil {
		return nil, err
	}

	enc.SetIndent("\t\t", "\t")
	sep := "\n\t\t"
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
		buf.Reset()
		buf.WriteString(sep)
		sep = ",\n\t\t"
		if err := enc.Encode(c); err != nil {
			return err
		}
		trimNewline(&buf)
		return nil
	}, func() error {
		_, err := w.Write(buf.Bytes())
		return err
	})
	if err != nil {
		return res, err
	}

	buf.Reset()
	if res.Exported > 0 {
		buf.WriteString("\n\t")
	}
	buf.WriteString("],\n\t\"groups\": [],\n\t\"roles\": [\n\t\t")
	if err := enc.Encode(allTopics()); err != nil {
		return res, err
	}
	trimNewline(&buf)
	buf.WriteString("\n\t]\n}\n")
	_, err = w.Write(buf.Bytes())
	return res, err
}

// trimNewline drops the newline json.Encoder ends each value with.
func trimNewline(b *bytes.Buffer) { b.Truncate(b.Len() - 1) }
