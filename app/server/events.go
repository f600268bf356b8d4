package server

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
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
	// Limiter holds each client (an IPv4 address, an IPv6 /64) to a rate
	// of events.
	Limiter *limit.Limiter
	// Ceiling holds all clients together to a rate of events; nil, none.
	Ceiling *limit.Ceiling
	// Verdicts holds each client to a number of the events that weigh in
	// the ranker's verdict (outcomes, and clicks that credit a ranker)
	// per hour, so that one client can't turn it; nil, no bound. Past it,
	// an outcome is refused and a click counts without its credit.
	Verdicts *limit.Limiter
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

// eventAnswer is the answer to a beacon: no content, or a problem.
type eventAnswer struct {
	problem    *Problem
	allow      string // Allow, for a 405
	retryAfter string
}

// taken is the answer to a beacon taken, or dropped (a bot's): no content.
var taken = eventAnswer{}

func eventProblem(status int, detail, param string) eventAnswer {
	return eventAnswer{problem: &Problem{Status: status, Detail: detail, Param: param}}
}

// takeEvents takes a widget's beacon (POST /api/v1/events): one event,
// counted in memory, never stored as such. A bot's is answered as any
// other and not counted. Every answer is no-store, and without
// Access-Control-Allow-Origin: no beacon reads its answer.
func (s *server) takeEvents() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := s.takeEvent(w, r)
		h := w.Header()
		h.Del("Access-Control-Allow-Origin")
		h.Set("Cache-Control", "no-store")
		if a.allow != "" {
			h.Set("Allow", a.allow)
		}
		if a.retryAfter != "" {
			h.Set("Retry-After", a.retryAfter)
		}
		if a.problem == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeProblem(w, *a.problem)
	})
}

// takeEvent takes a beacon, or says why not.
func (s *server) takeEvent(w http.ResponseWriter, r *http.Request) eventAnswer {
	body, refusal, refused := readBeacon(w, r)
	if refused {
		return refusal
	}
	if events.IsBot(r.Header.Get("User-Agent")) {
		return taken
	}
	if why := s.fromOurFrame(r); why != "" {
		return eventProblem(http.StatusForbidden, why, "")
	}
	client := s.clientAddress(peerOf(r.RemoteAddr), lastForwarded(netRequest{r}, "X-Forwarded-For"))
	if refusal, refused := s.admitEvent(client); refused {
		return refusal
	}
	e, err := events.Decode(body)
	if err != nil {
		param := ""
		var fe *events.Error
		if errors.As(err, &fe) {
			param = fe.Field
		}
		return eventProblem(http.StatusBadRequest, "the event is not one: "+err.Error(), param)
	}
	if refusal, refused := s.checkEvent(r, e); refused {
		return refusal
	}
	if weighs := e.Kind == events.Outcome || e.Ranker != ""; weighs && s.Insights.Verdicts != nil && !s.Insights.Verdicts.Allow(client) {
		if e.Kind == events.Outcome {
			a := eventProblem(http.StatusTooManyRequests, "this address has weighed in the ranker's verdict enough for this hour", "")
			a.retryAfter = "3600"
			return a
		}
		e.Variant, e.Ranker = 0, "" // the click counts, not its credit
	}
	key, ok := keyOf(e, s.Insights.now())
	if ok && !s.Insights.Tally.Add(key, 1) {
		a := eventProblem(http.StatusServiceUnavailable, "counts wait for the store; try again in a few seconds", "")
		a.retryAfter = "5"
		return a
	}
	return taken
}

// readBeacon reads a beacon's body, or refuses it for its method, its
// type or its size.
func readBeacon(w http.ResponseWriter, r *http.Request) (body []byte, refusal eventAnswer, refused bool) {
	if r.Method != http.MethodPost {
		a := eventProblem(http.StatusMethodNotAllowed, "events are sent with POST", "")
		a.allow = "POST"
		return nil, a, true
	}
	// A beacon of a string is text/plain, which no preflight holds up
	// (WordPress's frames send from origin null).
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "text/plain" && mt != "application/json" {
			return nil, eventProblem(http.StatusUnsupportedMediaType, "an event is JSON, sent as text/plain or application/json", ""), true
		}
	}
	if r.ContentLength > events.MaxBody {
		return nil, eventProblem(http.StatusRequestEntityTooLarge, events.ErrTooLarge.Error(), ""), true
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, events.MaxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, eventProblem(http.StatusRequestEntityTooLarge, events.ErrTooLarge.Error(), ""), true
	case err != nil:
		return nil, eventProblem(http.StatusBadRequest, "the body could not be read: "+err.Error(), ""), true
	}
	return body, taken, false
}

// admitEvent refuses an event from a client that sent too many, or when
// the server takes no more.
func (s *server) admitEvent(client netip.Addr) (refusal eventAnswer, refused bool) {
	if !s.Insights.Limiter.Allow(client) {
		a := eventProblem(http.StatusTooManyRequests, "too many events from this address; wait a second", "")
		a.retryAfter = "1"
		return a, true
	}
	if s.Insights.Ceiling != nil && !s.Insights.Ceiling.Allow() {
		a := eventProblem(http.StatusServiceUnavailable, "the server takes no more events for now; try again in a second", "")
		a.retryAfter = "1"
		return a, true
	}
	return taken, false
}

// checkEvent refuses an event that this server's pages cannot have sent:
// one of an interleaved carousel where none is, or about an article
// unknown.
func (s *server) checkEvent(r *http.Request, e events.Event) (refusal eventAnswer, refused bool) {
	// No carousel of this server merges two rankers: an outcome or a
	// credit would be forged, or a page's from before a restart.
	if e.Variant > 0 && s.Insights.Interleave == 0 {
		return eventProblem(http.StatusUnprocessableEntity, "this server interleaves no carousel (-interleave 0)", "variant"), true
	}
	for _, f := range [2]struct{ name, slug string }{{"article", e.Article}, {"from", e.From}} {
		if f.slug == "" {
			continue
		}
		known, err := s.known.Has(r.Context(), f.slug)
		if err != nil {
			s.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", "/api/v1/events", "err", err)
			return eventProblem(http.StatusInternalServerError, "the server could not answer; it has been logged", ""), true
		}
		if !known {
			return eventProblem(http.StatusUnprocessableEntity, "no article with this slug", f.name), true
		}
	}
	return taken, false
}

// fromOurFrame tells why a beacon is not what the widget's frame sends,
// or "" if it is. Browsers send Origin with every POST: the frame's, this
// server's own, or "null" from a sandbox (WordPress's frames), with
// Sec-Fetch-Site (where browsers send it) same-origin or cross-site
// accordingly. A page elsewhere that sends beacons in its readers' names
// is refused; a script of any kind can still say anything, which is why
// the dashboard says that its counts are not authenticated.
//
// Hosts are compared, not schemes: behind a proxy that says no
// X-Forwarded-Proto, the server would take its own https for http.
func (s *server) fromOurFrame(r *http.Request) string {
	origin, site := r.Header.Get("Origin"), r.Header.Get("Sec-Fetch-Site")
	switch {
	case origin == "":
		return "a beacon comes from the widget's frame, with an Origin"
	case origin == "null":
		// A sandbox's opaque origin is cross-site to every other; a
		// frame of ours whose referrer policy were no-referrer would
		// send null too, same-origin.
		if site != "" && site != "cross-site" && site != "same-origin" {
			return "a beacon of a sandboxed frame is cross-site, not " + site
		}
		return ""
	}
	from, err := url.Parse(origin)
	ours, _ := url.Parse(s.originOf(netRequest{r}))
	if err != nil || from.Host == "" || ours == nil || hostOf(from) != hostOf(ours) {
		return "a beacon comes from the widget's frame, not from " + origin
	}
	if site != "" && site != "same-origin" {
		return "a beacon of the widget's frame is same-origin, not " + site
	}
	return ""
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

// hostOf is u's host, lower-cased, with its port unless it is its
// scheme's default: browsers leave a default port out of Origin.
func hostOf(u *url.URL) string {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" || (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		return host
	}
	return host + ":" + port
}

// clientAddress is the address a request came from, for its token bucket
// only: remote is the connection's, forwarded the X-Forwarded-For header.
// From a trusted proxy (-trusted-proxies), it is the last address that
// header names: the one the proxy saw. From anyone else the header is
// ignored, so that no client chooses its bucket.
func (s *server) clientAddress(remote netip.Addr, forwarded string) netip.Addr {
	addr := remote.Unmap()
	if forwarded == "" || !s.trusts(addr) {
		return addr
	}
	if proxied, err := netip.ParseAddr(lastValue(forwarded)); err == nil {
		return proxied.Unmap()
	}
	return addr
}

// articleStored reports whether slug names an article in the store.
func (s *server) articleStored(ctx context.Context, slug string) (bool, error) {
	if !store.ValidSlug(slug) {
		return false, nil
	}
	_, err := s.Store.Article(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
