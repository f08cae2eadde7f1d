package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// withPty returns both ends of a new pseudo-terminal, closed at the end of
// the test. Reading the controller gives what the terminal shows.
func withPty(t *testing.T) (controller, terminal *os.File) {
	t.Helper()
	c, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(c.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(c.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Only the controller is closed, which hangs the terminal up. After a
	// signal, Main's reading goroutine is still reading the terminal (in the
	// real program the process exits) until the hang-up ends its read. Were
	// the terminal closed, the next test's pty could get the descriptor's
	// number and have its input read by that goroutine. So the terminal
	// stays open until exit.
	t.Cleanup(func() { c.Close() })
	return c, tty
}

func echoOn(t *testing.T, tty *os.File) bool {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio.Lflag&unix.ECHO != 0
}

// lockedBuffer lets the test read what Main writes while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func runMain(args []string, in *os.File) (<-chan int, *lockedBuffer) {
	out := &lockedBuffer{}
	code := make(chan int, 1)
	go func() { code <- Main(args, NewStreams(in, out, out)) }()
	return code, out
}

// waitPrompt waits until prompt is shown and echo is off: the moment a
// person would type.
func waitPrompt(t *testing.T, out *lockedBuffer, tty *os.File, prompt string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !strings.HasSuffix(out.String(), prompt) || echoOn(t, tty); {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt %q with echo off; output so far %q", prompt, out.String())
		}
		time.Sleep(time.Millisecond)
	}
}

// readScreen collects what the terminal of controller c shows, and sends it
// once the terminal side is closed.
func readScreen(c *os.File) <-chan string {
	screen := make(chan string, 1)
	go func() {
		var b bytes.Buffer
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				screen <- b.String()
				return
			}
		}
	}()
	return screen
}

func TestTerminalPromptDoesNotEcho(t *testing.T) {
	c, tty := withPty(t)
	screen := readScreen(c)
	pw := filepath.Join(t.TempDir(), "pw")
	code, out := runMain([]string{"-c", pw, "alice"}, tty)
	for _, prompt := range []string{msgPrompt, msgPromptAgain} {
		waitPrompt(t, out, tty, prompt)
		c.WriteString("s3cret-typed\n")
	}
	if got := <-code; got != ExitOK {
		t.Fatalf("exit %d: %s", got, out)
	}
	if want := "Password: \nReenter password: \nAdding password for user alice\n"; out.String() != want {
		t.Errorf("output %q, want %q", out, want)
	}
	tty.Close()
	if s := <-screen; strings.Contains(s, "s3cret") {
		t.Errorf("the terminal showed the password: %q", s)
	}
	if b, err := os.ReadFile(pw); err != nil || !bytes.HasPrefix(b, []byte("alice:$7$1000$")) {
		t.Errorf("password file: %q, %v", b, err)
	}
}

func TestTerminalInterruptRestoresEcho(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			_, tty := withPty(t)
			pw := filepath.Join(t.TempDir(), "pw")
			code, out := runMain([]string{"-c", pw, "alice"}, tty)
			waitPrompt(t, out, tty, msgPrompt)
			syscall.Kill(os.Getpid(), sig)
			if got := <-code; got != ExitInterrupted {
				t.Fatalf("exit %d, want %d: %s", got, ExitInterrupted, out)
			}
			if !echoOn(t, tty) {
				t.Error("echo is still off after the interrupt")
			}
			if !strings.Contains(out.String(), msgInterrupted) {
				t.Errorf("output %q lacks %q", out, msgInterrupted)
			}
			if _, err := os.Stat(pw); !os.IsNotExist(err) {
				t.Errorf("the password file exists after an interrupt: %v", err)
			}
		})
	}
}

// typeAt runs Main with args on a new terminal and types each of typed at
// the prompt it waits for (Password:, then Reenter password:).
func typeAt(t *testing.T, args []string, typed ...string) (int, string, *os.File) {
	t.Helper()
	c, tty := withPty(t)
	go io.Copy(io.Discard, c) // what the terminal shows: the kernel must not block on it
	code, out := runMain(args, tty)
	for i, s := range typed {
		waitPrompt(t, out, tty, []string{msgPrompt, msgPromptAgain}[i])
		c.WriteString(s)
	}
	select {
	case got := <-code:
		return got, out.String(), tty
	case <-time.After(10 * time.Second):
		// A terminal that keeps only part of the line waits for more.
		t.Fatalf("no exit after typing; output so far %q", out.String())
		return 0, "", nil
	}
}

// TestTerminalLongPaste: a paste longer than the 4095 bytes a terminal's
// line editing keeps is stored whole, as the original stores it.
func TestTerminalLongPaste(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	long := strings.Repeat("0123456789", 500)
	if code, out, _ := typeAt(t, []string{"-c", pw, "alice"}, long+"\r", long+"\r"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	checkPassword(t, pw, "alice", long)
}

// TestTerminalEditing: Backspace (DEL or Ctrl-H) and Ctrl-U edit what was
// typed, as the terminal's own line editing does.
func TestTerminalEditing(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	if code, out, _ := typeAt(t, []string{"-c", pw, "alice"}, "secrex\x7ft\r", "wrong\x15secret\r"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	checkPassword(t, pw, "alice", "secret")
}

// TestTerminalCtrlC: Ctrl-C at a prompt exits 130 with the terminal
// restored and the error on a line of its own; Ctrl-D on an empty line is
// the original's "Empty password".
func TestTerminalCtrlC(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	code, out, tty := typeAt(t, []string{"-c", pw, "alice"}, "secret\r", "sec\x03")
	if want := msgPrompt + "\n" + msgPromptAgain + "\n" + msgInterrupted + "\n"; code != ExitInterrupted || out != want {
		t.Errorf("exit %d, output %q; want %d, %q", code, out, ExitInterrupted, want)
	}
	if !echoOn(t, tty) {
		t.Error("echo is still off after Ctrl-C")
	}
	if _, err := os.Stat(pw); !os.IsNotExist(err) {
		t.Errorf("the password file exists after Ctrl-C: %v", err)
	}
	code, out, tty = typeAt(t, []string{"-c", pw, "alice"}, "\x04")
	if want := msgPrompt + msgEmptyPassword + "\n"; code != ExitError || out != want {
		t.Errorf("Ctrl-D: exit %d, output %q; want %d, %q", code, out, ExitError, want)
	}
	if !echoOn(t, tty) {
		t.Error("echo is still off after Ctrl-D")
	}
}
