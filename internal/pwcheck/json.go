package pwcheck

import "github.com/mqpasswd/mqpasswd/internal/jsonw"

// The WriteJSON methods write what encoding/json writes for the json tags
// of their types, field by field, so that the binary need not link it; the
// tests hold them to encoding/json on the same values.

// WriteJSON writes e as an object.
func (e Entry) WriteJSON(w *jsonw.Writer) {
	w.BeginObject()
	w.Key("user").String(e.User)
	w.Key("line").Int(int64(e.Line))
	w.Key("algorithm").String(e.Algorithm)
	if e.Iterations != 0 {
		w.Key("iterations").Int(int64(e.Iterations))
	}
	if e.MemoryKiB != 0 {
		w.Key("memory_kib").Int(int64(e.MemoryKiB))
	}
	if e.Time != 0 {
		w.Key("time").Int(int64(e.Time))
	}
	if e.Threads != 0 {
		w.Key("threads").Int(int64(e.Threads))
	}
	if e.SaltBytes != 0 {
		w.Key("salt_bytes").Int(int64(e.SaltBytes))
	}
	if e.HashBytes != 0 {
		w.Key("hash_bytes").Int(int64(e.HashBytes))
	}
	if e.Invalid != "" {
		w.Key("invalid").String(e.Invalid)
	}
	w.Key("accepted_by")
	e.AcceptedBy.WriteJSON(w)
	w.Key("export_to").Strings(e.ExportTo)
	w.EndObject()
}

// WriteJSON writes b as an object.
func (b Brokers) WriteJSON(w *jsonw.Writer) {
	w.BeginObject()
	w.Key("2.0").Bool(b.Mosquitto20)
	w.Key("2.1").Bool(b.Mosquitto21)
	w.Key("2.1-argon2").Bool(b.Mosquitto21Argon2)
	w.EndObject()
}

// WriteJSON writes f as an object.
func (f Finding) WriteJSON(w *jsonw.Writer) {
	w.BeginObject()
	if f.Line != 0 {
		w.Key("line").Int(int64(f.Line))
	}
	w.Key("severity").String(string(f.Severity))
	w.Key("code").String(f.Code)
	if f.User != "" {
		w.Key("user").String(f.User)
	}
	w.Key("message").String(f.Message)
	if f.Effect != "" {
		w.Key("broker_effect").String(string(f.Effect))
	}
	w.EndObject()
}

// WriteJSON writes r as an object; a nil r as null.
func (r *Report) WriteJSON(w *jsonw.Writer) {
	if r == nil {
		w.Null()
		return
	}
	w.BeginObject()
	w.Key("broker").String(r.Broker)
	w.Key("users").Int(int64(r.Users))
	w.Key("errors").Int(int64(r.Errors))
	w.Key("warnings").Int(int64(r.Warnings))
	w.Key("findings")
	jsonw.Array(w, r.Findings)
	w.EndObject()
}
