package brokerconf

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type fileView struct {
	Path      string
	Line      int
	Source    Source
	Listeners []int
}

func viewFiles(c *Config) []fileView {
	var out []fileView
	for _, pf := range c.PasswordFiles {
		out = append(out, fileView{pf.Path, pf.At.Line, pf.Source, pf.Listeners})
	}
	return out
}

func anonymousPorts(c *Config) []string {
	var out []string
	for _, l := range c.AnonymousListeners() {
		out = append(out, l.Port)
	}
	return out
}

func TestParse(t *testing.T) {
	tests := []struct {
		name      string
		conf      string
		files     []fileView
		anonymous []string // ports of listeners that take anonymous clients
		errLines  []int
		user, pid string
	}{
		{
			name:      "empty: the default listener takes anonymous local clients",
			conf:      "",
			anonymous: []string{"1883"},
		},
		{
			name:  "Debian's file with the seed's settings",
			conf:  "pid_file /run/mosquitto/mosquitto.pid\npersistence true\n\nlistener 1883\nallow_anonymous false\npassword_file /etc/mosquitto/passwd\n",
			files: []fileView{{"/etc/mosquitto/passwd", 6, SourcePasswordFile, nil}},
			pid:   "/run/mosquitto/mosquitto.pid",
		},
		{
			name:      "allow_anonymous true applies to every listener without per_listener_settings",
			conf:      "listener 1883\nlistener 8883\nallow_anonymous true\npassword_file /p\n",
			files:     []fileView{{"/p", 4, SourcePasswordFile, nil}},
			anonymous: []string{"1883", "8883"},
		},
		{
			name:      "a listener defined and allow_anonymous unset refuses anonymous clients",
			conf:      "listener 1883 127.0.0.1\n",
			anonymous: nil,
		},
		{
			name: "per listener password files",
			conf: "per_listener_settings true\nlistener 1883\npassword_file /a\nallow_anonymous false\n" +
				"listener 1884\nallow_anonymous true\nlistener 1885\npassword_file /b\n",
			files:     []fileView{{"/a", 3, SourcePasswordFile, []int{0}}, {"/b", 8, SourcePasswordFile, []int{2}}},
			anonymous: []string{"1884"},
		},
		{
			name:  "password-file plugin, global",
			conf:  "listener 1883\nplugin /usr/lib/mosquitto_password_file.so\nplugin_opt_password_file /etc/mosquitto/pw\n",
			files: []fileView{{"/etc/mosquitto/pw", 3, SourcePlugin, nil}},
		},
		{
			name: "plugin_load and plugin_use per listener",
			conf: "per_listener_settings true\nplugin_load pw /usr/lib/mosquitto_password_file.so\nplugin_opt_password_file /pw\n" +
				"listener 1883\nplugin_use pw\nlistener 1884\nplugin_use pw\nlistener 1885\n",
			files: []fileView{{"/pw", 3, SourcePlugin, []int{0, 1}}},
		},
		{
			name:  "user, comments, CRLF, blanks around the value",
			conf:  "# user root\r\nuser   mosquitto  \r\n  password_file /p\r\n",
			files: []fileView{{"/p", 3, SourcePasswordFile, nil}},
			user:  "mosquitto", anonymous: []string{"1883"},
		},
		{
			name:      "malformed lines are reported and skipped",
			conf:      "listener abc\nallow_anonymous yes\npassword_file\nplugin_opt_password_file /x\nplugin_use nothing\nlistener 1883\n",
			errLines:  []int{1, 2, 3, 4, 5},
			anonymous: nil,
		},
		{
			name:     "a second password_file in one scope",
			conf:     "password_file /a\npassword_file /b\n",
			files:    []fileView{{"/b", 2, SourcePasswordFile, nil}},
			errLines: []int{2}, anonymous: []string{"1883"},
		},
		{
			name:      "include_dir outside the main file cannot be tested here; an unreadable one is reported",
			conf:      "include_dir /nonexistent-dir-for-brokerconf\n",
			errLines:  []int{1},
			anonymous: []string{"1883"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(strings.NewReader(tt.conf), "m.conf")
			if err != nil {
				t.Fatal(err)
			}
			if got := viewFiles(c); !slices.EqualFunc(got, tt.files, func(a, b fileView) bool {
				return a.Path == b.Path && a.Line == b.Line && a.Source == b.Source && slices.Equal(a.Listeners, b.Listeners)
			}) {
				t.Errorf("password files = %+v, want %+v", got, tt.files)
			}
			for _, pf := range c.PasswordFiles {
				if want := len(pf.Listeners); pf.Listeners == nil && len(c.ListenersOf(pf)) != len(c.Listeners) || pf.Listeners != nil && len(c.ListenersOf(pf)) != want {
					t.Errorf("ListenersOf(%+v) = %v", pf, c.ListenersOf(pf))
				}
			}
			if got := anonymousPorts(c); !slices.Equal(got, tt.anonymous) {
				t.Errorf("anonymous listeners = %v, want %v", got, tt.anonymous)
			}
			var lines []int
			for _, e := range c.Errors {
				if e.File != "m.conf" {
					t.Errorf("error %v names file %q", e, e.File)
				}
				lines = append(lines, e.Line)
			}
			if !slices.Equal(lines, tt.errLines) {
				t.Errorf("error lines = %v (%v), want %v", lines, c.Errors, tt.errLines)
			}
			if c.User != tt.user || c.PIDFile != tt.pid {
				t.Errorf("user %q pid_file %q, want %q %q", c.User, c.PIDFile, tt.user, tt.pid)
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadIncludeDir(t *testing.T) {
	dir := t.TempDir()
	confd := filepath.Join(dir, "conf.d")
	if err := os.Mkdir(confd, 0o755); err != nil {
		t.Fatal(err)
	}
	main := filepath.Join(dir, "mosquitto.conf")
	writeFile(t, main, "pid_file /run/m.pid\ninclude_dir "+confd+"\n")
	// The broker's order: b.conf after A.conf and a.conf, A before a.
	writeFile(t, filepath.Join(confd, "b.conf"), "password_file /from-b\n")
	writeFile(t, filepath.Join(confd, "a.conf"), "listener 1883\nallow_anonymous false\n")
	writeFile(t, filepath.Join(confd, "A.conf"), "user broker\n")
	writeFile(t, filepath.Join(confd, "c.conf.disabled"), "password_file /ignored\n")
	writeFile(t, filepath.Join(confd, "d.conf"), "include_dir "+confd+"\n")
	writeFile(t, filepath.Join(confd, "e.conf"), "plugin /p.so\nplugin_opt_password_file /typo\n")

	c, err := Read(main)
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{main, filepath.Join(confd, "A.conf"), filepath.Join(confd, "a.conf"), filepath.Join(confd, "b.conf"), filepath.Join(confd, "d.conf"), filepath.Join(confd, "e.conf")}
	if !slices.Equal(c.Files, wantFiles) {
		t.Errorf("files read = %v, want %v", c.Files, wantFiles)
	}
	if c.User != "broker" || c.UserAt.File != filepath.Join(confd, "A.conf") {
		t.Errorf("user %q at %v", c.User, c.UserAt)
	}
	var paths []string
	for _, pf := range c.PasswordFiles {
		paths = append(paths, pf.Path)
	}
	if !slices.Equal(paths, []string{"/from-b", "/typo"}) {
		t.Errorf("password files %v", paths)
	}
	if len(c.Errors) != 1 || c.Errors[0].File != filepath.Join(confd, "d.conf") || c.Errors[0].Line != 1 {
		t.Errorf("errors %v, want the nested include_dir at d.conf:1", c.Errors)
	}
	if _, err := c.Only(); !errors.Is(err, ErrManyPasswordFiles) {
		t.Errorf("Only: %v, want ErrManyPasswordFiles", err)
	}
	if len(c.AnonymousListeners()) != 0 {
		t.Errorf("anonymous listeners %v", c.AnonymousListeners())
	}
	if got := c.ListenersOf(c.PasswordFiles[0]); len(got) != 1 || got[0].Port != "1883" {
		t.Errorf("listeners of a global password file: %v", got)
	}
	// The typo'd plugin path is missing; so is /from-b, unless it exists here.
	writeFile(t, filepath.Join(dir, "pw"), "")
	c.PasswordFiles[0].Path = filepath.Join(dir, "pw")
	if m := c.Missing(); len(m) != 1 || m[0].Path != "/typo" || m[0].At.File != filepath.Join(confd, "e.conf") {
		t.Errorf("missing %+v, want /typo from e.conf", m)
	}

	if _, err := Read(filepath.Join(dir, "missing.conf")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Read of a missing file: %v", err)
	}
}

func TestOnly(t *testing.T) {
	for _, tt := range []struct {
		conf string
		want string
		err  error
	}{
		{"listener 1883\n", "", ErrNoPasswordFile},
		{"password_file /a\n", "/a", nil},
		{"per_listener_settings true\nlistener 1\npassword_file /a\nlistener 2\npassword_file /a\n", "/a", nil},
		{"per_listener_settings true\nlistener 1\npassword_file /a\nlistener 2\npassword_file /b\n", "", ErrManyPasswordFiles},
	} {
		c, err := Parse(strings.NewReader(tt.conf), "m.conf")
		if err != nil {
			t.Fatal(err)
		}
		pf, err := c.Only()
		if !errors.Is(err, tt.err) || pf.Path != tt.want {
			t.Errorf("%q: Only = %q, %v; want %q, %v", tt.conf, pf.Path, err, tt.want, tt.err)
		}
	}
}

func TestLongLine(t *testing.T) {
	conf := "password_file /a\n" + strings.Repeat("x", MaxLineLen+1) + "\npassword_file /b\n"
	c, err := Parse(strings.NewReader(conf), "m.conf")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Errors) != 1 || c.Errors[0].Line != 2 {
		t.Errorf("errors %v, want one at line 2", c.Errors)
	}
	if pf, err := c.Only(); err != nil || pf.Path != "/a" {
		t.Errorf("Only = %v, %v", pf, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "listener 1883\npassword_file /p\nallow_anonymous false\n",
		"per_listener_settings true\nlistener 1\nplugin_load a /a.so\nplugin_opt_password_file /x\nplugin_use a\n",
		"listener 0 /run/sock\r\nuser root\n\tpid_file  /r.pid \n", "allow_anonymous maybe\nplugin_use\nlistener\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, conf string) {
		if strings.Contains(conf, "include_dir") {
			t.Skip("include_dir reads the real file system")
		}
		c, err := Parse(strings.NewReader(conf), "m.conf")
		if err != nil {
			t.Fatalf("Parse of a string: %v", err)
		}
		lines := strings.Count(conf, "\n") + 1
		for _, e := range c.Errors {
			if e.File != "m.conf" || e.Line < 1 || e.Line > lines {
				t.Errorf("error at %v, outside the %d lines", e.Pos, lines)
			}
		}
		if len(c.Listeners) == 0 {
			t.Error("no listener, not even the default one")
		}
		for _, pf := range c.PasswordFiles {
			if pf.Path == "" || pf.At.Line < 1 || pf.At.Line > lines {
				t.Errorf("password file %+v", pf)
			}
			for _, i := range pf.Listeners {
				if i < 0 || i >= len(c.Listeners) {
					t.Errorf("password file %+v names listener %d of %d", pf, i, len(c.Listeners))
				}
			}
		}
		if pf, err := c.Only(); err == nil && !slices.ContainsFunc(c.PasswordFiles, func(p PasswordFile) bool { return p.Path == pf.Path }) {
			t.Errorf("Only = %v, not among %v", pf, c.PasswordFiles)
		}
	})
}
