package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"

	"github.com/mqpasswd/mqpasswd/internal/pwfile"
	"golang.org/x/term"
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
// an empty line. A signal interrupts the wait and restores the terminal.
func (p *passwordReader) readLine(ctx context.Context) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	var restore func()
	read := p.readPipeLine
	if p.tty >= 0 {
		state, err := term.GetState(p.tty)
		if err != nil {
			return nil, err
		}
		restore = func() { term.Restore(p.tty, state) }
		read = func() ([]byte, error) { return term.ReadPassword(p.tty) }
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
		if restore != nil {
			restore()
		}
		return nil, errInterrupted
	case r := <-done:
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
