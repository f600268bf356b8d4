package answers

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/singleflight"
)

// DefaultMaxBytes is the memory a Cache keeps answers in unless told
// otherwise.
const DefaultMaxBytes = 64 << 20

// Build makes the answer for a key. It runs once for any number of
// concurrent requests of that key, with a context that outlives the request
// that started it. Answers other than 200 are sent but not kept.
type Build func(ctx context.Context) Answer

// Cache keeps ready answers by key, within a memory budget. All of them are
// dropped at once by Drop, when what they were built from has changed: an
// answer being built while Drop runs is sent to the requests that waited
// for it, but never kept.
//
// Hits take a read lock and set one flag. When the budget is full, the
// SIEVE algorithm picks what to evict: answers asked for since the hand
// last passed them stay, the others go, oldest first.
type Cache struct {
	maxBytes    int64
	flights     singleflight.Group
	compressors compressors

	hits, misses, evictions atomic.Int64

	mu         sync.RWMutex
	generation uint64 // counts Drops: an answer built in an older one is stale
	byKey      map[string]*entry
	size       int64
	// The SIEVE queue: newest at head; the hand walks from tail to head.
	head, tail, hand *entry
}

type entry struct {
	key        string
	ready      *Ready
	visited    atomic.Bool
	prev, next *entry // prev is toward the head (newer)
}

// NewCache returns a Cache that keeps at most maxBytes of answers
// (DefaultMaxBytes when maxBytes <= 0).
func NewCache(maxBytes int64) *Cache {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Cache{maxBytes: maxBytes, byKey: map[string]*entry{}}
}

// Kept returns the answer kept under key, or nil if none is: a caller
// whose builder costs something to make (a closure over the request)
// makes it only when nothing is kept.
func (c *Cache) Kept(key string) *Ready {
	ready, _ := c.lookup(key)
	if ready != nil {
		c.hits.Add(1)
	}
	return ready
}

// Get returns the answer kept under key, building it first when none is
// kept, and reports whether it was kept already.
func (c *Cache) Get(ctx context.Context, key string, build Build) (ready *Ready, kept bool) {
	ready, generation := c.lookup(key)
	if ready != nil {
		c.hits.Add(1)
		return ready, true
	}
	c.misses.Add(1)
	return c.fill(ctx, key, generation, build), false
}

// Once returns an answer built for one request alone and never kept: one
// whose key the client chooses freely (a page past a cursor) would push
// the others out.
func (c *Cache) Once(ctx context.Context, build Build) *Ready {
	c.misses.Add(1)
	return prepare(build(ctx), &c.compressors)
}

func (c *Cache) lookup(key string) (*Ready, uint64) {
	c.mu.RLock()
	e, generation := c.byKey[key], c.generation
	c.mu.RUnlock()
	if e == nil {
		return nil, generation
	}
	if !e.visited.Load() {
		e.visited.Store(true)
	}
	return e.ready, generation
}

// fill builds the answer of key once for every request waiting for it, and
// keeps it if the cache was not dropped meanwhile.
func (c *Cache) fill(ctx context.Context, key string, generation uint64, build Build) *Ready {
	// Requests that arrive after a Drop must not share a build begun before.
	flight := strconv.FormatUint(generation, 10) + " " + key
	v, _, _ := c.flights.Do(flight, func() (any, error) {
		ready := prepare(build(context.WithoutCancel(ctx)), &c.compressors)
		if ready.status == http.StatusOK {
			c.admit(key, generation, ready)
		}
		return ready, nil
	})
	return v.(*Ready)
}

// admit makes ready the answer kept for key, evicting others to make room.
func (c *Cache) admit(key string, generation uint64, ready *Ready) {
	if ready.size > c.maxBytes/4 {
		return // one answer must not flush the others
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if generation != c.generation {
		return // built from what has changed since
	}
	if old := c.byKey[key]; old != nil {
		c.unlink(old)
	}
	for c.size+ready.size > c.maxBytes && c.tail != nil {
		c.evict()
	}
	e := &entry{key: key, ready: ready, next: c.head}
	if c.head != nil {
		c.head.prev = e
	}
	c.head = e
	if c.tail == nil {
		c.tail = e
	}
	c.byKey[key] = e
	c.size += ready.size
}

// evict removes one answer: the first not asked for since the hand last
// passed it, walking from the oldest.
func (c *Cache) evict() {
	e := c.hand
	if e == nil {
		e = c.tail
	}
	for e.visited.Load() {
		e.visited.Store(false)
		e = e.prev
		if e == nil {
			e = c.tail
		}
	}
	c.hand = e.prev
	c.unlink(e)
	c.evictions.Add(1)
}

func (c *Cache) unlink(e *entry) {
	if c.hand == e {
		c.hand = e.prev
	}
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		c.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		c.tail = e.prev
	}
	e.prev, e.next = nil, nil
	delete(c.byKey, e.key)
	c.size -= e.ready.size
}

// Drop forgets every answer: the next request of each key builds it again.
func (c *Cache) Drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
	c.byKey = map[string]*entry{}
	c.head, c.tail, c.hand = nil, nil, nil
	c.size = 0
}

// Stats are a Cache's counters since it was made.
type Stats struct {
	Hits, Misses, Evictions int64
	Answers                 int   // answers kept now
	Bytes                   int64 // memory they hold
	Drops                   uint64
}

// Stats reads the cache's counters.
func (c *Cache) Stats() Stats {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return Stats{
		Hits:      c.hits.Load(),
		Misses:    c.misses.Load(),
		Evictions: c.evictions.Load(),
		Answers:   len(c.byKey),
		Bytes:     c.size,
		Drops:     c.generation,
	}
}
