package limit

import (
	"net/netip"
	"sync"
	"testing"
	"time"
	"unsafe"
)

// clock is a clock a test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestEachAddressHasItsBurstThenItsRate(t *testing.T) {
	c := &clock{t: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	l := New(Options{Rate: 2, Burst: 5, Now: c.now})
	one, other := netip.MustParseAddr("203.0.113.7"), netip.MustParseAddr("2001:db8::1")
	for i := range 5 {
		if !l.Allow(one) {
			t.Fatalf("event %d of a burst of 5 refused", i+1)
		}
	}
	if l.Allow(one) {
		t.Fatal("a sixth event at once was allowed")
	}
	// Another client is not held back by the first.
	if !l.Allow(other) {
		t.Fatal("another address was refused")
	}
	c.advance(500 * time.Millisecond) // one token back
	if !l.Allow(one) || l.Allow(one) {
		t.Fatal("half a second at 2 a second gives one event")
	}
	c.advance(time.Hour) // full again, no more than the burst
	allowed := 0
	for range 10 {
		if l.Allow(one) {
			allowed++
		}
	}
	if allowed != 5 {
		t.Errorf("after an hour: %d events allowed at once, want the burst of 5", allowed)
	}
	// An IPv4 address mapped into IPv6 is the same client.
	if l.Allow(netip.MustParseAddr("::ffff:203.0.113.7")) {
		t.Error("the same address, mapped to IPv6, got a bucket of its own")
	}
}

// Memory is the table's, however many clients come: no address is kept.
func TestMemoryIsBoundedWhateverTheClients(t *testing.T) {
	l := New(Options{Rate: 1, Burst: 1, Slots: 1024})
	slots := func() int {
		n := 0
		for i := range l.shards {
			n += len(l.shards[i].buckets)
		}
		return n
	}
	before := slots()
	for i := range 100_000 {
		l.Allow(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}))
	}
	if after := slots(); after != before || before > 1024+shards {
		t.Errorf("the table had %d buckets, then %d after 100,000 clients", before, after)
	}
	if size := int(unsafe.Sizeof(bucket{})); size > 16 {
		t.Errorf("a bucket takes %d bytes", size)
	}
}

func BenchmarkAllow(b *testing.B) {
	l := New(Options{Rate: 1e9, Burst: 1e9})
	addr := netip.MustParseAddr("203.0.113.7")
	for b.Loop() {
		l.Allow(addr)
	}
}

// An IPv6 client is its /64: the 2^64 addresses a subscriber may pick
// from share one bucket; the next /64 is another client.
func TestIPv6CountsByItsSlash64(t *testing.T) {
	l := New(Options{Rate: 1, Burst: 3, Now: (&clock{}).now})
	taken := 0
	for i := range 200 {
		addr := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 7, byte(i >> 8), byte(i), 10: 0xfe, 15: byte(i)})
		if l.Allow(addr) {
			taken++
		}
	}
	if taken != 3 {
		t.Errorf("200 addresses of one /64 had %d events taken at once, want the burst of 3", taken)
	}
	if !l.Allow(netip.MustParseAddr("2001:db8:0:8::1")) {
		t.Error("an address of the next /64 was refused")
	}
	if !l.Allow(netip.MustParseAddr("fe80::1%eth0")) || !l.Allow(netip.MustParseAddr("fe80::2%eth1")) || !l.Allow(netip.MustParseAddr("fe80::3")) ||
		l.Allow(netip.MustParseAddr("fe80::4%eth2")) {
		t.Error("link-local addresses of one /64 in several zones are not one client")
	}
}

func TestCeilingHoldsAllClientsTogether(t *testing.T) {
	c := &clock{t: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	ceiling := NewCeiling(Options{Rate: 10, Burst: 20, Now: c.now})
	taken := 0
	for range 100 {
		if ceiling.Allow() {
			taken++
		}
	}
	if taken != 20 {
		t.Errorf("%d events taken at once, want the burst of 20", taken)
	}
	c.advance(time.Second)
	taken = 0
	for range 100 {
		if ceiling.Allow() {
			taken++
		}
	}
	if taken != 10 {
		t.Errorf("%d events taken a second later, want the rate of 10", taken)
	}
}
