//go:build unix && !linux

package reload

import "fmt"

// findByName finds nothing without Linux's /proc: the broker is found by
// its PID file there.
func findByName(string) ([]int, error) {
	return nil, fmt.Errorf("%w: without /proc, name the broker's PID file", ErrNoBroker)
}

func zombie(int) bool { return false }
