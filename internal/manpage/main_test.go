package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/mqpasswd/mqpasswd/internal/cli"
	"github.com/spf13/pflag"
)

// TestPageUpToDate fails while the committed page differs from what the
// command's definition generates: a flag, its usage string or the manual's
// text changed without "make man".
func TestPageUpToDate(t *testing.T) {
	var want bytes.Buffer
	if err := generate(&want); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../" + page)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("%s is out of date: run make man", page)
	}
}

// TestPageContents checks that the page documents what the issue asks for:
// every option, the exit codes, the file format, the compatibility table and
// examples, and that it is the same on every run.
func TestPageContents(t *testing.T) {
	var b, again bytes.Buffer
	if err := generate(&b); err != nil {
		t.Fatal(err)
	}
	if err := generate(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Error("two runs generate different pages")
	}
	text := b.String()
	for _, want := range []string{
		`.TH "MOSQUITTO_PASSWD" "1" "" "mqpasswd"`,
		".SH SYNOPSIS", ".SH DESCRIPTION", ".SH PASSWORD FILE", ".SH HASHES AND BROKERS",
		".SH EXIT STATUS", ".SH OPTIONS", ".SH EXAMPLE",
		"130\t", ".TS",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	cli.Command().Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if f.Usage == "" {
			t.Errorf("--%s has no usage string", f.Name)
		}
		if !strings.Contains(text, `\fB--`+f.Name+`\fP`) {
			t.Errorf("the page lacks --%s", f.Name)
		}
	})
}
