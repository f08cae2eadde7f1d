package cli

// usage is printed on stdout: with exit status 1 where the original prints
// its usage, and with 0 for --help. It is ours, not the original's, so that it
// documents every option we have.
const usage = `mosquitto_passwd is a tool for managing password files for mosquitto.

Usage: mosquitto_passwd [-H hash] [-I iterations] [-c | -D] passwordfile username
       mosquitto_passwd [-H hash] [-I iterations] [-c] -b passwordfile username password
       mosquitto_passwd [-H hash] [-I iterations] -U passwordfile
 -b : run in batch mode to allow passing passwords on the command line.
 -c : create a new password file. This will overwrite existing files.
      With the file name -, print the password line on stdout instead.
 -D : delete the username rather than adding/updating its password.
 -H : specify the hashing algorithm:
        sha512-pbkdf2  the default, accepted by every Mosquitto 2.0 and 2.1 broker.
        sha512         what Mosquitto 1.6 and earlier used.
        argon2id       (or argon2) accepted only by Mosquitto 2.1 brokers built with argon2.
 -I : number of sha512-pbkdf2 iterations (default 1000). Every iteration costs the
      broker CPU time on each client connection.
 -U : update a plain text password file to use hashed passwords. Lines that
      already hold a hash are left alone.
 --broker 2.0|2.1 : the broker generation the file is for (default 2.0). 2.1 writes
      64-byte salts, which 2.0 brokers refuse.
 --lock-timeout duration : how long to wait while another mosquitto_passwd is
      changing the same file (default 30s).
 --help : print this text and exit.
 --version : print the version and exit.
 --completion bash|zsh|fish|powershell : print the shell's completion script and exit.

Options end at the first argument that is not an option.
Lines starting with # and blank lines in the password file are kept.

Exit status:
 0   success
 1   error (bad arguments, unreadable or corrupt file, user not found, ...)
 2   the two passwords entered do not match
 130 interrupted (Ctrl-C or SIGTERM); the password file is unchanged

See https://mosquitto.org/ for more information.

`
