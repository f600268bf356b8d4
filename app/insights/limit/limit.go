// Package limit keeps one client from inflating the counts: a token
// bucket per client address, in memory, and a ceiling over all clients.
// The buckets are a fixed table indexed by a keyed hash of the address,
// so that memory is bounded whatever the number of clients, and no
// address is kept: not in the table, not in a log. Two clients whose
// addresses hash alike share a bucket, which only makes the limit
// stricter for them. An IPv6 client is its /64: a subscriber gets a
// whole /64 (RFC 6177), and picks any address in it at will.
package limit

import (
	"hash/maphash"
	"net/netip"
	"sync"
	"time"
)

// Limiter allows each client address Rate events a second, in bursts of
// up to Burst.
type Limiter struct {
	seed  maphash.Seed // random per process: the hash tells nothing later
	rate  float64      // tokens a second
	burst float64
	now   func() time.Time
	start time.Time
	// shards split the table, each behind its own lock.
	shards []shard
}

type shard struct {
	mu      sync.Mutex
	buckets []bucket
}

// bucket holds a client's tokens as of a time, in nanoseconds since the
// limiter started; a bucket never used (at 0) is full.
type bucket struct {
	at     int64
	tokens float32
	used   bool
}

// Options size a Limiter.
type Options struct {
	Rate  float64 // tokens a second
	Burst int     // tokens at most
	// Slots is the number of buckets: 65,536 by default, 16 bytes each.
	Slots int
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

const shards = 64

// New returns a limiter with o's rate, burst and table size.
func New(o Options) *Limiter {
	if o.Slots <= 0 {
		o.Slots = 1 << 16
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	l := &Limiter{seed: maphash.MakeSeed(), rate: o.Rate, burst: float64(o.Burst), now: o.Now, start: o.Now(), shards: make([]shard, shards)}
	per := (o.Slots + shards - 1) / shards
	for i := range l.shards {
		l.shards[i].buckets = make([]bucket, per)
	}
	return l
}

// Allow takes a token from the bucket of addr's client, and reports
// whether there was one.
func (l *Limiter) Allow(addr netip.Addr) bool {
	h := maphash.Comparable(l.seed, clientOf(addr))
	s := &l.shards[h%shards]
	now := l.now().Sub(l.start).Nanoseconds()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buckets[(h/shards)%uint64(len(s.buckets))].take(now, l.rate, l.burst)
}

// clientOf is the client an address counts as: an IPv4 address (mapped
// into IPv6 or not) is its own, an IPv6 address its /64.
func clientOf(addr netip.Addr) netip.Addr {
	addr = addr.Unmap()
	if addr.Is6() {
		addr = netip.PrefixFrom(addr.WithZone(""), 64).Masked().Addr()
	}
	return addr
}

// take takes a token from b at now, which rate a second refill up to
// burst, and reports whether there was one.
func (b *bucket) take(now int64, rate, burst float64) bool {
	tokens := burst
	if b.used {
		tokens = min(burst, float64(b.tokens)+float64(now-b.at)/1e9*rate)
	}
	b.used, b.at = true, now
	if tokens < 1 {
		b.tokens = float32(tokens)
		return false
	}
	b.tokens = float32(tokens - 1)
	return true
}

// Ceiling holds all clients together to a rate of events: however many
// addresses a flood comes from, the server counts no more than this.
type Ceiling struct {
	rate, burst float64
	now         func() time.Time
	start       time.Time

	mu     sync.Mutex
	bucket bucket
}

// NewCeiling returns a ceiling of o's rate and burst (o.Slots is not
// used).
func NewCeiling(o Options) *Ceiling {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Ceiling{rate: o.Rate, burst: float64(o.Burst), now: o.Now, start: o.Now()}
}

// Allow takes a token, and reports whether there was one.
func (c *Ceiling) Allow() bool {
	now := c.now().Sub(c.start).Nanoseconds()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bucket.take(now, c.rate, c.burst)
}
