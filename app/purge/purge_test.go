package purge

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeAPI is a cache's API that checks each request's shape (check
// returns what is wrong with it, and the keys it names), and answers with
// the next of its answers (the last one once they run out).
type fakeAPI struct {
	t       *testing.T
	check   func(r *http.Request, body []byte) (keys []string, wrong string)
	mu      sync.Mutex
	answers []answer
	batches [][]string
	times   []time.Time
}

type answer struct {
	status int
	header map[string]string
	body   string
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	keys, wrong := f.check(r, body)
	if wrong != "" {
		f.t.Errorf("%s %s: %s", r.Method, r.URL, wrong)
		http.Error(w, wrong, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	a := f.answers[min(len(f.batches), len(f.answers)-1)]
	f.batches = append(f.batches, keys)
	f.times = append(f.times, time.Now())
	f.mu.Unlock()
	for k, v := range a.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(a.status)
	io.WriteString(w, a.body)
}

func (f *fakeAPI) sent() ([][]string, []time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.batches), slices.Clone(f.times)
}

func keys(n int) []string {
	k := make([]string, n)
	for i := range k {
		k[i] = fmt.Sprintf("a%010x", i)
	}
	return k
}

// checkFastly holds a request to Fastly's documented shape: POST
// /service/{id}/purge, Fastly-Key, a JSON body {"surrogate_keys": [...]}
// of at most 256 keys.
func checkFastly(r *http.Request, body []byte) ([]string, string) {
	var v struct {
		Keys []string `json:"surrogate_keys"`
	}
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/service/SU1Z0isxPaozGVKXdv0eY/purge":
		return nil, "not POST /service/SU1Z0isxPaozGVKXdv0eY/purge"
	case r.Header.Get("Fastly-Key") != "fastly-token":
		return nil, "no Fastly-Key"
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"):
		return nil, "not JSON"
	case json.Unmarshal(body, &v) != nil || len(v.Keys) == 0:
		return nil, "no surrogate_keys: " + string(body)
	case len(v.Keys) > 256:
		return nil, fmt.Sprintf("%d keys, past Fastly's 256", len(v.Keys))
	}
	return v.Keys, ""
}

// checkCloudflare holds a request to Cloudflare's documented shape: POST
// /client/v4/zones/{id}/purge_cache, a bearer token, a JSON body
// {"tags": [...]} of at most 100 tags.
func checkCloudflare(r *http.Request, body []byte) ([]string, string) {
	var v struct {
		Tags []string `json:"tags"`
	}
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache":
		return nil, "not POST /client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache"
	case r.Header.Get("Authorization") != "Bearer cf-token":
		return nil, "no bearer token"
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"):
		return nil, "not JSON"
	case json.Unmarshal(body, &v) != nil || len(v.Tags) == 0:
		return nil, "no tags: " + string(body)
	case len(v.Tags) > 100:
		return nil, fmt.Sprintf("%d tags, past Cloudflare's 100", len(v.Tags))
	}
	return v.Tags, ""
}

const (
	fastlyOK     = `{"a0000000000":"108-1391560174-974124"}`
	cloudflareOK = `{"success":true,"errors":[],"messages":[],"result":{"id":"023e105f4ecef8ad9ca31a8372d0c353"}}`
)

type api struct {
	name  string
	check func(*http.Request, []byte) ([]string, string)
	max   int
	ok    string
	// refused is the API's answer to a bad token.
	refused answer
	cache   func(base string) Cache
}

var apis = []api{
	{
		name: "fastly", check: checkFastly, max: 256, ok: fastlyOK,
		refused: answer{status: http.StatusUnauthorized, body: `{"msg":"Provided credentials are missing or invalid"}`},
		cache: func(base string) Cache {
			return newFastly("SU1Z0isxPaozGVKXdv0eY", "fastly-token", base, http.DefaultClient)
		},
	},
	{
		name: "cloudflare", check: checkCloudflare, max: 100, ok: cloudflareOK,
		refused: answer{status: http.StatusForbidden, body: `{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}`},
		cache: func(base string) Cache {
			return newCloudflare("023e105f4ecef8ad9ca31a8372d0c353", "cf-token", base, http.DefaultClient)
		},
	},
}

// counts gathers what a queue counted.
type counts struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counts) count(_, outcome string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[outcome]++
}

func (c *counts) of(outcome string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[outcome]
}

// runQueue runs a queue of one cache until the test ends.
func runQueue(t *testing.T, c Cache, opts Options) (*Queue, *counts) {
	t.Helper()
	n := &counts{}
	opts.Counted = n.count
	q := NewQueue(slog.New(slog.NewTextHandler(io.Discard, nil)), []Cache{c}, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { q.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return q, n
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s", what)
		}
	}
}

func fastOptions() Options {
	return Options{RetryBase: 10 * time.Millisecond, RetryCeiling: 50 * time.Millisecond, GiveUpAfter: time.Minute, Timeout: 5 * time.Second}
}

// Keys past an API's limit go in several requests of at most its limit,
// each key once, in the order given.
func TestKeysPastTheLimitGoInSeveralRequests(t *testing.T) {
	for _, a := range apis {
		t.Run(a.name, func(t *testing.T) {
			fake := &fakeAPI{t: t, check: a.check, answers: []answer{{status: 200, body: a.ok}}}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			q, n := runQueue(t, a.cache(srv.URL), fastOptions())
			want := keys(2*a.max + 7)
			q.Add(want[:a.max+3], false)
			q.Add(want[a.max+3:], false)
			q.Add(want[:10], false) // queued already, or sent: either way not lost
			waitFor(t, "every key sent", func() bool { return n.of("sent") >= 3 && q.pending()[a.cache("").Name()] == 0 })
			batches, _ := fake.sent()
			var got []string
			for _, b := range batches {
				if len(b) > a.max {
					t.Errorf("a batch of %d keys", len(b))
				}
				got = append(got, b...)
			}
			if !slices.Equal(got[:len(want)], want) {
				t.Errorf("sent %d keys, not the %d given in order: %v…", len(got), len(want), got[:min(5, len(got))])
			}
			if n.of("failed")+n.of("retried") != 0 {
				t.Errorf("counted %v", n.n)
			}
		})
	}
}

// An error answer that retrying cannot mend (a bad token) is given up at
// once, counted; the next purge is sent.
func TestARefusedPurgeIsGivenUpAndCounted(t *testing.T) {
	for _, a := range apis {
		t.Run(a.name, func(t *testing.T) {
			fake := &fakeAPI{t: t, check: a.check, answers: []answer{a.refused, {status: 200, body: a.ok}}}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			c := a.cache(srv.URL)
			err := c.Purge(context.Background(), []string{"latest"})
			var e *Error
			if !asError(err, &e) || e.Temporary || e.Status != a.refused.status || !strings.Contains(e.Error(), "thent") && !strings.Contains(e.Error(), "credentials") {
				t.Fatalf("a refused purge: %v", err)
			}
			q, n := runQueue(t, c, fastOptions())
			q.Add([]string{"a0123456789"}, false)
			waitFor(t, "the next purge sent", func() bool { return n.of("sent") == 1 })
			if n.of("retried") != 0 {
				t.Errorf("a refused purge was retried: %v", n.n)
			}
		})
	}
}

func asError(err error, e **Error) bool {
	v, ok := err.(*Error)
	*e = v
	return ok
}

// A 429 is retried no sooner than its Retry-After says, and then sent.
func TestRateLimitedPurgesWaitAsAsked(t *testing.T) {
	for _, a := range apis {
		t.Run(a.name, func(t *testing.T) {
			limited := answer{status: http.StatusTooManyRequests, header: map[string]string{"Retry-After": "1"}, body: `{"msg":"Too many requests"}`}
			fake := &fakeAPI{t: t, check: a.check, answers: []answer{limited, {status: 200, body: a.ok}}}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			q, n := runQueue(t, a.cache(srv.URL), fastOptions())
			q.Add([]string{"latest", "a0123456789"}, false)
			waitFor(t, "the purge sent", func() bool { return n.of("sent") == 1 })
			batches, times := fake.sent()
			if len(batches) != 2 || !slices.Equal(batches[0], batches[1]) {
				t.Fatalf("sent %v", batches)
			}
			if gap := times[1].Sub(times[0]); gap < time.Second {
				t.Errorf("retried after %s, before the second Retry-After asked", gap)
			}
			if n.of("retried") != 1 {
				t.Errorf("counted %v", n.n)
			}
		})
	}
}

// While a cache is down, purges are retried; past GiveUpAfter they are
// given up and counted, but a takedown's is kept until the cache confirms.
func TestATakedownsPurgeIsRetriedUntilConfirmed(t *testing.T) {
	var up sync.Mutex
	down := true
	fake := &fakeAPI{t: t, check: checkFastly, answers: []answer{{status: 200, body: fastlyOK}}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		up.Lock()
		d := down
		up.Unlock()
		if d {
			http.Error(w, `{"msg":"Service unavailable"}`, http.StatusServiceUnavailable)
			return
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	opts := fastOptions()
	opts.GiveUpAfter = 200 * time.Millisecond
	q, n := runQueue(t, newFastly("SU1Z0isxPaozGVKXdv0eY", "fastly-token", srv.URL, http.DefaultClient), opts)
	q.Add([]string{"latest", "a1111111111"}, false)
	waitFor(t, "the import's purge given up", func() bool { return n.of("failed") == 1 })
	q.Add([]string{"a2222222222"}, true)
	time.Sleep(2 * opts.GiveUpAfter) // past the time an import's purge is given up
	if n.of("failed") != 1 {
		t.Fatalf("the takedown's purge was given up: %v", n.n)
	}
	up.Lock()
	down = false
	up.Unlock()
	waitFor(t, "the takedown's purge sent", func() bool { return n.of("sent") == 1 })
	batches, _ := fake.sent()
	if len(batches) != 1 || !slices.Equal(batches[0], []string{"a2222222222"}) {
		t.Errorf("sent %v once the cache was back", batches)
	}
}

func TestRetryAfterReadsSecondsAndDates(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"30":                            30 * time.Second,
		"Mon, 07 Dec 2026 10:01:00 GMT": time.Minute,
		"Mon, 07 Dec 2026 09:01:00 GMT": 0,
		"soon":                          0,
	} {
		if got := retryAfter(v, now); got != want {
			t.Errorf("Retry-After %q: %s, want %s", v, got, want)
		}
	}
}

func TestParseNamesEachCache(t *testing.T) {
	tokens := Tokens{Fastly: "f", Cloudflare: "c"}
	for address, want := range map[string]string{
		"varnish+http://127.0.0.1:6081":                 "varnish http://127.0.0.1:6081",
		"varnish+https://cache.example":                 "varnish https://cache.example",
		"fastly://SU1Z0isxPaozGVKXdv0eY":                "fastly SU1Z0isxPaozGVKXdv0eY",
		"cloudflare://023e105f4ecef8ad9ca31a8372d0c353": "cloudflare 023e105f4ecef8ad9ca31a8372d0c353",
	} {
		c, err := Parse(address, tokens, http.DefaultClient)
		if err != nil || c.Name() != want {
			t.Errorf("%s: %v, %v", address, c, err)
		}
	}
	for _, bad := range []string{"", "http://127.0.0.1:6081", "varnish+http://127.0.0.1:6081/purge", "fastly://", "cloudflare://zone/x", "varnish://h:1"} {
		if _, err := Parse(bad, tokens, http.DefaultClient); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if _, err := Parse("fastly://SU1Z0isxPaozGVKXdv0eY", Tokens{}, http.DefaultClient); err == nil || !strings.Contains(err.Error(), "KIOSQUE_FASTLY_TOKEN") {
		t.Errorf("fastly without a token: %v", err)
	}
	if _, err := Parse("cloudflare://023e105f4ecef8ad9ca31a8372d0c353", Tokens{}, http.DefaultClient); err == nil || !strings.Contains(err.Error(), "KIOSQUE_CLOUDFLARE_TOKEN") {
		t.Errorf("cloudflare without a token: %v", err)
	}
}

// Keys are done once every cache confirmed them: a cache down holds them
// until it is back, and each key is done once.
func TestKeysAreDoneOnceEveryCacheConfirms(t *testing.T) {
	var mu sync.Mutex
	cloudflareDown := true
	fastly := httptest.NewServer(&fakeAPI{t: t, check: checkFastly, answers: []answer{{status: 200, body: fastlyOK}}})
	defer fastly.Close()
	cf := &fakeAPI{t: t, check: checkCloudflare, answers: []answer{{status: 200, body: cloudflareOK}}}
	cloudflare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		down := cloudflareDown
		mu.Unlock()
		if down {
			http.Error(w, "", http.StatusBadGateway)
			return
		}
		cf.ServeHTTP(w, r)
	}))
	defer cloudflare.Close()
	var done []string
	opts := fastOptions()
	opts.Done = func(keys []string) {
		mu.Lock()
		defer mu.Unlock()
		done = append(done, keys...)
	}
	n := &counts{}
	opts.Counted = n.count
	q := NewQueue(slog.New(slog.NewTextHandler(io.Discard, nil)), []Cache{
		newFastly("SU1Z0isxPaozGVKXdv0eY", "fastly-token", fastly.URL, http.DefaultClient),
		newCloudflare("023e105f4ecef8ad9ca31a8372d0c353", "cf-token", cloudflare.URL, http.DefaultClient),
	}, opts)
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan struct{})
	go func() { q.Run(ctx); close(finished) }()
	defer func() { cancel(); <-finished }()

	q.Add([]string{"a1", "latest"}, false)
	q.Add([]string{"latest", "a2"}, true)
	waitFor(t, "Fastly's purges and Cloudflare's failures", func() bool { return n.of("sent") >= 1 && n.of("retried") >= 2 })
	mu.Lock()
	if len(done) != 0 {
		t.Errorf("done %v while Cloudflare has not confirmed", done)
	}
	cloudflareDown = false
	mu.Unlock()
	waitFor(t, "every key done", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(done) >= 3
	})
	time.Sleep(100 * time.Millisecond) // for a key done twice to show
	mu.Lock()
	defer mu.Unlock()
	if slices.Sort(done); !slices.Equal(done, []string{"a1", "a2", "latest"}) {
		t.Errorf("done %v, want each key once", done)
	}
}
