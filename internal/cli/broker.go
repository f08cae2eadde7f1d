package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/mqpasswd/mqpasswd/internal/atomicfile"
	"github.com/mqpasswd/mqpasswd/internal/brokerconf"
	"github.com/mqpasswd/mqpasswd/internal/brokeruser"
	"github.com/mqpasswd/mqpasswd/internal/pwhash"
	"github.com/mqpasswd/mqpasswd/internal/reload"
)

// readConf reads --conf's configuration and, when the password file was
// left out for it, takes the one password file it names (--check without a
// file checks them all instead). Problems inside the configuration are in
// its Errors, which --check reports.
func readConf(o *Options) (*brokerconf.Config, error) {
	cfg, err := brokerconf.Read(o.Conf)
	if err != nil {
		return nil, fail(ExitError, msgConfOpen, o.Conf, strerror(err))
	}
	if !o.FileFromConf || o.Check != "" {
		return cfg, nil
	}
	pf, err := cfg.Only()
	switch {
	case errors.Is(err, brokerconf.ErrNoPasswordFile):
		return nil, fail(ExitError, msgConfNoFile, o.Conf)
	case errors.Is(err, brokerconf.ErrManyPasswordFiles):
		return nil, fail(ExitError, msgConfManyFiles, o.Conf)
	}
	o.File = pf.Path
	return cfg, nil
}

// brokerSources are what decides the broker's user: --owner, then the
// configuration's user, then the environment (brokeruser.Resolve's order).
func brokerSources(o *Options, cfg *brokerconf.Config) brokeruser.Sources {
	src := brokeruser.Sources{Owner: o.Owner, Getenv: os.Getenv}
	if cfg != nil {
		src.ConfigUser = cfg.User
	}
	return src
}

// checkedUser is the user whose access --check and --reload judge.
func checkedUser(o *Options, cfg *brokerconf.Config) (brokeruser.User, error) {
	u, err := brokeruser.ForCheck(brokerSources(o, cfg), cfg != nil)
	if err != nil {
		return u, fail(ExitError, msgBrokerUser, err)
	}
	return u, nil
}

// forBroker returns the File to create in place of f, opened for purpose with opts: when
// root creates a file that does not exist yet and --owner does not say whose
// it is, the broker's user gets it, since brokers start as root and drop to
// that user before they open the password file, or --export's dynamic
// security configuration (REFERENCE §6 item 8). A file that exists keeps its
// owner, as every replacement does; when no broker user is found the file
// stays root's, with a warning.
func forBroker(o *Options, s Streams, cfg *brokerconf.Config, f *atomicfile.File, purpose atomicfile.Purpose, opts []atomicfile.Option) (*atomicfile.File, error) {
	if os.Geteuid() != 0 || !o.Owner.IsZero() || f.IsStream() {
		return f, nil
	}
	if _, err := f.Stat(); !errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	u, err := brokeruser.Resolve(brokerSources(o, cfg))
	if err != nil {
		return nil, fail(ExitError, msgBrokerUser, err)
	}
	if !u.Found() {
		fmt.Fprintf(s.ErrOut, msgOwnerStaysRoot+"\n", f.Path())
		return f, nil
	}
	return atomicfile.Open(f.Name(), purpose, append(opts, atomicfile.WithOwner(u.Spec))...)
}

// reloadBroker is --reload after a write: the file is validated for
// --broker's generation as --check would (for 2.0 and 2.1 when --broker is
// not given), and only then are the brokers signalled. Every failure leaves
// the file as written.
func reloadBroker(o *Options, s Streams, cfg *brokerconf.Config) error {
	u, err := checkedUser(o, cfg)
	if err != nil {
		return err
	}
	ro := reload.Options{Path: o.File, Broker: o.Broker, User: u}
	if o.Reload != reloadAny {
		ro.PIDFile = o.Reload
	}
	if cfg != nil {
		ro.ConfPIDFile = cfg.PIDFile
	}
	// Without --broker the running broker may be of either generation, and
	// a 2.1 broker quits on a reload it refuses: the file must then be safe
	// for 2.1 as released too, not only for the default 2.0. The default's
	// findings come first, as Run would report them.
	out := &reload.Outcome{}
	if !o.BrokerGiven {
		if _, err = reload.Validate(o.File, o.Broker, u); err == nil {
			_, err = reload.Validate(o.File, pwhash.Broker21, u)
		}
	}
	if err == nil {
		out, err = reload.Run(ro)
	}
	if len(out.Signalled) > 0 {
		from := msgReloadByName
		if out.From != "" {
			from = fmt.Sprintf(msgReloadFromPIDFile, out.From)
		}
		fmt.Fprintf(s.Out, msgReloaded+"\n", joinPIDs(out.Signalled), from)
	}
	var (
		unsafe *reload.UnsafeError
		exited *reload.ExitedError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &unsafe):
		findings := unsafe.Report.Unsafe()
		for _, f := range findings {
			printFinding(s.ErrOut, o.File, f.Line, string(f.Severity), f.Message)
		}
		e := fail(ExitError, msgReloadUnsafe, o.File, plural(len(findings), "finding"), unsafe.Report.Broker)
		if !o.BrokerGiven {
			e.Msg += "\n" + msgReloadGenerations
		}
		return e
	case errors.Is(err, reload.ErrNoBroker):
		return fail(ExitNoBroker, msgNoBroker, o.File, err)
	case errors.As(err, &exited):
		return fail(ExitError, msgBrokerExited, joinPIDs(exited.PIDs))
	}
	return fail(ExitError, msgReloadFailed, o.File, err)
}

func joinPIDs(pids []int) string {
	s := make([]string, len(pids))
	for i, p := range pids {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ", ")
}
