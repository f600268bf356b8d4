package answers

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

func jsonAnswer(body string) Answer {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age=60")
	h.Set("Vary", "Accept-Language")
	return Answer{Header: h, Body: []byte(body)}
}

// serve sends req to h and returns the recorded answer.
func serve(h http.Handler, method, acceptEncoding, ifNoneMatch string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/x", nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	if ifNoneMatch != "" {
		req.Header.Set("If-None-Match", ifNoneMatch)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decode(t *testing.T, coding string, body []byte) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(body)
	switch coding {
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(r)
	case "":
	default:
		t.Fatalf("unexpected coding %q", coding)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s: %v", coding, err)
	}
	return out
}

func TestEachEncodingDecodesToThePlainBody(t *testing.T) {
	body := strings.Repeat(`{"title":"Hammouchi examine à Vienne les défis du terrorisme"},`, 100)
	ready := Prepare(jsonAnswer(body))
	tags := map[string]string{}
	for _, tc := range []struct{ accept, coding string }{
		{"", ""},
		{"identity", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br", "br"},
		{"br;q=0, gzip", "gzip"},
		{"*", "br"},
	} {
		rec := serve(ready, http.MethodGet, tc.accept, "")
		if rec.Code != http.StatusOK {
			t.Fatalf("Accept-Encoding %q: status %d", tc.accept, rec.Code)
		}
		if got := rec.Header().Get("Content-Encoding"); got != tc.coding {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tc.accept, got, tc.coding)
		}
		if got := decode(t, tc.coding, rec.Body.Bytes()); string(got) != body {
			t.Errorf("Accept-Encoding %q: the decoded body differs from the plain one", tc.accept)
		}
		if got, want := rec.Header().Get("Content-Length"), fmt.Sprint(rec.Body.Len()); got != want {
			t.Errorf("Accept-Encoding %q: Content-Length %s for %s bytes", tc.accept, got, want)
		}
		if vary := rec.Header().Get("Vary"); vary != "Accept-Language, Accept-Encoding" {
			t.Errorf("Vary %q, want the answer's own and Accept-Encoding", vary)
		}
		tag := rec.Header().Get("ETag")
		if other, seen := tags[tag]; seen && other != tc.coding {
			t.Errorf("forms %q and %q share the tag %s", other, tc.coding, tag)
		}
		tags[tag] = tc.coding
	}
	if len(tags) != 3 {
		t.Errorf("%d tags for three forms: %v", len(tags), tags)
	}
}

func TestConditionalRequestsGet304ForAnyForm(t *testing.T) {
	ready := Prepare(jsonAnswer(strings.Repeat("news ", 500)))
	for _, accept := range []string{"", "gzip", "br"} {
		tag := serve(ready, http.MethodGet, accept, "").Header().Get("ETag")
		for _, ask := range []string{"", "gzip", "br"} {
			rec := serve(ready, http.MethodGet, ask, tag)
			if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
				t.Errorf("If-None-Match %s (a %q form), asking %q: %d with %d bytes, want 304 and none", tag, accept, ask, rec.Code, rec.Body.Len())
			}
			if rec.Header().Get("Cache-Control") == "" || rec.Header().Get("ETag") == "" || rec.Header().Get("Vary") == "" {
				t.Errorf("a 304 without the 200's Cache-Control, ETag and Vary: %v", rec.Header())
			}
			if rec.Header().Get("Content-Type") != "" || rec.Header().Get("Content-Length") != "" {
				t.Errorf("a 304 with the body's headers: %v", rec.Header())
			}
		}
	}
	if rec := serve(ready, http.MethodGet, "br", `"something else"`); rec.Code != http.StatusOK {
		t.Errorf("a tag of something else: %d, want 200", rec.Code)
	}
}

func TestHeadSendsHeadersOnly(t *testing.T) {
	ready := Prepare(jsonAnswer(strings.Repeat("news ", 500)))
	rec := serve(ready, http.MethodHead, "br", "")
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "0" {
		t.Errorf("HEAD: %d, %d bytes, Content-Length %s", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
}

func TestSmallAndCompressedBodiesAreSentAsTheyAre(t *testing.T) {
	small := Prepare(jsonAnswer(strings.Repeat(" ", 400)))
	png := Answer{Header: http.Header{"Content-Type": {"image/png"}}, Body: bytes.Repeat([]byte{0x89, 'P'}, 2000)}
	for name, ready := range map[string]*Ready{"small JSON": small, "PNG": Prepare(png)} {
		rec := serve(ready, http.MethodGet, "gzip, br", "")
		if rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s: compressed as %s", name, rec.Header().Get("Content-Encoding"))
		}
		if strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Vary %q for an answer with one form", name, rec.Header().Get("Vary"))
		}
	}
}

func TestCacheBuildsConcurrentMissesOnce(t *testing.T) {
	c := NewCache(0)
	var builds atomic.Int32
	release := make(chan struct{})
	build := func(context.Context) Answer {
		builds.Add(1)
		<-release
		return jsonAnswer(`{"n":1}`)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			rec := httptest.NewRecorder()
			serveFrom(c, rec, httptest.NewRequest(http.MethodGet, "/x", nil), "k", build)
			if rec.Code != http.StatusOK || rec.Body.String() != `{"n":1}` {
				t.Errorf("got %d %q", rec.Code, rec.Body)
			}
		})
	}
	time.Sleep(50 * time.Millisecond) // let the requests pile up on the build
	close(release)
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("%d builds for concurrent requests of one key, want 1", n)
	}
	if s := c.Stats(); s.Answers != 1 || s.Misses+s.Hits != 20 {
		t.Errorf("stats %+v", s)
	}
}

func TestCacheKeepsNothingBuiltBeforeADrop(t *testing.T) {
	c := NewCache(0)
	version := "old"
	building := make(chan struct{})
	proceed := make(chan struct{})
	go func() {
		<-building
		version = "new" // the store changes while the old answer is built
		c.Drop()
		close(proceed)
	}()
	slow := func(context.Context) Answer {
		close(building)
		<-proceed
		return jsonAnswer(`"old"`)
	}
	rec := httptest.NewRecorder()
	serveFrom(c, rec, httptest.NewRequest(http.MethodGet, "/x", nil), "k", slow)
	if rec.Body.String() != `"old"` {
		t.Fatalf("the waiting request got %q", rec.Body)
	}
	if kept := c.Stats().Answers; kept != 0 {
		t.Fatal("an answer built before a Drop was kept after it")
	}
	rec = httptest.NewRecorder()
	serveFrom(c, rec, httptest.NewRequest(http.MethodGet, "/x", nil), "k", func(context.Context) Answer {
		return jsonAnswer(`"` + version + `"`)
	})
	if rec.Body.String() != `"new"` {
		t.Errorf("after the change: %q, want the new answer", rec.Body)
	}
}

func TestCacheDropForgetsEverything(t *testing.T) {
	c := NewCache(0)
	for i := range 10 {
		serveFrom(c, httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil), fmt.Sprint(i), func(context.Context) Answer {
			return jsonAnswer(fmt.Sprint(i))
		})
	}
	if s := c.Stats(); s.Answers != 10 {
		t.Fatalf("%d answers kept, want 10", s.Answers)
	}
	c.Drop()
	if s := c.Stats(); s.Answers != 0 || s.Bytes != 0 || s.Drops != 1 {
		t.Errorf("after Drop: %+v", s)
	}
}

func TestCacheStaysWithinItsBudgetAndKeepsWhatIsAskedFor(t *testing.T) {
	body := strings.Repeat("x", 500) // under the compression threshold: one form
	size := Prepare(jsonAnswer(body)).Size()
	c := NewCache(size * 10)
	get := func(key string) {
		serveFrom(c, httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil), key, func(context.Context) Answer {
			return jsonAnswer(body)
		})
	}
	get("hot")
	for i := range 100 {
		get(fmt.Sprint("cold-", i))
		get("hot") // asked for between every new answer
		if s := c.Stats(); s.Bytes > size*10 {
			t.Fatalf("%d bytes kept, over the budget of %d", s.Bytes, size*10)
		}
	}
	s := c.Stats()
	if s.Answers != 10 || s.Evictions != 91 {
		t.Errorf("stats %+v, want 10 answers kept and 91 evicted", s)
	}
	if !keeps(c, "hot") {
		t.Error("the answer asked for all along was evicted")
	}
	if keeps(c, "cold-0") {
		t.Error("the oldest answer, never asked for again, is still kept")
	}
}

func TestCacheSendsButDoesNotKeepErrors(t *testing.T) {
	c := NewCache(0)
	builds := 0
	notFound := func(context.Context) Answer {
		builds++
		return Answer{Status: http.StatusNotFound, Header: http.Header{"Content-Type": {"application/problem+json"}}, Body: []byte(`{}`)}
	}
	for range 2 {
		rec := httptest.NewRecorder()
		serveFrom(c, rec, httptest.NewRequest(http.MethodGet, "/", nil), "missing", notFound)
		if rec.Code != http.StatusNotFound {
			t.Errorf("status %d, want 404", rec.Code)
		}
	}
	if builds != 2 {
		t.Errorf("%d builds for two requests of an error, want 2: errors are not kept", builds)
	}
}

func BenchmarkCacheHit(b *testing.B) {
	c := NewCache(0)
	body := strings.Repeat(`{"title":"Hammouchi examine à Vienne les défis du terrorisme"},`, 800)
	req := httptest.NewRequest(http.MethodGet, "/api/v1/articles", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	build := func(context.Context) Answer { return jsonAnswer(body) }
	serveFrom(c, discard{}, req, "k", build)
	b.ReportAllocs()
	for b.Loop() {
		serveFrom(c, discard{}, req, "k", build)
	}
}

// serveFrom answers r as a handler of the cache's answers does.
func serveFrom(c *Cache, w http.ResponseWriter, r *http.Request, key string, build Build) {
	ready, kept := c.Get(r.Context(), key, build)
	TellOutcome(w, kept)
	ready.ServeHTTP(w, r)
}

// discard is a ResponseWriter that keeps nothing but a fresh header map,
// as net/http gives each request.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

// keeps reports whether c keeps an answer under key.
func keeps(c *Cache, key string) bool {
	ready, _ := c.lookup(key)
	return ready != nil
}
