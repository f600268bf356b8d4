package replica

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/every"
	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/front"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/ingest/feed"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/server"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// Bounds of the soak.
const (
	soakConnections = 64
	soakCacheBytes  = 4 << 20 // the kept answers' cap: small, so that it fills and evicts
	soakMax         = 60 * time.Second
)

// soakFor is how long TestSoakWithFaultySources loads the server:
// KIOSQUE_SOAK (a duration, at most a minute: `make soak` gives 60s), else
// a few seconds, so that `make test` runs its checks too.
func soakFor(t *testing.T) time.Duration {
	t.Helper()
	env := os.Getenv("KIOSQUE_SOAK")
	if env == "" {
		return 5 * time.Second
	}
	d, err := time.ParseDuration(env)
	if err != nil || d <= 0 || d > soakMax {
		t.Fatalf("KIOSQUE_SOAK=%q: want a duration up to %s", env, soakMax)
	}
	return d
}

// TestSoakWithFaultySources loads a server, in this process, with 64
// connections on the API and the widget, while one source imports new
// articles every poll, a second never answers (its fetches time out) and
// a third answers garbage. No answer may be a 5xx; the server runs as many
// goroutines once the load is over as before it, and as many again once
// it is stopped as before it started; and what the heap keeps grows by no
// more than the kept answers' cap.
func TestSoakWithFaultySources(t *testing.T) {
	if testing.Short() {
		t.Skip("a soak")
	}
	duration := soakFor(t)
	atStart := quietGoroutines()

	// The sources.
	growing := newGrowingFeed()
	imports := httptest.NewServer(growing)
	var hung atomic.Int64
	hangs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hung.Add(1)
		<-r.Context().Done() // until the fetch gives up
	}))
	var garbled atomic.Int64
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		garbled.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		junk := make([]byte, 64<<10)
		for i := range junk {
			junk[i] = byte(rand.IntN(256))
		}
		w.Write(append([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><item><title>`), junk...))
	}))
	client := fetch.New(fetch.Options{Timeout: 2 * time.Second})
	clean := ingest.NewCleaner(news.French)
	var sources []ingest.Source
	for _, u := range []string{imports.URL + "/feed", hangs.URL + "/feed", garbage.URL + "/feed"} {
		src, err := feed.New(u, client, clean)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, src)
	}

	// The server: a replica leading over SQLite, served by the front.
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sample.Fill(ctx, st); err != nil {
		t.Fatal(err)
	}
	articles, err := st.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	categories, err := st.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(Config{
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		Store:      st,
		Site:       server.Config{Web: os.DirFS("../../web"), Site: "Kiosque", FrameAncestors: "*"},
		DataDir:    dir,
		CacheBytes: soakCacheBytes,
		Sources:    sources,
		PollEvery:  time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	background, stopBackground := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		r.Run(background)
	}()
	select {
	case <-r.ListsReady():
	case <-time.After(30 * time.Second):
		t.Fatal("the replica never led")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serving, stopServing := context.WithCancel(ctx)
	served := make(chan error, 1)
	opts := front.DefaultOptions(slog.New(slog.NewTextHandler(io.Discard, nil)))
	opts.Grace = time.Second
	go func() { served <- front.Serve(serving, ln, r.Site(), opts) }()
	base := "http://" + ln.Addr().String()

	// The first import, before anything is measured.
	for growing.Requests() == 0 || countArticles(t, st) == len(articles) {
		time.Sleep(50 * time.Millisecond)
	}
	importsBefore := growing.Requests()
	running := quietGoroutines()
	heapBefore := quietHeap()
	t.Logf("before the load: %d goroutines (%d before the server started)", running, atStart)

	// The load.
	transport := &http.Transport{MaxIdleConnsPerHost: soakConnections, MaxConnsPerHost: soakConnections}
	loader := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	var (
		answered       [6]atomic.Int64 // by status class: 1xx … 5xx
		failed         atomic.Int64
		firstFailureMu sync.Mutex
		firstFailures  []string
		peakHeap       atomic.Uint64
	)
	note := func(s string) {
		firstFailureMu.Lock()
		defer firstFailureMu.Unlock()
		if len(firstFailures) < 10 {
			firstFailures = append(firstFailures, s)
		}
	}
	grow, stopGrowing := context.WithCancel(ctx)
	go growing.grow(grow, 3*time.Second)
	deadline := time.Now().Add(duration)
	var workers sync.WaitGroup
	for range soakConnections {
		workers.Go(func() {
			for time.Now().Before(deadline) {
				path := soakPath(articles, categories)
				res, err := loader.Get(base + path)
				if err != nil {
					failed.Add(1)
					note(path + ": " + err.Error())
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				answered[min(res.StatusCode/100, 5)].Add(1)
				if res.StatusCode >= 500 {
					note(fmt.Sprintf("%s: %d", path, res.StatusCode))
				}
			}
		})
	}
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		for time.Now().Before(deadline) {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peakHeap.Load() {
				peakHeap.Store(m.HeapAlloc)
			}
			time.Sleep(time.Second)
		}
	}()
	workers.Wait()
	<-watching
	stopGrowing()
	transport.CloseIdleConnections()

	total := int64(0)
	for i := range answered {
		total += answered[i].Load()
	}
	t.Logf("%s, %d connections: %d answers (%.0f a second), %d 2xx, %d 3xx, %d 4xx, %d 5xx, %d failed requests",
		duration, soakConnections, total, float64(total)/duration.Seconds(),
		answered[2].Load(), answered[3].Load(), answered[4].Load(), answered[5].Load(), failed.Load())
	if answered[5].Load() > 0 || failed.Load() > 0 {
		t.Errorf("%d 5xx answers and %d failed requests, want none: %q", answered[5].Load(), failed.Load(), firstFailures)
	}
	if answered[2].Load() == 0 {
		t.Error("no request was answered")
	}

	// The faults happened while the server was loaded.
	imported := growing.Requests() - importsBefore
	stats := r.Answers().Stats()
	t.Logf("meanwhile: %d polls of the importing source, %d articles in the store (%d before), %d fetches that timed out, %d of garbage; kept answers: %d, %d bytes, %d evictions, %d drops",
		imported, countArticles(t, st), len(articles), hung.Load(), garbled.Load(), stats.Answers, stats.Bytes, stats.Evictions, stats.Drops)
	if imported == 0 || hung.Load() == 0 || garbled.Load() == 0 {
		t.Errorf("the sources were not all polled during the load: %d imports, %d timeouts, %d garbage", imported, hung.Load(), garbled.Load())
	}
	for _, src := range sources[1:] {
		if state, err := st.SourceState(ctx, src.Key()); err != nil || state.Failures == 0 {
			t.Errorf("%s: state %+v (%v), want its failures counted", src.Key(), state, err)
		}
	}
	if stats.Bytes > soakCacheBytes {
		t.Errorf("the kept answers hold %d bytes, past their cap %d", stats.Bytes, soakCacheBytes)
	}

	// What the heap keeps: the kept answers at most, and what was imported.
	heapAfter := quietHeap()
	t.Logf("live heap: %.1f MB before the load, %.1f MB after, %.1f MB at the peak (garbage included); the kept answers' cap is %.0f MB",
		mb(heapBefore), mb(heapAfter), mb(peakHeap.Load()), mb(soakCacheBytes))
	if heapAfter > heapBefore+soakCacheBytes {
		t.Errorf("the live heap grew by %.1f MB under load, past the kept answers' cap of %.0f MB", mb(heapAfter-heapBefore), mb(soakCacheBytes))
	}

	// Goroutines: as many once the load is over as before it.
	if n, ok := settleGoroutines(running); !ok {
		t.Errorf("%d goroutines after the load, %d before it:\n%s", n, running, goroutineDump())
	}

	// And as many once everything is stopped as before it all started.
	stopServing()
	if err := <-served; err != nil {
		t.Errorf("front: %v", err)
	}
	stopBackground()
	<-ran
	imports.Close()
	hangs.Close()
	garbage.Close()
	if err := st.Close(); err != nil {
		t.Error(err)
	}
	if n, ok := settleGoroutines(atStart); !ok {
		t.Errorf("%d goroutines once everything stopped, %d before it started:\n%s", n, atStart, goroutineDump())
	}
}

// soakPath is a request of the API or of the widget, among many distinct
// ones (so that the kept answers fill up and evict).
func soakPath(articles []news.Article, categories []news.Category) string {
	a := articles[rand.IntN(len(articles))]
	c := categories[rand.IntN(len(categories))]
	lang := []string{"", "fr", "ar", "en"}[rand.IntN(4)]
	theme := []string{"", "light", "dark", "auto"}[rand.IntN(4)]
	limit := fmt.Sprint(1 + rand.IntN(12))
	q := func(pairs ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(pairs); i += 2 {
			if pairs[i+1] != "" {
				v.Set(pairs[i], pairs[i+1])
			}
		}
		return v.Encode()
	}
	switch rand.IntN(8) {
	case 0:
		return "/api/v1/articles?" + q("limit", limit, "lang", lang, "category", c.Slug)
	case 1:
		return "/api/v1/articles/" + a.Slug
	case 2:
		return "/api/v1/articles/" + a.Slug + "/related?" + q("limit", limit)
	case 3:
		return "/api/v1/categories"
	case 4:
		return "/api/v1/view?" + q("path", "/embed?"+q("article", a.Slug, "lang", lang))
	case 5:
		return "/embed?" + q("category", c.Slug, "layout", "carousel", "limit", limit, "theme", theme)
	case 6:
		return "/embed?" + q("article", "pas-un-article-"+limit) // a 404
	}
	return "/embed?" + q("article", a.Slug, "lang", lang, "limit", limit, "theme", theme)
}

// growingFeed is an RSS feed that gets a new article every so often: each
// poll of it is an import.
type growingFeed struct {
	mu       sync.Mutex
	items    int
	requests atomic.Int64
}

func newGrowingFeed() *growingFeed { return &growingFeed{items: 1} }

func (g *growingFeed) Requests() int64 { return g.requests.Load() }

func (g *growingFeed) grow(ctx context.Context, d time.Duration) {
	every.Tick(ctx, d, func() {
		g.mu.Lock()
		g.items++
		g.mu.Unlock()
	})
}

func (g *growingFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.requests.Add(1)
	g.mu.Lock()
	n := g.items
	g.mu.Unlock()
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Le Quotidien</title><link>https://quotidien.example</link><description>Les nouvelles</description><language>fr-FR</language>`)
	for i := max(1, n-20); i <= n; i++ { // the 20 newest, as feeds do
		fmt.Fprintf(&b, `<item><title>Une nouvelle de la charge, numéro %d</title><link>https://quotidien.example/charge-%d/</link>
<guid isPermaLink="false">https://quotidien.example/?p=%d</guid><pubDate>%s</pubDate><category>Société</category>
<description>Le conseil municipal a examiné le point %d de son ordre du jour, consacré aux transports et à l’eau.</description></item>`,
			i, i, i, time.Now().UTC().Add(-time.Duration(n-i)*time.Minute).Format(time.RFC1123Z), i)
	}
	b.WriteString(`</channel></rss>`)
	w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
	w.Write(b.Bytes())
}

func countArticles(t *testing.T, st *sqlite.Store) int {
	t.Helper()
	all, err := st.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

// goroutines counts the goroutines of the process.
func goroutines() int { return runtime.NumGoroutine() }

// quietGoroutines is the number of goroutines when the process is quiet:
// the least seen over a second, as work in flight (a poll, a connection
// closing) comes and goes.
func quietGoroutines() int {
	least := goroutines()
	for range 50 {
		time.Sleep(20 * time.Millisecond)
		least = min(least, goroutines())
	}
	return least
}

// settleGoroutines waits for the number of goroutines to come down to
// want, as connections close and work in flight ends; it reports the last
// count, and whether it did within 20 seconds.
func settleGoroutines(want int) (int, bool) {
	n := goroutines()
	for end := time.Now().Add(20 * time.Second); n > want && time.Now().Before(end); n = goroutines() {
		time.Sleep(50 * time.Millisecond)
	}
	return n, n <= want
}

func goroutineDump() string {
	var b strings.Builder
	pprof.Lookup("goroutine").WriteTo(&b, 1)
	return b.String()
}

// quietHeap is what the heap keeps when the server is quiet: its size
// after a collection (two, to empty the pools of buffers and compressors
// too), the least of a few over a second and a half, as work in flight
// (an import, an answer being built) comes and goes.
func quietHeap() uint64 {
	var least uint64
	for i := range 5 {
		if i > 0 {
			time.Sleep(300 * time.Millisecond)
		}
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if i == 0 || m.HeapAlloc < least {
			least = m.HeapAlloc
		}
	}
	return least
}

func mb(n uint64) float64 { return float64(n) / (1 << 20) }
