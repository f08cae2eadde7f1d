package cli

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// splitOptions finds where the options end, the way the original reads them:
// an argument is an option only if it is exactly one (-H, -I, -b, -c, -D, -U,
// one of our letters, or one of our --long options, with "=value" or the next
// argument as its value). The first other argument starts the positionals,
// even "--" or one that starts with '-'. So "-bc", "-I5" or "-x" are never
// read as something the original would not read; the first of them is
// returned as notOption and reported after the options before it.
func splitOptions(fs *pflag.FlagSet, args []string) (options, positionals []string, notOption string) {
	i := 0
	for i < len(args) {
		a := args[i]
		if a == "-" || a == "--" || !strings.HasPrefix(a, "-") {
			break
		}
		var f *pflag.Flag
		hasValue := false
		if long, ok := strings.CutPrefix(a, "--"); ok {
			name, _, eq := strings.Cut(long, "=")
			f, hasValue = fs.Lookup(name), eq
		} else if len(a) == 2 {
			f = fs.ShorthandLookup(a[1:])
		}
		if f == nil {
			return args[:i], nil, a
		}
		i++
		// A value-taking option takes the next argument, whatever it is, as
		// the original's -H and -I do ("-H -c" is the hash "-c").
		if f.NoOptDefVal == "" && !hasValue && i < len(args) {
			i++
		}
	}
	return args[:i], args[i:], ""
}

// isCompletionRequest reports whether args are the completion scripts'
// question "__complete ARGS... WORD", which cobra answers itself.
func isCompletionRequest(args []string) bool {
	return len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd)
}
