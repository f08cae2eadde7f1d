package cli

import (
	"context"
	"io"
	"strings"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/hashconv"
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
// argument can be: the -H, --broker, --completion and --export values, file
// names for the password file, --conf and --reload's PID file (and, by
// cobra's default, for the files of --import, --import-hashed and -o), the
// users of that file for the username, and nothing for the rest (a
// password, a number, a duration).
func registerCompletions(cmd *cobra.Command, o *Options) {
	none := cobra.NoFileCompletions
	values := map[string]cobra.CompletionFunc{
		"hash": cobra.FixedCompletions(hashChoices, cobra.ShellCompDirectiveNoFileComp),
		"broker": cobra.FixedCompletions([]cobra.Completion{
			cobra.CompletionWithDesc(pwhash.Broker20.String(), "12-byte salts: every broker (default)"),
			cobra.CompletionWithDesc(pwhash.Broker21.String(), "64-byte salts: 2.0 brokers refuse them"),
			cobra.CompletionWithDesc(pwhash.Broker21Argon2.String(), "2.1 built with argon2: argon2id too"),
		}, cobra.ShellCompDirectiveNoFileComp),
		"export": cobra.FixedCompletions([]cobra.Completion{
			cobra.CompletionWithDesc(string(hashconv.Dynsec), "a dynamic-security plugin configuration"),
			cobra.CompletionWithDesc(string(hashconv.GoAuth), "mosquitto-go-auth user:PBKDF2$sha512$ lines"),
			cobra.CompletionWithDesc(string(hashconv.Passlib), "passlib user:$pbkdf2-sha512$ lines"),
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
	cmd.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		// The second argument is a user of an existing file: not for -c (a
		// new file), nor where there is no username (-U, --list, --check,
		// --import, --import-hashed, --export); -n has no file, its first
		// argument is the username.
		editsUser := !o.Create && !o.HashFile && !o.Print && o.List == "" && o.Check == "" && o.Import == "" &&
			o.ImportHashed == "" && o.Export == ""
		switch {
		case len(args) == 0 && !o.Print:
			return nil, cobra.ShellCompDirectiveDefault
		case len(args) == 1 && editsUser:
			return usersIn(cmd.Context(), args[0], toComplete), cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
}

// usersIn returns the users in the password file name whose names start
// with prefix, each once, as far as the file can be read. Only names are
// returned: a line may hold a plaintext password before -U.
func usersIn(ctx context.Context, name, prefix string) []cobra.Completion {
	f, err := atomicfile.Open(name, atomicfile.ForReading)
	if err != nil {
		return nil
	}
	var users []cobra.Completion
	seen := map[string]bool{}
	f.Read(ctx, func(r io.Reader) error {
		s := pwfile.NewScanner(r)
		for s.Scan() {
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
		return nil
	})
	return users
}
