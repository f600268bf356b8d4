package purge

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/kiosque/kiosque/app/ingest"
)

// Options say how a Queue retries.
type Options struct {
	// RetryBase and RetryCeiling bound the wait between two tries of a
	// purge that failed (doubled per failure in a row, jittered; or
	// longer when the cache asks, with Retry-After).
	RetryBase, RetryCeiling time.Duration
	// GiveUpAfter is how long a cache may fail before the purges it did
	// not confirm are given up (logged with their keys, and counted).
	// Urgent purges, a takedown's, are never given up.
	GiveUpAfter time.Duration
	// Timeout bounds one request to a cache.
	Timeout time.Duration
	// Counted, when set, is told of every batch sent ("sent"), failed and
	// to be tried again ("retried"), or given up ("failed").
	Counted func(cache, outcome string)
	// Done, when set, is told of keys every cache confirmed or gave up,
	// each as many times as added (app/replica forgets the keys it kept
	// in the store).
	Done func(keys []string)
}

// DefaultOptions retry for up to fifteen minutes, at most every half
// minute.
func DefaultOptions() Options {
	return Options{RetryBase: time.Second, RetryCeiling: 30 * time.Second, GiveUpAfter: 15 * time.Minute, Timeout: 20 * time.Second}
}

// Queue sends the keys it is given to every cache, in the order given:
// one line per cache, so that a cache down holds no other. Add never
// waits.
type Queue struct {
	log   *slog.Logger
	opts  Options
	lines []*line

	mu          sync.Mutex
	outstanding map[string]int // of each key added, the lines yet to send it
}

// line is one cache's keys not yet confirmed.
type line struct {
	cache  Cache
	wake   chan struct{}
	mu     sync.Mutex
	keys   []string        // in the order added, each once
	queued map[string]bool // keys, to add each once
	urgent map[string]bool // keys of takedowns: never given up
}

// NewQueue is a queue of purges to caches; Run sends them.
func NewQueue(log *slog.Logger, caches []Cache, opts Options) *Queue {
	q := &Queue{log: log, opts: opts, outstanding: map[string]int{}}
	for _, c := range caches {
		q.lines = append(q.lines, &line{cache: c, wake: make(chan struct{}, 1), queued: map[string]bool{}, urgent: map[string]bool{}})
	}
	return q
}

// Add queues keys for every cache. Urgent keys (a takedown's) are retried
// until a cache confirms them.
func (q *Queue) Add(keys []string, urgent bool) {
	if len(keys) == 0 {
		return
	}
	for _, l := range q.lines {
		l.mu.Lock()
		for _, k := range keys {
			if !l.queued[k] {
				l.queued[k] = true
				l.keys = append(l.keys, k)
				q.mu.Lock()
				q.outstanding[k]++
				q.mu.Unlock()
			}
			if urgent {
				l.urgent[k] = true
			}
		}
		l.mu.Unlock()
		select {
		case l.wake <- struct{}{}:
		default: // awake already
		}
	}
}

// pending is how many keys wait for each cache, by name.
func (q *Queue) pending() map[string]int {
	n := map[string]int{}
	for _, l := range q.lines {
		l.mu.Lock()
		n[l.cache.Name()] = len(l.keys)
		l.mu.Unlock()
	}
	return n
}

// Run sends the queued keys until ctx is done; the log then names those
// left unsent.
func (q *Queue) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, l := range q.lines {
		wg.Go(func() { q.send(ctx, l) })
	}
	wg.Wait()
}

// send sends l's keys, a batch at a time, until ctx is done.
func (q *Queue) send(ctx context.Context, l *line) {
	name := l.cache.Name()
	var failingSince time.Time
	failures := 0
	for {
		batch, urgent := l.take(l.cache.MaxKeys())
		if len(batch) == 0 {
			select {
			case <-ctx.Done():
				return
			case <-l.wake:
				continue
			}
		}
		try, cancel := context.WithTimeout(ctx, q.opts.Timeout)
		err := l.cache.Purge(try, batch)
		cancel()
		if ctx.Err() != nil {
			q.putBack(l, batch, urgent)
			if left := l.left(); len(left) > 0 {
				q.log.Warn("stopping with purges not sent", "cache", name, "keys", left)
			}
			return
		}
		if err == nil {
			q.settled(batch)
			q.count(name, "sent")
			q.log.Debug("purged", "cache", name, "keys", len(batch))
			if failures > 0 {
				q.log.Info("the cache takes purges again", "cache", name, "failed", failures)
			}
			failures, failingSince = 0, time.Time{}
			continue
		}
		failures++
		if failingSince.IsZero() {
			failingSince = time.Now()
		}
		temp, asked := temporary(err)
		if !urgent && (!temp || time.Since(failingSince) > q.opts.GiveUpAfter) {
			q.settled(batch)
			q.count(name, "failed")
			q.log.Error("purge given up: these keys may show old answers until they expire", "cache", name, "keys", batch, "err", err)
			continue
		}
		// Put back in front: tried again first, with what came meanwhile.
		q.putBack(l, batch, urgent)
		q.count(name, "retried")
		wait := max(asked, ingest.Backoff(q.opts.RetryBase, q.opts.RetryCeiling, failures, rand.Float64()))
		q.log.Warn("purge failed; trying again", "cache", name, "keys", len(batch), "takedown", urgent, "in", wait.Round(time.Millisecond), "err", err)
		select {
		case <-ctx.Done():
			q.log.Warn("stopping with purges not sent", "cache", name, "keys", l.left())
			return
		case <-time.After(wait):
		}
	}
}

// take removes up to n keys from the front of the line, and tells whether
// one of them is urgent. A key added again while its batch is out is
// queued again: the purge under way may have reached the cache before the
// change it is for.
func (l *line) take(n int) (batch []string, urgent bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n = min(n, len(l.keys))
	batch = slices.Clone(l.keys[:n])
	l.keys = slices.Delete(l.keys, 0, n)
	for _, k := range batch {
		delete(l.queued, k)
		urgent = urgent || l.urgent[k]
		delete(l.urgent, k)
	}
	return batch, urgent
}

// putBack puts a batch not confirmed back in front of l; a key queued
// again meanwhile is sent once, for both. The keys of an urgent batch all
// stay urgent: they are retried together anyway.
func (q *Queue) putBack(l *line, batch []string, urgent bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var again []string
	for _, k := range batch {
		if urgent {
			l.urgent[k] = true
		}
		if !l.queued[k] {
			l.queued[k] = true
			again = append(again, k)
			continue
		}
		q.mu.Lock()
		q.outstanding[k]--
		q.mu.Unlock()
	}
	l.keys = append(again, l.keys...)
}

func (l *line) left() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.keys)
}

// settled notes that a line is done with keys, and tells Options.Done of
// those every line is done with.
func (q *Queue) settled(keys []string) {
	var done []string
	q.mu.Lock()
	for _, k := range keys {
		if q.outstanding[k]--; q.outstanding[k] <= 0 {
			delete(q.outstanding, k)
			done = append(done, k)
		}
	}
	q.mu.Unlock()
	if len(done) > 0 && q.opts.Done != nil {
		q.opts.Done(done)
	}
}

func (q *Queue) count(cache, outcome string) {
	if q.opts.Counted != nil {
		q.opts.Counted(cache, outcome)
	}
}
