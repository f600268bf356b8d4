package server

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/insights/events"
	"github.com/kiosque/kiosque/app/insights/limit"
	"github.com/kiosque/kiosque/app/insights/tally"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// What forged beacons can do, with the replica's limits, on a simulated
// clock (no time is measured): beacons taken from one address and from
// one /64 at once, and what a minute of beacons that each make a new key
// adds to the store, from one address and from twenty. It fails past
// the bounds the limits set, and prints the figures:
//
//	go test -count=1 -run TestWhatForgedBeaconsAdd -v ./app/server
func TestWhatForgedBeaconsAdd(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	var st *sqlite.Store
	var tl *tally.Tally
	h := newTestHandler(t, func(c *Config) {
		st = c.Store.(*sqlite.Store)
		tl = tally.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), 0)
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		c.Insights = &Insights{Tally: tl, Store: st, Baseline: st, Now: clock.now, Interleave: 0.1,
			Limiter:  limit.New(limit.Options{Rate: 2, Burst: 60, Now: clock.now}), // the replica's
			Ceiling:  limit.NewCeiling(limit.Options{Rate: 5000, Burst: 5000, Now: clock.now}),
			Verdicts: limit.New(limit.Options{Rate: 5.0 / 3600, Burst: 5, Now: clock.now})}
	})
	all, err := st.All(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// beacon sends one event from client, and reports whether it was taken.
	beacon := func(client, body string) bool {
		req := httptest.NewRequest(http.MethodPost, "http://widget.example/api/v1/events", bytes.NewReader([]byte(body)))
		req.RemoteAddr = "127.0.0.1:41000"
		req.Header.Set("User-Agent", browserAgent)
		req.Header.Set("Origin", "http://widget.example")
		req.Header.Set("X-Forwarded-For", client)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code == http.StatusNoContent
	}
	// forged is the n-th forged event: each a key of its own, its partner
	// and placement as long as they may be.
	forged := func(n int) string {
		partner := fmt.Sprintf("p%d.", n)
		partner += strings.Repeat("x", events.MaxHost-len(partner))
		placement := fmt.Sprintf("x%d-", n)
		placement += strings.Repeat("y", events.MaxPlacement-len(placement))
		return fmt.Sprintf(`{"kind":"click","partner":"%s","placement":"%s","article":"%s","from":"%s","position":%d}`,
			partner, placement, all[n%len(all)].Slug, all[(n+1)%len(all)].Slug, 1+n%12)
	}
	n := 0
	burst := func(client func(i int) string) int {
		taken := 0
		for i := range 1000 {
			n++
			if beacon(client(i), forged(n)) {
				taken++
			}
		}
		return taken
	}
	fromOne := burst(func(int) string { return "198.51.100.7" })
	fromSlash64 := burst(func(i int) string { return fmt.Sprintf("2001:db8:1:2:%x:%x::1", i, i*7) })
	t.Logf("1,000 beacons at once: %d taken from one address, %d from 1,000 addresses of one /64", fromOne, fromSlash64)
	if fromOne != 60 || fromSlash64 != 60 {
		t.Errorf("taken at once: %d from one address, %d from one /64; want the burst of 60", fromOne, fromSlash64)
	}

	// stored is the rows of the counts and the bytes of their keys and
	// counts (text, and 8 bytes a number), after a flush.
	stored := func() (rows, bytes int64) {
		if err := tl.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		totals, err := st.InsightTotals(t.Context(), store.InsightQuery{From: 0, To: 1 << 40,
			By: []store.InsightDimension{store.ByDay, store.ByPartner, store.ByPlacement, store.ByArticle, store.ByPosition}})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range totals {
			rows++
			bytes += int64(len(c.Partner)+len(c.Placement)+len(c.Article)+len(c.Kind)+len(c.Ranker)) + 4*8
		}
		return rows, bytes
	}
	// A minute of clients that each send a beacon every 10 ms, each a new
	// key.
	minute := func(clients int) (taken int, rows, grown int64) {
		clock.advance(time.Hour) // full buckets, a new hour
		rows0, bytes0 := stored()
		for range 6000 {
			for c := range clients {
				n++
				if beacon(fmt.Sprintf("203.0.%d.%d", c>>8, c&255), forged(n)) {
					taken++
				}
			}
			clock.advance(10 * time.Millisecond)
		}
		rows1, bytes1 := stored()
		return taken, rows1 - rows0, bytes1 - bytes0
	}
	for _, clients := range []int{1, 20} {
		taken, rows, grown := minute(clients)
		t.Logf("a minute of a beacon every 10 ms from each of %d addresses, each a new key: %d taken, %d rows, %d bytes of keys and counts added to the store",
			clients, taken, rows, grown)
		if max := clients * (60 + 2*60); taken > max || rows > int64(taken) {
			t.Errorf("%d addresses for a minute: %d taken, %d rows; want at most %d", clients, taken, rows, max)
		}
	}
}
