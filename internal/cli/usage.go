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
// -h, as the original prints its usage, and with 0 for --help. It is ours, not the original's, so that it
// documents every option we have.
const usage = `mosquitto_passwd is a tool for managing password files for mosquitto.

` + synopsis + `       mosquitto_passwd -v [-b | -i] passwordfile username [password]
       mosquitto_passwd [-H hash] [-I iterations] -n [-b | -i] username [password]
       mosquitto_passwd [-H hash] [-I iterations] [-c] --import file|- passwordfile
       mosquitto_passwd --list [--json] passwordfile
       mosquitto_passwd --check [--json] [--broker 2.0|2.1] [--owner user[:group]] passwordfile
 -b, --batch : run in batch mode to allow passing passwords on the command line.
 -c, --create : create a new password file. This will overwrite existing files.
      With the file name -, print the password line on stdout instead.
 -D, --delete : delete the username rather than adding/updating its password.
 -H, --hash : specify the hashing algorithm:
        sha512-pbkdf2  the default, accepted by every Mosquitto 2.0 and 2.1 broker.
        sha512         what Mosquitto 1.6 and earlier used.
        argon2id       (or argon2) accepted only by Mosquitto 2.1 brokers built with argon2.
 -I, --iterations : number of sha512-pbkdf2 iterations (default 1000, at most
      4194304). Every iteration costs the broker CPU time on each client connection.
 -U, --update-file : update a plain text password file to use hashed passwords.
      Lines that already hold a hash are left alone.
 --broker 2.0|2.1 : the broker generation the file is for (default 2.0). 2.1 writes
      64-byte salts, which 2.0 brokers refuse.
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
      is written. With -c the file holds the imported users alone.
 --list passwordfile : the users, one per line. With --json: algorithm,
      parameters, salt length, line and the brokers that accept each entry.
 --check passwordfile : report corrupt lines, duplicate users, plaintext,
      hashes the --broker generation rejects, weak hashes, CRLF, a missing
      final newline, permissions and owner. Exit 1 on errors, 0 on warnings
      alone. --json for machines.
 --owner user[:group] : give the written file this owner and group (names or
      numbers: --owner 1883:1883 for the Docker image's mosquitto user); with
      --check, the owner the file should have.
 --if-changed : leave a user whose password already verifies (with the hash
      asked for) untouched, and the file unwritten when nothing changed.

Options end at the first argument that is not an option; a username that
starts with - is accepted, with a warning.
Lines starting with # and blank lines in the password file are kept.

Exit status:
 0   success
 1   error (bad arguments, unreadable or corrupt file, user not found for -D,
     a bad import line, --check found errors, ...)
 2   the two passwords entered do not match
 3   -v: the password is wrong, or the user is not in the file
 130 interrupted (Ctrl-C or SIGTERM); the password file is unchanged

See https://mosquitto.org/ for more information.

`
