package atomicfile

import (
	"bufio"
	"context"
	"io"
	"os"
)

// bufSize is the buffer of each stream: large enough that a big file moves in few system calls,
// small enough that memory stays flat whatever the file's size.
const bufSize = 64 << 10

// writer is what fn writes the new content to: buffered, failing with ctx.Err() once ctx is done,
// and remembering its first error so that Edit can report it even if fn does not.
type writer struct {
	ctx context.Context
	buf *bufio.Writer
	err error
}

func newWriter(ctx context.Context, f *os.File, t *target) *writer {
	return &writer{ctx: ctx, buf: bufio.NewWriterSize(&fileSink{f: f, t: t}, bufSize)}
}

func (w *writer) check() error {
	if w.err == nil {
		w.err = w.ctx.Err()
	}
	return w.err
}

func (w *writer) Write(p []byte) (int, error) {
	if err := w.check(); err != nil {
		return 0, err
	}
	n, err := w.buf.Write(p)
	w.err = err
	return n, err
}

func (w *writer) WriteString(s string) (int, error) {
	if err := w.check(); err != nil {
		return 0, err
	}
	n, err := w.buf.WriteString(s)
	w.err = err
	return n, err
}

func (w *writer) flush() error {
	if err := w.check(); err != nil {
		return err
	}
	w.err = w.buf.Flush()
	return w.err
}

// fileSink turns the temporary file's errors into *WriteError for the target, and starts the
// writeback of what was written every writebackEvery bytes.
type fileSink struct {
	f       *os.File
	t       *target
	written int64 // bytes written
	started int64 // bytes whose writeback has been started
}

// writebackEvery is how much new content waits before its writeback is started: the disk then
// writes a big file while the rest is still being read and written, and the fsync before the
// rename waits for the last piece only, not for the whole file.
const writebackEvery = 8 << 20

func (s *fileSink) Write(p []byte) (int, error) {
	if err := s.t.cfg.step("write"); err != nil {
		return 0, s.t.writeErr(err)
	}
	n, err := s.f.Write(p)
	s.written += int64(n)
	if err != nil {
		return n, s.t.writeErr(err)
	}
	if s.written-s.started >= writebackEvery {
		// Only a hint: the fsync that seals the file is what makes it durable.
		startWriteback(s.f, s.started, s.written-s.started)
		s.started = s.written
	}
	return n, nil
}

// reader is what fn reads the current content from: buffered, failing with ctx.Err() once ctx is
// done, and turning read errors into *OpenError.
type reader struct {
	ctx context.Context
	buf *bufio.Reader
	t   *target
	err error
}

func newReader(ctx context.Context, f *os.File, t *target) *reader {
	return &reader{ctx: ctx, buf: bufio.NewReaderSize(f, bufSize), t: t}
}

func (r *reader) Read(p []byte) (int, error) {
	if r.err == nil {
		r.err = r.ctx.Err()
	}
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.buf.Read(p)
	if err != nil && err != io.EOF {
		r.err = r.t.openErr(err)
		return n, r.err
	}
	return n, err
}

func (r *reader) failure() error {
	if r == nil {
		return nil
	}
	return r.err
}
