package server

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/kiosque/kiosque/app/insights/events"
	"github.com/kiosque/kiosque/app/insights/interleave"
	"github.com/kiosque/kiosque/app/insights/limit"
	"github.com/kiosque/kiosque/app/insights/tally"
	"github.com/kiosque/kiosque/app/store"
)

// Insights is what the server needs to count the widget's views and
// clicks (POST /api/v1/events), to interleave the ranker with its
// baseline, and to show the publisher's dashboard (/insights).
type Insights struct {
	// Tally counts the events taken until they are flushed to Store.
	Tally *tally.Tally
	// Store holds the counts flushed, which the dashboard reads.
	Store store.Insights
	// Limiter holds each client address to a rate of events.
	Limiter *limit.Limiter
	// Baseline holds the baseline's lists, which interleaved carousels
	// merge with the ranker's.
	Baseline store.BaselineLists
	// Interleave is the share of article widgets' views (0 to 1) whose
	// carousel merges the ranker's list with the baseline's: the loader
	// draws it for each page view.
	Interleave float64
	// AdminToken opens the dashboard. Empty: nobody may open it.
	AdminToken string
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

func (in *Insights) now() time.Time {
	if in.Now != nil {
		return in.Now()
	}
	return time.Now()
}

// The event kinds' keys: a beacon's kind and what a tally counts.
var rankerOf = map[string]string{events.RankerKiosque: store.RankerKiosque, events.RankerBaseline: store.RankerBaseline}

// takeEvent takes a widget's beacon: one event (web/kiosque.js), counted
// in memory, never stored as such. A bot's is answered as any other and
// not counted.
func (s *server) takeEvent() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			problem(w, http.StatusMethodNotAllowed, "events are sent with POST")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		// A beacon of a string is text/plain, which no preflight holds up
		// (WordPress's frames send from origin null).
		if ct := r.Header.Get("Content-Type"); ct != "" {
			if mt, _, _ := mime.ParseMediaType(ct); mt != "text/plain" && mt != "application/json" {
				problem(w, http.StatusUnsupportedMediaType, "an event is JSON, sent as text/plain or application/json")
				return
			}
		}
		if r.ContentLength > events.MaxBody {
			problem(w, http.StatusRequestEntityTooLarge, events.ErrTooLarge.Error())
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, events.MaxBody+1))
		if err != nil {
			problem(w, http.StatusBadRequest, "the body could not be read")
			return
		}
		if len(body) > events.MaxBody {
			problem(w, http.StatusRequestEntityTooLarge, events.ErrTooLarge.Error())
			return
		}
		if events.IsBot(r.Header.Get("User-Agent")) {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if !s.Insights.Limiter.Allow(clientAddress(r)) {
			w.Header().Set("Retry-After", "1")
			problem(w, http.StatusTooManyRequests, "too many events from this address; wait a second")
			return
		}
		e, err := events.Decode(body)
		if err != nil {
			p := Problem{Status: http.StatusBadRequest, Detail: "the event is not one: " + err.Error()}
			var fe *events.Error
			if errors.As(err, &fe) {
				p.Param = fe.Field
			}
			writeProblem(w, p)
			return
		}
		for _, f := range []struct{ name, slug string }{{"article", e.Article}, {"from", e.From}} {
			if f.slug == "" {
				continue
			}
			known, err := s.known.has(r.Context(), s.Store, f.slug)
			if err != nil {
				s.internalError(w, r, err)
				return
			}
			if !known {
				writeProblem(w, Problem{Status: http.StatusUnprocessableEntity, Detail: "no article with this slug", Param: f.name})
				return
			}
		}
		key, ok := keyOf(e, s.Insights.now())
		if ok && !s.Insights.Tally.Add(key, 1) {
			w.Header().Set("Retry-After", "5")
			problem(w, http.StatusServiceUnavailable, "counts wait for the store; try again in a few seconds")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// keyOf is what an event counts under; an outcome of a view nobody
// clicked (which Decode refuses) counts nothing.
func keyOf(e events.Event, now time.Time) (store.InsightKey, bool) {
	k := store.InsightKey{Hour: store.HourOf(now), Partner: e.Partner, Placement: e.Placement, Article: e.Article}
	switch e.Kind {
	case events.View:
		k.Kind = store.InsightView
		if e.Variant > 0 {
			k.Ranker = store.RankerInterleaved
		}
	case events.Click:
		k.Kind, k.Position, k.Ranker = store.InsightClick, e.Position, rankerOf[e.Ranker]
	case events.Outcome:
		switch interleave.Judge(e.Kiosque, e.Baseline) {
		case interleave.AWins:
			k.Kind, k.Ranker = store.InsightWin, store.RankerKiosque
		case interleave.BWins:
			k.Kind, k.Ranker = store.InsightWin, store.RankerBaseline
		case interleave.Tie:
			k.Kind = store.InsightTie
		default:
			return k, false
		}
	}
	return k, true
}

// clientAddress is the address a request came from, for its token bucket
// only. Behind a proxy on this machine or the private network (nginx, a
// load balancer), it is the last address X-Forwarded-For names: the one
// that proxy saw. A client that reaches the server directly from the
// public internet cannot choose its address by that header.
func clientAddress(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	addr := ap.Addr().Unmap()
	if !addr.IsLoopback() && !addr.IsPrivate() {
		return addr
	}
	forwarded := r.Header.Values("X-Forwarded-For")
	if len(forwarded) == 0 {
		return addr
	}
	last := forwarded[len(forwarded)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	if proxied, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
		return proxied.Unmap()
	}
	return addr
}

// knownArticles remembers the slugs of articles found in the store: a
// beacon names an article the widget showed, so a few hundred of them
// come again and again. A slug not found is asked again next time (the
// token buckets bound how often); an article deleted since stays known,
// and its counts are kept like those of any article gone.
type knownArticles struct {
	slugs sync.Map // slug → struct{}
}

func (k *knownArticles) has(ctx context.Context, st store.Reader, slug string) (bool, error) {
	if _, ok := k.slugs.Load(slug); ok {
		return true, nil
	}
	if !store.ValidSlug(slug) {
		return false, nil
	}
	_, err := st.Article(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	k.slugs.Store(slug, struct{}{})
	return true, nil
}
