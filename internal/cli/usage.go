package cli

// synopsis is the original's command lines.
const synopsis = `Usage: mosquitto_passwd [-H hash] [-I iterations] [-c | -D] passwordfile username
       mosquitto_passwd [-H hash] [-I iterations] [-c] -b passwordfile username password
       mosquitto_passwd [-H hash] [-I iterations] -U passwordfile
`

// shortUsage follows the reason a command line is wrong, on stdout with exit
// status 1, where the original prints its whole usage.
const shortUsage = synopsis + "See mosquitto_passwd --help.\n"

// usage is printed on stdout: with exit status 1 without arguments and for
// -h, as the original prints its usage, and with 0 for --help. It is ours,
// not the original's, so that it documents every option we have.
const usage = `mosquitto_passwd is a tool for managing password files for mosquitto.

` + synopsis + `       mosquitto_passwd -v [-b | -i] passwordfile username [password]
       mosquitto_passwd [-H hash] [-I iterations] -n [-b | -i] username [password]
       mosquitto_passwd [-H hash] [-I iterations] [-c] --import file|- passwordfile
       mosquitto_passwd [--broker 2.0|2.1] [-c] --import-hashed file|- passwordfile
       mosquitto_passwd --export dynsec|goauth|passlib [--broker 2.0|2.1] [-o file] passwordfile
       mosquitto_passwd --list [--json] passwordfile
       mosquitto_passwd --check [--json] [--broker 2.0|2.1|2.1-argon2] [--owner user[:group]] passwordfile
       mosquitto_passwd --check [--json] [--broker 2.0|2.1|2.1-argon2] --conf mosquitto.conf
 -b, --batch : run in batch mode to allow passing passwords on the command line.
 -c, --create : create a new password file. This will overwrite existing files.
      With the file name -, print the password line on stdout instead.
      Run as root, a new file goes to the broker's user, mode 0600: --owner,
      else --conf's user, else PUID/PGID, else the local user mosquitto;
      with none, it stays root's and a warning says so. Existing files keep
      their owner, group and mode.
 -D, --delete : delete the username rather than adding/updating its password.
 -H, --hash : specify the hashing algorithm:
        sha512-pbkdf2  the default, accepted by every Mosquitto 2.0 and 2.1 broker.
        sha512         what Mosquitto 1.6 and earlier used.
        argon2id       (or argon2) accepted only by Mosquitto 2.1 brokers built with argon2.
 -I, --iterations : number of sha512-pbkdf2 iterations (default 1000, at most
      4194304). Every iteration costs the broker CPU time on each client connection.
 -U, --update-file : update a plain text password file to use hashed passwords.
      Lines that already hold a hash are left alone.
 --broker 2.0|2.1|2.1-argon2 : the broker generation the file is for (default
      2.0). 2.1 writes 64-byte salts, which 2.0 brokers refuse; 2.1-argon2 is a 2.1
      built with argon2, which also loads argon2id.
 --lock-timeout duration : how long to wait while another mosquitto_passwd is
      changing the same file (default 30s).
 --help : print this text and exit.
 --version : print the version and exit.
 --completion bash|zsh|fish|powershell : print the shell's completion script and exit.

Beyond the original (htpasswd's letters where it has one):
 -i, --stdin : read the password as one line from stdin: no prompt, no
      confirmation, and nothing on the command line for ps to show.
 -v, --verify : check the user's password against the file; the file is not
      written. Exit 3 when the password is wrong or the user unknown.
 -n, --print : print the username:hash line on stdout instead of writing a file.
 --import file|- : add or update the users of user:password lines (- reads
      stdin; the password is everything after the first ':') in one atomic
      rewrite, hashing on all cores. Any bad line: each is reported, nothing
      is written. A missing file is created; with -c the file holds the
      imported users alone.
 --import-hashed file|- : as --import, for user:hash lines: $7$, $6$ and
      $argon2id$ as given, passlib's $pbkdf2-sha512$ and mosquitto-go-auth's
      PBKDF2$sha512$ as the same $7$. A hash the --broker generation cannot
      load is a bad line. Blank and # lines are skipped, so another password
      file merges as it is.
 --export dynsec|goauth|passlib : write the users, without passwords, to
      stdout: dynsec, a dynamic-security plugin configuration for the --broker
      generation in which every user may use every topic; goauth or passlib,
      user:hash lines. Each entry the format cannot hold is a warning, and
      the exit status 1; the rest is written.
 -o, --output file : with --export, write to this file, replaced atomically.
 --list passwordfile : the users, one per line. With --json: algorithm,
      parameters, salt length, line, the brokers that accept each entry and
      what --export can write it as.
 --check passwordfile : report corrupt lines, duplicate users, plaintext,
      hashes the --broker generation rejects, weak hashes, CRLF, a missing
      final newline, permissions and owner, and whether the broker's user (as
      for -c; as an ordinary user without --owner or --conf, that user) can
      read the file. Exit 1 on errors, 0 on warnings alone. --json for machines.
 --owner user[:group] : give the written file this owner and group (names or
      numbers: --owner 1883:1883 for the Docker image's mosquitto user); it is
      also the broker's user for --check and --reload.
 --conf mosquitto.conf : the broker's configuration, read as the broker does
      (include_dir, per-listener and plugin password files): its user and
      pid_file. --check --conf FILE without a password file checks every one
      it loads, and reports missing password files, anonymous listeners and
      lines the broker refuses. Other commands may leave out the password
      file when it names exactly one (one argument fewer than they take).
 --reload[=pidfile] : after a write that changed the file, check it as --check
      does for --broker (without --broker, for 2.0 and 2.1 alike) and, unless
      the broker would drop users or quit, send SIGHUP to the PID in pidfile,
      else --conf's pid_file, else every process named mosquitto. Not on
      Windows.
 --if-changed : leave a user whose password already verifies (with the hash
      asked for) untouched, and the file unwritten when nothing changed.
 --follow-unsafe-links : follow a symbolic link to the password file that is
      not yours in a directory another user can write; refused by default,
      since such a link may have been planted to make root change another file.
 --in-place : rewrite the file in place instead of replacing it, for a file
      bind-mounted into a container where this run cannot see the mount
      (another host, a rootless runtime); as root such mounts are found alone.

Options end at the first argument that is not an option; a username that
starts with - is accepted, with a warning.
Lines starting with # and blank lines in the password file are kept.

Exit status:
 0   success
 1   error (bad arguments, unreadable or corrupt file, user not found for -D,
     a bad import line, --check found errors, --export left a user out, ...)
 2   the two passwords entered do not match
 3   -v: the password is wrong, or the user is not in the file
 4   --reload: no running broker found; the file is written
 5   the file was changed, but the change may not survive a power cut
 130 interrupted (Ctrl-C or SIGTERM); the password file is unchanged

See https://mosquitto.org/ for more information.

`
