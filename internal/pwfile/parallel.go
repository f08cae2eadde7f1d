package pwfile

import (
	"context"
	"sync"
)

// inOrder is the worker pool behind HashAll: produce sends
// items, work runs on the items that need it on workers goroutines, and
// consume sees every item in the order it was sent, each once its work is
// done. At most a few dozen items per worker are in flight, so a stream of
// any length passes in bounded memory.
//
// send returns false once consume has failed or ctx is done; produce should
// then stop and return. Once ctx is done no work starts, so at most one item
// per worker is still worked on, and ctx's error is returned. Otherwise the
// first error of consume, or else of produce, is returned. inOrder returns
// after every goroutine has finished.
func inOrder[T any](ctx context.Context, workers int, produce func(send func(v *T, needsWork bool) bool) error, work func(*T), consume func(*T) error) error {
	type item struct {
		v    *T
		done chan struct{} // nil: no work to wait for
	}
	workers = max(workers, 1)
	order := make(chan item, 16*workers)
	// Buffered so that a worker finishing a hash takes the next one at
	// once: unbuffered, it waited for the producing goroutine, which sat
	// runnable behind the other worker, and 2 cores hashed only 1.24 times
	// as fast as one (BenchmarkUpgrade; 1.85 times with the buffer).
	jobs := make(chan item, 16*workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var produceErr error

	wg.Go(func() {
		defer close(order)
		defer close(jobs)
		produceErr = produce(func(v *T, needsWork bool) bool {
			it := item{v: v}
			if needsWork {
				it.done = make(chan struct{})
			}
			select {
			case order <- it:
			case <-stop:
				return false
			case <-ctx.Done():
				return false
			}
			if it.done == nil {
				return true
			}
			// Sent right after its place in the order, so the item the
			// consumer waits for is always with a worker or queued for one.
			select {
			case jobs <- it:
				return true
			case <-stop:
			case <-ctx.Done():
			}
			// No worker will have it: done as skipped, or the consumer
			// would wait for it forever.
			close(it.done)
			return false
		})
	})
	for range workers {
		wg.Go(func() {
			for it := range jobs {
				// Queued items are skipped, not worked on: with a slow
				// hash the queue holds many seconds of work.
				if ctx.Err() == nil && !stopped(stop) {
					work(it.v)
				}
				close(it.done)
			}
		})
	}

	var err error
	for it := range order {
		if it.done != nil {
			<-it.done
		}
		// Checked after the wait: an item whose work was skipped must not
		// reach consume.
		if err = ctx.Err(); err == nil {
			err = consume(it.v)
		}
		if err != nil {
			close(stop)
			for range order {
			}
			break
		}
	}
	wg.Wait()
	if err == nil {
		err = produceErr
	}
	if err == nil {
		// produce may have stopped early for ctx after consume saw its
		// last item.
		err = ctx.Err()
	}
	return err
}

// stopped reports whether stop is closed.
func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}
