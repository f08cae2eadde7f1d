// Command mosquitto_passwd manages Mosquitto password files; it is a drop-in
// replacement for the tool of the same name that ships with Mosquitto.
package main

import (
	"os"

	"github.com/mqpasswd/mqpasswd/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.NewStreams(os.Stdin, os.Stdout, os.Stderr)))
}
