package cli

import _ "embed" // the manual's text

// manual is the long description of the command: the DESCRIPTION of the
// manual page mosquitto_passwd(1) and the sections after it, in the Markdown
// that cobra's doc generator turns into roff. The OPTIONS section comes from
// the flags' usage strings, EXAMPLE from examples.
//
//go:embed manual.md
var manual string

// examples are the manual page's EXAMPLE section, one command line each.
const examples = `  # a new file with a first user; the password is asked for twice, without echo
  mosquitto_passwd -c /etc/mosquitto/passwd alice
  # add or change users, interactively, in batch mode, or from a pipe
  mosquitto_passwd /etc/mosquitto/passwd bob
  mosquitto_passwd -b /etc/mosquitto/passwd carol 's3cret'
  printf '%s\n%s\n' "$PW" "$PW" | mosquitto_passwd /etc/mosquitto/passwd dave
  # delete a user; hash a file of user:plaintext lines in place
  mosquitto_passwd -D /etc/mosquitto/passwd bob
  mosquitto_passwd -U /etc/mosquitto/passwd
  # print a line instead of writing a file
  mosquitto_passwd -c -b - alice secret
  # merge another broker's password file, or passlib and go-auth hashes
  mosquitto_passwd --import-hashed other/passwd /etc/mosquitto/passwd
  # the same users for the dynamic-security plugin (stop the broker first)
  mosquitto_passwd --export dynsec -o dynamic-security.json /etc/mosquitto/passwd
  # a file for Mosquitto 2.1 brokers only: 64-byte salts
  mosquitto_passwd --broker 2.1 -b /etc/mosquitto/passwd erin secret
  # change a password and make the running broker reload the file, once checked
  mosquitto_passwd --reload -b /etc/mosquitto/passwd alice 'n3w'
  # every password file a broker's configuration loads, and its listeners
  mosquitto_passwd --check --conf /etc/mosquitto/mosquitto.conf
  # shell completion for bash
  source <(mosquitto_passwd --completion bash)`
