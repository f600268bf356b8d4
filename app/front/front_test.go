package front

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/related"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/server"
	"github.com/kiosque/kiosque/app/store/sqlite"
	"github.com/kiosque/kiosque/app/webtest"
)

const seedSlug = "hammouchi-examine-a-vienne-les-defis-du-terrorisme"

// newSite is the real site over the bundled sample, without the wasm
// (which these tests do not load).
func newSite(t *testing.T) (*server.Server, *answers.Cache) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, articles...); err != nil {
		t.Fatal(err)
	}
	index := related.NewIndex(related.DefaultOptions())
	index.Put(articles...)
	changed, _ := index.Dirty()
	if err := st.PutRelatedLists(ctx, index.Lists(changed)); err != nil {
		t.Fatal(err)
	}
	kept := answers.NewCache(0)
	site, err := server.New(server.Config{
		Log:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		Store:   st,
		Lists:   st,
		Web:     withoutWasm{os.DirFS("../../web")},
		Site:    "Kiosque Test",
		Answers: kept,
	})
	if err != nil {
		t.Fatal(err)
	}
	return site, kept
}

// withoutWasm hides the built wasm.
type withoutWasm struct{ fs.FS }

func (w withoutWasm) Open(name string) (fs.File, error) {
	if strings.HasPrefix(path.Base(name), "app.wasm") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return w.FS.Open(name)
}

func (w withoutWasm) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(w.FS, name)
	kept := entries[:0]
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "app.wasm") {
			kept = append(kept, e)
		}
	}
	return kept, err
}

// serve runs the front on a free port until the test ends.
func serve(t *testing.T, site http.Handler, grace time.Duration) (base string, stop func() error) {
	t.Helper()
	o := DefaultOptions(nil)
	o.Grace = grace
	return serveOptions(t, site, o)
}

// serveOptions runs the front with options on a free port until the test
// ends, or stop.
func serveOptions(t *testing.T, site http.Handler, o Options) (base string, stop func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, site, o) }()
	var once sync.Once
	var served error
	stop = func() error {
		once.Do(func() { cancel(); served = <-done })
		return served
	}
	t.Cleanup(func() { stop() })
	return "http://" + ln.Addr().String(), stop
}

// The headers a prepared answer must carry the same whichever way it is
// served.
var compared = []string{"Content-Type", "Content-Encoding", "Content-Length", "Etag", "Vary", "Cache-Control",
	"Surrogate-Key", "Cache-Tag", "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "Access-Control-Allow-Origin"}

// The first request of a route is built by the site's handler; the next
// ones come from memory, and must be the same answer.
func TestPreparedAnswersAreTheHandlersAnswers(t *testing.T) {
	site, kept := newSite(t)
	base, _ := serve(t, site, time.Second)
	routes := []string{
		"/api/v1/articles?limit=5",
		"/api/v1/articles/" + seedSlug,
		"/api/v1/articles/" + seedSlug + "/related",
		"/embed?article=" + seedSlug + "&lang=fr",
		"/a/" + seedSlug,
		"/",
		"/oembed?format=json&url=" + url.QueryEscape(base+"/a/"+seedSlug),
		"/embed.js",
	}
	for _, route := range routes {
		for _, encoding := range []string{"identity", "gzip", "gzip, br"} {
			built, builtBody := webtest.Raw(t, http.MethodGet, base+route, "Accept-Encoding", encoding)
			if built.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %s", route, built.StatusCode, builtBody)
			}
			hits := kept.Stats().Hits
			again, againBody := webtest.Raw(t, http.MethodGet, base+route, "Accept-Encoding", encoding)
			if !strings.HasPrefix(route, "/embed.js") && kept.Stats().Hits != hits+1 {
				t.Errorf("%s: the second request was not served from what was kept", route)
			}
			if string(againBody) != string(builtBody) || again.StatusCode != built.StatusCode {
				t.Errorf("%s (%s): from memory %d, %d bytes; built %d, %d bytes", route, encoding, again.StatusCode, len(againBody), built.StatusCode, len(builtBody))
			}
			for _, name := range compared {
				if got, want := again.Header.Values(name), built.Header.Values(name); strings.Join(got, "|") != strings.Join(want, "|") {
					t.Errorf("%s (%s): %s %q from memory, %q built", route, encoding, name, got, want)
				}
			}
			if again.Header.Get("Date") == "" {
				t.Errorf("%s: no Date", route)
			}
		}
	}
}

func TestHeadAndConditionalRequestsFromMemory(t *testing.T) {
	site, _ := newSite(t)
	base, _ := serve(t, site, time.Second)
	route := base + "/embed?article=" + seedSlug + "&lang=fr"
	get, body := webtest.Raw(t, http.MethodGet, route, "Accept-Encoding", "br")
	head, headBody := webtest.Raw(t, http.MethodHead, route, "Accept-Encoding", "br")
	if head.StatusCode != http.StatusOK || len(headBody) != 0 || head.Header.Get("Content-Length") != fmt.Sprint(len(body)) {
		t.Errorf("HEAD: %d, %d bytes, Content-Length %q; the GET's body has %d", head.StatusCode, len(headBody), head.Header.Get("Content-Length"), len(body))
	}
	res, notModified := webtest.Raw(t, http.MethodGet, route, "Accept-Encoding", "br", "If-None-Match", get.Header.Get("ETag"))
	if res.StatusCode != http.StatusNotModified || len(notModified) != 0 || res.Header.Get("ETag") != get.Header.Get("ETag") {
		t.Errorf("If-None-Match: %d with %d bytes and ETag %q", res.StatusCode, len(notModified), res.Header.Get("ETag"))
	}
	if res.Header.Get("Content-Type") != "" || res.Header.Get("Surrogate-Key") != "" {
		t.Errorf("a 304 carries the body's headers: %v", res.Header)
	}
}

// Whatever is not prepared goes to the site's handler as net/http gives
// it: method, path, query, headers, body.
func TestOtherRequestsReachTheHandler(t *testing.T) {
	var got *http.Request
	var gotBody string
	site := handlerOnly(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "tea")
	})
	base, _ := serve(t, site, time.Second)
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/events?x=%C3%A9", strings.NewReader(`{"kind":"view"}`))
	req.Header.Set("Accept-Language", "ar")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusTeapot || string(body) != "tea" || res.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("answer %d %q %v", res.StatusCode, body, res.Header)
	}
	if got.Method != http.MethodPost || got.URL.Path != "/api/v1/events" || got.URL.Query().Get("x") != "é" ||
		got.Header.Get("Accept-Language") != "ar" || gotBody != `{"kind":"view"}` || got.Host == "" || got.RemoteAddr == "" {
		t.Errorf("the handler saw %s %s, Accept-Language %q, body %q, host %q, from %q",
			got.Method, got.URL, got.Header.Get("Accept-Language"), gotBody, got.Host, got.RemoteAddr)
	}
}

// handlerOnly is a site of one handler.
type handlerOnly = http.HandlerFunc

// A shutdown lets open requests finish within the grace, and cuts them
// past it; nothing new is taken meanwhile.
func TestShutdownLetsOpenRequestsFinish(t *testing.T) {
	for _, tc := range []struct {
		name     string
		takes    time.Duration
		grace    time.Duration
		finishes bool
	}{
		{"within the grace", 300 * time.Millisecond, 3 * time.Second, true},
		{"past the grace", 5 * time.Second, 300 * time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			started := make(chan struct{})
			site := handlerOnly(func(w http.ResponseWriter, r *http.Request) {
				close(started)
				select {
				case <-time.After(tc.takes):
					io.WriteString(w, "done")
				case <-r.Context().Done():
				}
			})
			base, stop := serve(t, site, tc.grace)
			answered := make(chan error, 1)
			go func() {
				res, err := http.Get(base + "/slow")
				if err == nil {
					b, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if string(b) != "done" {
						err = fmt.Errorf("body %q", b)
					}
				}
				answered <- err
			}()
			<-started
			begun := time.Now()
			stopped := make(chan error, 1)
			go func() { stopped <- stop() }()
			err := <-answered
			if tc.finishes && err != nil {
				t.Errorf("an open request failed within the grace: %v", err)
			}
			if !tc.finishes && err == nil {
				t.Error("a request past the grace was not cut")
			}
			if err := <-stopped; tc.finishes && err != nil {
				t.Errorf("a clean shutdown returned %v", err)
			}
			if took := time.Since(begun); took > tc.grace+2*time.Second {
				t.Errorf("the shutdown took %s with a grace of %s", took, tc.grace)
			}
			if _, err := http.Get(base + "/after"); err == nil {
				t.Error("the server still takes requests after its shutdown")
			}
		})
	}
}

// A front told to stop as it starts stops, and takes no connection after.
func TestStopAtStartStops(t *testing.T) {
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		done := make(chan error, 1)
		go func() {
			done <- Serve(ctx, ln, handlerOnly(func(http.ResponseWriter, *http.Request) {}), DefaultOptions(nil))
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("a front stopped at start: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a front stopped at start is still serving 10 s later")
		}
		if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
			c.Close()
			t.Fatal("the listener of a stopped front still takes connections")
		}
	}
}

// Many requests at once, of many kept answers: each gets its own.
func TestConcurrentRequestsGetTheirOwnAnswers(t *testing.T) {
	site, _ := newSite(t)
	base, _ := serve(t, site, time.Second)
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for round := range 3 {
		for _, a := range articles {
			wg.Go(func() {
				res, body := webtest.Raw(t, http.MethodGet, base+"/api/v1/articles/"+a.Slug)
				if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"slug":"`+a.Slug+`"`) {
					t.Errorf("round %d, %s: %d %.80s", round, a.Slug, res.StatusCode, body)
				}
			})
		}
	}
	wg.Wait()
}

// At its connection limit the front takes no new connection until one
// closes, and then takes the one waiting: the slot of a closed connection
// comes back.
func TestAConnectionClosedGivesItsSlotBack(t *testing.T) {
	o := DefaultOptions(nil)
	o.MaxConns = 2
	base, _ := serveOptions(t, handlerOnly(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), o)
	addr := strings.TrimPrefix(base, "http://")
	send := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		return c
	}
	answered := func(c net.Conn, r *bufio.Reader, within time.Duration) error {
		c.SetReadDeadline(time.Now().Add(within))
		res, err := http.ReadResponse(r, nil)
		if err != nil {
			return err
		}
		return res.Body.Close()
	}
	first, second := send(), send()
	for _, c := range []net.Conn{first, second} {
		if err := answered(c, bufio.NewReader(c), 5*time.Second); err != nil {
			t.Fatalf("a connection within the limit: %v", err)
		}
	}
	third := send() // the kernel takes it; the front does not yet
	waiting := bufio.NewReader(third)
	if err := answered(third, waiting, 500*time.Millisecond); err == nil {
		t.Fatal("a connection past the limit was answered while the others were open")
	}
	first.Close()
	if err := answered(third, waiting, 5*time.Second); err != nil {
		t.Fatalf("the waiting connection was not answered once another closed: %v", err)
	}
}

// A head within MaxHeaderBytes is read; one well past it gets 431 and
// never reaches the handler. (net/http reads up to 4 KB past the limit
// before it refuses: the README gives both figures.)
func TestAHeadPastTheLimitGets431(t *testing.T) {
	var reached atomic.Int32
	base, _ := serve(t, handlerOnly(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		io.WriteString(w, "ok")
	}), time.Second)
	addr := strings.TrimPrefix(base, "http://")
	limit := DefaultOptions(nil).MaxHeaderBytes
	for _, c := range []struct {
		field  int // bytes of a cookie-like field's value
		status int
	}{
		{limit - 512, http.StatusOK},
		{limit + 8<<10, http.StatusRequestHeaderFieldsTooLarge},
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		head := "GET / HTTP/1.1\r\nHost: x\r\nCookie: " + strings.Repeat("c", c.field) + "\r\n\r\n"
		if _, err := io.WriteString(conn, head); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("a head of %d bytes: %v", len(head), err)
		}
		res.Body.Close()
		if res.StatusCode != c.status {
			t.Errorf("a head of %d bytes (limit %d): %s, want %d", len(head), limit, res.Status, c.status)
		}
	}
	if n := reached.Load(); n != 1 {
		t.Errorf("the handler saw %d requests, want 1 (the head within the limit)", n)
	}
}
