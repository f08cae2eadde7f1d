package cli

import (
	"io"
	"os"
	"strings"

	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
	"github.com/spf13/cobra"
)

// completionScripts writes cobra's completion script for each shell that
// --completion names. The scripts ask the program itself for the choices,
// as "mosquitto_passwd __complete ARGS... WORD", which cobra answers before
// our own parsing: so a password file named __complete (or __completeNoDesc)
// must be given as ./__complete.
var completionScripts = map[string]func(*cobra.Command, io.Writer) error{
	"bash":       func(c *cobra.Command, w io.Writer) error { return c.GenBashCompletionV2(w, true) },
	"zsh":        (*cobra.Command).GenZshCompletion,
	"fish":       func(c *cobra.Command, w io.Writer) error { return c.GenFishCompletion(w, true) },
	"powershell": (*cobra.Command).GenPowerShellCompletionWithDesc,
}

// shellFlag takes the --completion value and refuses an unknown shell at
// once, like the other options' values.
type shellFlag struct{ s *string }

func (f shellFlag) String() string { return *f.s }
func (f shellFlag) Type() string   { return "shell" }
func (f shellFlag) Set(s string) error {
	if _, ok := completionScripts[s]; !ok {
		return fail(ExitError, msgUnknownShell, s)
	}
	*f.s = s
	return nil
}

// printCompletion is --completion SHELL.
func printCompletion(cmd *cobra.Command, shell string, out io.Writer) error {
	return completionScripts[shell](cmd, out)
}

// hashChoices are the -H values with a description for the shells that show
// one (cobra's "value\tdescription" form).
var hashChoices = []cobra.Completion{
	cobra.CompletionWithDesc(string(pwhash.PBKDF2), "the default; every 2.0 and 2.1 broker"),
	cobra.CompletionWithDesc(string(pwhash.SHA512), "what Mosquitto 1.6 and earlier wrote"),
	cobra.CompletionWithDesc(string(pwhash.Argon2id), "only 2.1 brokers built with argon2"),
	cobra.CompletionWithDesc("argon2", "another name for argon2id"),
}

// registerCompletions tells cobra what each option's value and each
// argument can be: the -H, --broker and --completion values, file names for
// the password file, the users of that file for the username, and nothing
// for the rest (a password, a number, a duration).
func registerCompletions(cmd *cobra.Command, o *Options) {
	none := cobra.NoFileCompletions
	values := map[string]cobra.CompletionFunc{
		"hash": cobra.FixedCompletions(hashChoices, cobra.ShellCompDirectiveNoFileComp),
		"broker": cobra.FixedCompletions([]cobra.Completion{
			cobra.CompletionWithDesc(pwhash.Broker20.String(), "12-byte salts: every broker (default)"),
			cobra.CompletionWithDesc(pwhash.Broker21.String(), "64-byte salts: 2.0 brokers refuse them"),
		}, cobra.ShellCompDirectiveNoFileComp),
		"completion":   cobra.FixedCompletions([]cobra.Completion{"bash", "zsh", "fish", "powershell"}, cobra.ShellCompDirectiveNoFileComp),
		"iterations":   none,
		"lock-timeout": none,
		"owner":        none,
	}
	for name, fn := range values {
		if err := cmd.RegisterFlagCompletionFunc(name, fn); err != nil {
			panic(err) // a flag renamed in bindFlags but not here
		}
	}
	cmd.ValidArgsFunction = func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		switch {
		case len(args) == 0 && !o.Print: // -n has no file: its first argument is the username
			return nil, cobra.ShellCompDirectiveDefault
		case len(args) == 1 && o.editsUser():
			return usersIn(args[0], toComplete), cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
}

// editsUser reports whether the command line's second argument is a user of
// an existing file: not for -c (a new file), nor for the modes that take no
// username (-U, --list, --check, --import).
func (o *Options) editsUser() bool {
	return !o.Create && !o.HashFile && !o.Print && o.List == "" && o.Check == "" && o.Import == ""
}

// usersIn returns the users in the password file at path whose names start
// with prefix, each once, as far as the file can be read. Only names are
// returned: a line may hold a plaintext password before -U.
func usersIn(path, prefix string) []cobra.Completion {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var users []cobra.Completion
	seen := map[string]bool{}
	for s := pwfile.NewScanner(f); s.Scan(); {
		l := s.Line()
		if l.Kind != pwfile.Entry {
			continue
		}
		u := string(l.User)
		if strings.HasPrefix(u, prefix) && !seen[u] {
			seen[u] = true
			users = append(users, u)
		}
	}
	return users
}
