//go:build !unix

package reload

// Supported reports whether Run can signal brokers on this system. On
// Windows upstream reloads through a named event (mosq<PID>_reload); this
// tool refuses instead: restart the broker's service.
const Supported = false

func hangUp(int) error { return ErrUnsupported }

// Alive reports whether process pid is running; unknown here.
func Alive(int) bool { return false }

func findByName(string) ([]int, error) { return nil, ErrUnsupported }
