// Package brokerconf reads a Mosquitto broker configuration (mosquitto.conf
// and its include_dir files) for what concerns password files: which ones
// the broker loads and for which listeners, which listeners let anonymous
// clients in, the user the broker runs as and its PID file. It never fails
// on content: a line the broker would refuse is reported as a *LineError
// with its file and line, and reading goes on.
package brokerconf

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// MaxLineLen bounds one configuration line. The broker grows its buffer
// without limit; a line this long is no configuration anyone wrote.
const MaxLineLen = 1 << 20

// Pos is where an option was read.
type Pos struct {
	File string
	Line int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// LineError is a configuration line the broker would refuse (it does not
// start, or quits on a reload) or read otherwise than its author meant.
type LineError struct {
	Pos
	Err error
}

func (e *LineError) Error() string { return e.Pos.String() + ": " + e.Err.Error() }
func (e *LineError) Unwrap() error { return e.Err }

var (
	// ErrMalformed is wrapped by LineErrors about a value the broker refuses.
	ErrMalformed = errors.New("malformed option")
	// ErrNoPasswordFile is returned by Config.Only when the broker loads no
	// password file, ErrManyPasswordFiles when it loads more than one.
	ErrNoPasswordFile    = errors.New("the configuration names no password file")
	ErrManyPasswordFiles = errors.New("the configuration names more than one password file")
)

// Source says which option names a password file.
type Source string

const (
	SourcePasswordFile Source = "password_file"            // the broker's own option
	SourcePlugin       Source = "plugin_opt_password_file" // 2.1's password-file plugin
)

// PasswordFile is one password file the broker loads.
type PasswordFile struct {
	Path   string // as written in the configuration
	At     Pos
	Source Source
	Plugin string // the plugin's path, for SourcePlugin
	// Listeners are the indexes in Config.Listeners of the listeners the
	// file applies to; nil means every listener (a global setting).
	Listeners []int
}

// Listener is a `listener` line, or the broker's default listener when the
// configuration has none.
type Listener struct {
	Port    string // as written; "1883" for the default listener
	Address string // bind address or socket path, "" for all
	At      Pos    // zero for the default listener
	// Anonymous is whether clients without a username may connect.
	Anonymous bool
}

func (l Listener) String() string {
	if l.At.Line == 0 {
		return "the default listener (port 1883, local connections only)"
	}
	if l.Address != "" {
		return fmt.Sprintf("listener %s %s (%s)", l.Port, l.Address, l.At)
	}
	return fmt.Sprintf("listener %s (%s)", l.Port, l.At)
}

// Config is what Read found.
type Config struct {
	Files               []string // the configuration files read, in the broker's order
	User                string   // the `user` option; "" when unset (the broker then uses "mosquitto")
	UserAt              Pos
	PIDFile             string // the `pid_file` option; "" when unset
	PIDFileAt           Pos
	PerListenerSettings bool
	Listeners           []Listener
	PasswordFiles       []PasswordFile // in the order they are named
	Errors              []*LineError   // lines the broker would refuse, in reading order
}

// Only returns the one password file the broker loads, for commands that
// edit "the" password file; several options naming the same path count as
// one. Its errors are ErrNoPasswordFile and ErrManyPasswordFiles.
func (c *Config) Only() (PasswordFile, error) {
	if len(c.PasswordFiles) == 0 {
		return PasswordFile{}, ErrNoPasswordFile
	}
	for _, pf := range c.PasswordFiles[1:] {
		if pf.Path != c.PasswordFiles[0].Path {
			return PasswordFile{}, ErrManyPasswordFiles
		}
	}
	return c.PasswordFiles[0], nil
}

// ListenersOf returns the listeners pf applies to.
func (c *Config) ListenersOf(pf PasswordFile) []Listener {
	if pf.Listeners == nil {
		return c.Listeners
	}
	out := make([]Listener, len(pf.Listeners))
	for i, l := range pf.Listeners {
		out[i] = c.Listeners[l]
	}
	return out
}

// Missing returns the password files that do not exist, such as a typo'd
// path: the broker refuses to start (2.0: exit 13, "Unable to open pwfile").
// A relative path is looked up from the current directory.
func (c *Config) Missing() []PasswordFile {
	var out []PasswordFile
	for _, pf := range c.PasswordFiles {
		if _, err := os.Stat(pf.Path); errors.Is(err, os.ErrNotExist) {
			out = append(out, pf)
		}
	}
	return out
}

// AnonymousListeners returns the listeners that let clients in without a
// username.
func (c *Config) AnonymousListeners() []Listener {
	var out []Listener
	for _, l := range c.Listeners {
		if l.Anonymous {
			out = append(out, l)
		}
	}
	return out
}

// Read reads the configuration file at path and the files its include_dir
// options name, as the broker does. Its error is about path alone (it
// cannot be opened or read); every problem further in is in Config.Errors.
func Read(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := newReader()
	if err := r.read(f, path, true); err != nil {
		return nil, err
	}
	return r.finish(), nil
}

// Parse reads a configuration from src as if it were the main file named
// name; include_dir options are followed on the real file system.
func Parse(src io.Reader, name string) (*Config, error) {
	r := newReader()
	if err := r.read(src, name, true); err != nil {
		return nil, err
	}
	return r.finish(), nil
}

// security is one set of authentication options: the global one, or a
// listener's with per_listener_settings.
type security struct {
	anonymous    *bool
	passwordFile *PasswordFile
	plugins      []*plugin
}

type plugin struct {
	name, path string
	file       *PasswordFile // its plugin_opt_password_file
}

type reader struct {
	c         Config
	global    security
	listeners []*security // parallel to c.Listeners
	plugins   map[string]*plugin
	cur       *plugin // the plugin plugin_opt_ options go to
	// portSet is the deprecated `port` option: a default listener that is
	// not local only.
	portSet bool
}

func newReader() *reader { return &reader{plugins: map[string]*plugin{}} }

func (r *reader) fail(at Pos, format string, args ...any) {
	r.c.Errors = append(r.c.Errors, &LineError{Pos: at, Err: fmt.Errorf(format, args...)})
}

func (r *reader) read(src io.Reader, name string, main bool) error {
	r.c.Files = append(r.c.Files, name)
	s := bufio.NewScanner(src)
	s.Buffer(make([]byte, 0, 4096), MaxLineLen)
	line := 0
	for s.Scan() {
		line++
		r.option(s.Text(), Pos{File: name, Line: line}, main)
	}
	if err := s.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			r.fail(Pos{File: name, Line: line + 1}, "line longer than %d bytes; nothing after it was read", MaxLineLen)
			return nil
		}
		return err
	}
	return nil
}

// option reads one line. The broker splits the option name off at the first
// space and takes the rest, trimmed, as the value; '#' starts a comment only
// at the start of a line.
func (r *reader) option(text string, at Pos, main bool) {
	text = strings.TrimRight(text, "\r")
	if text == "" || text[0] == '#' {
		return
	}
	key, value, _ := strings.Cut(strings.TrimLeft(text, " \t"), " ")
	value = strings.Trim(value, " \t")
	if key == "" {
		return
	}
	switch key {
	case "include_dir":
		if !main {
			r.fail(at, "include_dir is only read from the main configuration file")
			return
		}
		if r.needValue(key, value, at) {
			r.includeDir(value, at)
		}
	case "per_listener_settings":
		if b, ok := r.boolean(key, value, at); ok {
			r.c.PerListenerSettings = b
		}
	case "listener":
		r.listener(value, at)
	case "port":
		r.portSet = true
	case "allow_anonymous":
		if b, ok := r.boolean(key, value, at); ok {
			r.security().anonymous = &b
		}
	case "password_file":
		if !r.needValue(key, value, at) {
			return
		}
		sec := r.security()
		if sec.passwordFile != nil {
			// 2.0 refuses a second value; 2.1 keeps the last.
			r.fail(at, "%s is already set at line %d of %s: 2.0 brokers refuse to start, 2.1 brokers use this one", key, sec.passwordFile.At.Line, sec.passwordFile.At.File)
		}
		sec.passwordFile = &PasswordFile{Path: value, At: at, Source: SourcePasswordFile}
	case "plugin", "auth_plugin", "global_plugin":
		if !r.needValue(key, value, at) {
			return
		}
		p := &plugin{path: value}
		r.cur = p
		if key == "global_plugin" {
			r.global.plugins = append(r.global.plugins, p)
		} else {
			r.security().plugins = append(r.security().plugins, p)
		}
	case "plugin_load":
		name, path, _ := strings.Cut(value, " ")
		path = strings.Trim(path, " \t")
		if name == "" || path == "" {
			r.fail(at, "%w: plugin_load needs a name and a path", ErrMalformed)
			return
		}
		if _, dup := r.plugins[name]; dup {
			r.fail(at, "%w: plugin name %q is already loaded", ErrMalformed, name)
			return
		}
		p := &plugin{name: name, path: path}
		r.plugins[name] = p
		r.cur = p
	case "plugin_use":
		p, ok := r.plugins[value]
		if !ok {
			r.fail(at, "%w: plugin_use %q: no plugin_load with that name before it", ErrMalformed, value)
			return
		}
		r.security().plugins = append(r.security().plugins, p)
	case "plugin_opt_password_file", "auth_opt_password_file":
		if r.cur == nil {
			r.fail(at, "%w: %s before any plugin line", ErrMalformed, key)
			return
		}
		if r.needValue(key, value, at) {
			r.cur.file = &PasswordFile{Path: value, At: at, Source: SourcePlugin, Plugin: r.cur.path}
		}
	case "user":
		if r.needValue(key, value, at) {
			r.c.User, r.c.UserAt = value, at
		}
	case "pid_file":
		if r.needValue(key, value, at) {
			r.c.PIDFile, r.c.PIDFileAt = value, at
		}
	}
}

func (r *reader) needValue(key, value string, at Pos) bool {
	if value == "" {
		r.fail(at, "%w: %s has no value", ErrMalformed, key)
		return false
	}
	return true
}

func (r *reader) boolean(key, value string, at Pos) (b, ok bool) {
	switch value {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	r.fail(at, "%w: %s must be true or false", ErrMalformed, key)
	return false, false
}

// security returns the options the current line sets: the last listener's
// with per_listener_settings, else the global ones. The broker reads
// per_listener_settings as it goes, so it must come first to take effect.
func (r *reader) security() *security {
	if r.c.PerListenerSettings && len(r.listeners) > 0 {
		return r.listeners[len(r.listeners)-1]
	}
	return &r.global
}

func (r *reader) listener(value string, at Pos) {
	port, addr, _ := strings.Cut(value, " ")
	addr = strings.Trim(addr, " \t")
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 && addr == "" {
		r.fail(at, "%w: listener needs a port from 1 to 65535 (or 0 and a socket path)", ErrMalformed)
		return
	}
	r.c.Listeners = append(r.c.Listeners, Listener{Port: port, Address: addr, At: at})
	r.listeners = append(r.listeners, &security{})
	r.cur = nil
}

func (r *reader) includeDir(dir string, at Pos) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		r.fail(at, "include_dir %s: %w", dir, err)
		return
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".conf") && !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	// sort, not slices: each slices.SortFunc element type adds its own copy of
	// the sorting code to the binary, which is to stay small (see README).
	sort.Slice(names, func(i, j int) bool { return brokerOrder(names[i], names[j]) < 0 })
	for _, n := range names {
		path := filepath.Join(dir, n)
		f, err := os.Open(path)
		if err != nil {
			r.fail(at, "include_dir: %w", err)
			continue
		}
		if err := r.read(f, path, false); err != nil {
			r.fail(at, "include_dir: %s: %w", path, err)
		}
		f.Close()
	}
}

// brokerOrder is mosquitto.conf(5)'s include_dir order: alphabetical
// without regard to case, and an upper case letter before the same letter
// in lower case.
func brokerOrder(a, b string) int {
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// finish applies the broker's defaults once every file is read.
func (r *reader) finish() *Config {
	c := &r.c
	localOnly := len(c.Listeners) == 0 && !r.portSet
	if len(c.Listeners) == 0 {
		c.Listeners = []Listener{{Port: "1883"}}
		r.listeners = []*security{{}}
	}
	add := func(pf *PasswordFile, listener int) {
		if pf == nil {
			return
		}
		for i := range c.PasswordFiles {
			if existing := &c.PasswordFiles[i]; existing.At == pf.At {
				if existing.Listeners != nil && listener >= 0 {
					existing.Listeners = append(existing.Listeners, listener)
				}
				return
			}
		}
		pf.Listeners = nil
		if listener >= 0 {
			pf.Listeners = []int{listener}
		}
		c.PasswordFiles = append(c.PasswordFiles, *pf)
	}
	add(r.global.passwordFile, -1)
	for _, p := range r.global.plugins {
		add(p.file, -1)
	}
	for i, sec := range r.listeners {
		add(sec.passwordFile, i)
		for _, p := range sec.plugins {
			add(p.file, i)
		}
		anon := sec.anonymous
		if !c.PerListenerSettings {
			anon = r.global.anonymous
		}
		// A configuration without listeners lets anonymous local clients in
		// unless told otherwise; every other listener refuses them unless
		// allow_anonymous true (mosquitto.conf(5), allow_anonymous).
		c.Listeners[i].Anonymous = anon != nil && *anon || anon == nil && localOnly
	}
	sort.SliceStable(c.PasswordFiles, func(i, j int) bool {
		return compareOrder(c.Files, c.PasswordFiles[i].At, c.PasswordFiles[j].At) < 0
	})
	return c
}

// compareOrder orders positions by reading order: file first, then line.
func compareOrder(files []string, a, b Pos) int {
	if a.File != b.File {
		return slices.Index(files, a.File) - slices.Index(files, b.File)
	}
	return a.Line - b.Line
}
