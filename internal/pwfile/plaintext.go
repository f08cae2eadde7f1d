package pwfile

import (
	"bytes"
	"io"
	"sync"

	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// HashFunc returns the encoded hash of a password. It must be safe to call
// from several goroutines at once.
type HashFunc func(password []byte) (string, error)

// pending is one line on its way from the scanner to the writer; done is nil
// for a line copied as it is.
type pending struct {
	raw, user, password []byte
	hash                string
	err                 error
	done                chan struct{}
}

// HashPlaintext copies r to w with every entry whose second field is not
// already a hash ($6$, $7$, $argon2id$) rewritten as "user:" + hash(field).
// The original re-hashes hashes too, which makes the file useless. Hashing
// runs on workers goroutines while lines are written in their order; at most
// a few dozen lines per worker are in memory at once. It returns how many entries
// were hashed; progress, if not nil, is called after each one.
func HashPlaintext(r io.Reader, w io.Writer, workers int, hash HashFunc, progress func()) (int, error) {
	workers = max(workers, 1)
	order := make(chan *pending, 16*workers)
	// Buffered so that a worker finishing a hash takes the next one at
	// once: unbuffered, it waited for the scanner goroutine, which sat
	// runnable behind the other worker, and 2 cores hashed only 1.24 times
	// as fast as one (BenchmarkHashPlaintext; 1.85 times with the buffer).
	jobs := make(chan *pending, 16*workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var scanErr error

	wg.Go(func() {
		defer close(order)
		defer close(jobs)
		s := NewScanner(r)
		for s.Scan() {
			l := s.Line()
			p := &pending{}
			if l.Kind == Entry && !pwhash.LooksHashed(string(l.Hash)) {
				p.user, p.password, p.done = bytes.Clone(l.User), bytes.Clone(l.Hash), make(chan struct{})
			} else {
				p.raw = bytes.Clone(l.Raw)
			}
			select {
			case order <- p:
			case <-stop:
				return
			}
			if p.done == nil {
				continue
			}
			// Sent right after its place in the order, so the line the
			// writer waits for is always with a worker.
			select {
			case jobs <- p:
			case <-stop:
				return
			}
		}
		scanErr = s.Err()
	})
	for range workers {
		wg.Go(func() {
			for p := range jobs {
				p.hash, p.err = hash(p.password)
				clear(p.password)
				close(p.done)
			}
		})
	}

	n, err := writeInOrder(w, order, progress)
	if err != nil {
		close(stop)
		for range order {
		}
	}
	wg.Wait()
	if err == nil {
		err = scanErr
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}

func writeInOrder(w io.Writer, order <-chan *pending, progress func()) (int, error) {
	n := 0
	for p := range order {
		if p.done == nil {
			if _, err := w.Write(p.raw); err != nil {
				return n, err
			}
			continue
		}
		<-p.done
		if p.err != nil {
			return n, p.err
		}
		if err := writeEntry(w, string(p.user), p.hash); err != nil {
			return n, err
		}
		n++
		if progress != nil {
			progress()
		}
	}
	return n, nil
}
