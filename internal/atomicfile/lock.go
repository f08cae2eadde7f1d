package atomicfile

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

var (
	// errBusy: another process holds the lock.
	errBusy = errors.New("lock busy")
	// errMoved: the lock was taken on a file the path no longer names; look again.
	errMoved = errors.New("file replaced while locking")
)

// maxPoll bounds the wait between two tries of a busy lock. flock has no timed wait, so waiting
// polls; an edit holds the lock for milliseconds, so a short poll wastes little and the poll grows
// from 1ms so that a run queued behind a quick one does not sleep for long.
const maxPoll = 25 * time.Millisecond

// lock waits until it holds the lock on what path names now and returns that target with the
// function that releases the lock.
func lock(ctx context.Context, path string, edit bool, cfg *config) (*target, func(), error) {
	start := time.Now()
	poll := time.Millisecond
	noticed := cfg.notice == nil
	retried := false
	for {
		t, err := locate(path, edit, cfg)
		if err != nil {
			return nil, nil, err
		}
		unlock, err := tryLock(t)
		if err == nil {
			// The lock is on the name; what the name leads to may have changed while this run
			// waited (a link redirected, the file made or removed), so it is looked up again.
			now, err := locate(path, edit, cfg)
			if err != nil {
				unlock()
				return nil, nil, err
			}
			if now.path == t.path {
				return now, unlock, nil
			}
			unlock()
			err = errMoved
		}
		switch {
		case errors.Is(err, errMoved) && !retried:
			// The holder has just replaced the file: try the new one at once, but only once, so
			// that a path that keeps changing is polled like a busy lock rather than spun on.
			retried = true
			continue
		case errors.As(err, new(*PlantedFileError)):
			return nil, nil, err
		case !errors.Is(err, errBusy) && !errors.Is(err, errMoved):
			// Taking the lock writes beside the file: a read-only file system or directory
			// shows here first.
			return nil, nil, t.dirErr(err)
		}

		waited := time.Since(start)
		if !noticed && waited >= cfg.noticeAfter {
			noticed = true
			cfg.notice()
		}
		if waited >= cfg.lockTimeout {
			return nil, nil, fmt.Errorf("%w on %s after %v", ErrLockTimeout, t.shown, cfg.lockTimeout)
		}
		// Jitter keeps processes that started together from retrying together.
		timer := time.NewTimer(poll/2 + rand.N(poll/2+1))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, nil, fmt.Errorf("waiting for the lock on %s: %w", t.shown, ctx.Err())
		case <-timer.C:
		}
		poll = min(2*poll, maxPoll)
	}
}
