package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"unicode/utf8"

	"github.com/mqpasswd/mqpasswd/internal/pwfile"
)

// errInterrupted is returned when a signal arrives while we wait for input.
var errInterrupted = fail(ExitInterrupted, msgInterrupted)

// passwordReader reads passwords from standard input: without echo from a
// terminal, or line by line from a pipe (scripts and "docker exec -i").
type passwordReader struct {
	tty  int // file descriptor of a terminal, or -1
	line *bufio.Reader
}

func newPasswordReader(s Streams) *passwordReader {
	if s.InTerminal {
		return &passwordReader{tty: s.InFd}
	}
	return &passwordReader{tty: -1, line: bufio.NewReaderSize(s.In, 4096)}
}

// readNew asks for a new password twice, as the original does: each prompt
// on prompts, a newline after each answer, "Empty password" for an empty
// answer or the end of input, exit 2 when the answers differ.
func (p *passwordReader) readNew(ctx context.Context, prompts io.Writer) (string, error) {
	first, err := p.ask(ctx, prompts, msgPrompt)
	if err != nil {
		return "", err
	}
	second, err := p.ask(ctx, prompts, msgPromptAgain)
	if err != nil {
		return "", err
	}
	if !bytes.Equal(first, second) {
		return "", fail(ExitMismatch, msgPasswordsDiffer)
	}
	return string(first), nil
}

func (p *passwordReader) ask(ctx context.Context, prompts io.Writer, prompt string) ([]byte, error) {
	io.WriteString(prompts, prompt)
	pw, err := p.readLine(ctx)
	if err != nil {
		// Ctrl-C leaves the cursor after the prompt; the error goes below.
		if errors.Is(err, errInterrupted) && prompt != "" {
			io.WriteString(prompts, "\n")
		}
		return nil, err
	}
	if len(pw) == 0 {
		return nil, fail(ExitError, msgEmptyPassword)
	}
	if len(pw) > pwfile.MaxPasswordLen {
		return nil, fail(ExitError, msgPasswordTooLong)
	}
	io.WriteString(prompts, "\n")
	return pw, nil
}

// readLine reads one line without its line ending. The end of input gives
// an empty line. A signal, or Ctrl-C typed at the terminal, interrupts the
// wait and restores the terminal.
func (p *passwordReader) readLine(ctx context.Context) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	restore := func() {}
	read := p.readPipeLine
	if p.tty >= 0 {
		// The terminal is set up here, not in the goroutine, so that an
		// interrupt cannot come between and leave it without echo.
		var err error
		if read, restore, err = readTerminal(p.tty); err != nil {
			return nil, err
		}
	}
	done := make(chan result, 1)
	go func() {
		b, err := read()
		done <- result{b, err}
	}()
	select {
	case <-ctx.Done():
		// The reading goroutine stays blocked until we exit; the terminal
		// must not stay without echo meanwhile.
		restore()
		return nil, errInterrupted
	case r := <-done:
		restore()
		if r.err != nil && !errors.Is(r.err, io.EOF) {
			return nil, r.err
		}
		return r.b, nil
	}
}

func (p *passwordReader) readPipeLine() ([]byte, error) {
	b, err := p.line.ReadBytes('\n')
	return pwfile.TrimPasswordLine(b), err
}

// Keys readTyped acts on. The terminal is raw while it reads (the kernel's
// line editing cuts a line at 4095 bytes), so it does their work itself.
const (
	keyInterrupt = 0x03 // Ctrl-C
	keyEOF       = 0x04 // Ctrl-D
	keyBackspace = 0x08 // Ctrl-H, what some terminals send for Backspace
	keyKill      = 0x15 // Ctrl-U: erase the line
	keyDelete    = 0x7f // what most terminals send for Backspace
)

// readTyped reads one line typed at a raw terminal r, one byte at a time
// so that nothing after Enter is consumed: Enter (CR or LF) ends it,
// Backspace erases the last character, Ctrl-U the whole line, Ctrl-D on an
// empty line is the end of input, Ctrl-C is errInterrupted (the terminal
// sends no signal while raw). Any other byte
// is part of the password. Bytes beyond one more than MaxPasswordLen are
// read but not kept, so that the caller refuses the line as too long
// instead of storing a part of it.
func readTyped(r io.Reader) ([]byte, error) {
	var line []byte
	b := make([]byte, 1)
	for {
		if _, err := io.ReadFull(r, b); err != nil {
			// A line cut off (a hang-up) is not the password typed.
			return nil, err
		}
		switch b[0] {
		case '\r', '\n':
			return line, nil
		case keyInterrupt:
			return nil, errInterrupted
		case keyEOF:
			if len(line) == 0 {
				return nil, io.EOF
			}
		case keyBackspace, keyDelete:
			_, size := utf8.DecodeLastRune(line)
			line = line[:len(line)-size]
		case keyKill:
			line = line[:0]
		default:
			if len(line) <= pwfile.MaxPasswordLen {
				line = append(line, b[0])
			}
		}
	}
}
