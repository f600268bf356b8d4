package front

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/related"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/server"
	"github.com/kiosque/kiosque/app/store/sqlite"
	"github.com/kiosque/kiosque/app/webtest"
	"github.com/valyala/fasthttp"
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

// failingListener fails its first accepts as a process out of file
// descriptors does.
type failingListener struct {
	net.Listener
	failures atomic.Int32
}

func (l *failingListener) Accept() (net.Conn, error) {
	if l.failures.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// An accept that fails (out of descriptors) is tried again after a wait,
// and logged: the front serves on, where fasthttp alone would stop
// serving at any accept error but a timeout.
func TestAFailedAcceptIsTriedAgain(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	failing := &failingListener{Listener: ln}
	failing.failures.Store(5)
	var log webtest.Log
	o := DefaultOptions(slog.New(slog.NewTextHandler(&log, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, failing, handlerOnly(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), o)
	}()
	stopped := false
	defer func() {
		cancel()
		if !stopped {
			<-done
		}
	}()
	res, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		select {
		case served := <-done:
			stopped = true
			t.Fatalf("the front stopped serving: %v", served)
		default:
		}
		t.Fatalf("after 5 failed accepts: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("after 5 failed accepts: %s", res.Status)
	}
	if n := strings.Count(log.String(), "accepting a connection failed"); n != 1 {
		t.Errorf("the log says %d times that an accept failed, want once a minute:\n%s", n, log.String())
	}
}

// What a net/http handler keeps of its request past its return stays as
// it was when the connection's next request arrives: the adaptor's
// strings are fasthttp's buffers, which the next request overwrites.
func TestAHandlerKeepsWhatItWasGiven(t *testing.T) {
	type seen struct{ path, query, host, header string }
	var kept []seen
	var mu sync.Mutex
	base, _ := serve(t, handlerOnly(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		kept = append(kept, seen{r.URL.Path, r.URL.RawQuery, r.Host, r.Header.Get("X-Name")})
		mu.Unlock()
	}), time.Second)
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	for _, name := range []string{"first", "other"} {
		fmt.Fprintf(c, "GET /%s?q=%s HTTP/1.1\r\nHost: %s.example\r\nX-Name: %s\r\n\r\n", name, name, name, name)
		res, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	want := []seen{{"/first", "q=first", "first.example", "first"}, {"/other", "q=other", "other.example", "other"}}
	if !slices.Equal(kept, want) {
		t.Errorf("the handler kept %q, want %q", kept, want)
	}
}

// A listener closed under the front ends it: a closed listener is not a
// passing failure to try again.
func TestAListenerClosedUnderTheFrontEndsIt(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- Serve(context.Background(), ln, handlerOnly(func(w http.ResponseWriter, r *http.Request) {}), DefaultOptions(nil))
	}()
	time.Sleep(100 * time.Millisecond) // accepting
	ln.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("Serve returned %v, want net.ErrClosed", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the front went on trying to accept on a closed listener")
	}
}

// A head of MaxHeaderBytes bytes, its blank line counted, reaches the
// handler; one a byte longer gets 431 problem+json and never does.
func TestAHeadPastTheLimitGets431(t *testing.T) {
	var reached atomic.Int32
	o := withHeader(DefaultOptions(nil))
	base, _ := serveOptions(t, handlerOnly(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		io.WriteString(w, "ok")
	}), o)
	addr := strings.TrimPrefix(base, "http://")
	for _, c := range []struct {
		size   int // bytes of the whole head
		status int
	}{
		{o.MaxHeaderBytes, http.StatusOK},
		{o.MaxHeaderBytes + 1, http.StatusRequestHeaderFieldsTooLarge},
	} {
		const start = "GET / HTTP/1.1\r\nHost: x\r\nCookie: "
		head := start + strings.Repeat("c", c.size-len(start)-len("\r\n\r\n")) + "\r\n\r\n"
		res, _ := exchange(t, addr, head)
		if res.StatusCode != c.status {
			t.Errorf("a head of %d bytes (limit %d): %s, want %d", len(head), o.MaxHeaderBytes, res.Status, c.status)
		}
		if c.status != http.StatusOK {
			isFrontProblem(t, res, c.status)
		}
	}
	if n := reached.Load(); n != 1 {
		t.Errorf("the handler saw %d requests, want 1 (the head within the limit)", n)
	}
}

// withHeader gives o a common header, which the front's own answers must
// carry.
func withHeader(o Options) Options {
	o.Header = http.Header{"X-Content-Type-Options": {"nosniff"}, "Access-Control-Allow-Origin": {"*"}}
	return o
}

// isFrontProblem checks that res is the front's own problem answer of
// status, with the common header of withHeader.
func isFrontProblem(t *testing.T, res *http.Response, status int) {
	t.Helper()
	if res.StatusCode != status || res.Header.Get("Content-Type") != "application/problem+json" ||
		res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("X-Content-Type-Options") != "nosniff" ||
		res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("got %s %v, want %d problem+json, no-store, with the common header", res.Status, res.Header, status)
	}
}

// exchange sends raw bytes on a new connection and reads one answer.
func exchange(t *testing.T, addr, raw string) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	return readAnswer(t, bufio.NewReader(conn), nil)
}

// readAnswer reads one answer, whole.
func readAnswer(t *testing.T, r *bufio.Reader, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	res, err := http.ReadResponse(r, req)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatalf("the body: %v", err)
	}
	return res, body
}

// drip writes s one byte every pause, until it is written or the
// connection fails.
func drip(c net.Conn, s string, pause time.Duration) {
	for i := range len(s) {
		if _, err := c.Write([]byte{s[i]}); err != nil {
			return
		}
		time.Sleep(pause)
	}
}

// A head must arrive within ReadHeaderTimeout, from the connection's
// opening or from a kept-alive request's first byte, and a body within
// ReadTimeout of the end of its head; a kept-alive connection waits
// IdleTimeout for the next request. Too slow gets 408 problem+json.
func TestSlowRequestsGet408(t *testing.T) {
	o := withHeader(DefaultOptions(nil))
	o.ReadHeaderTimeout, o.ReadTimeout, o.IdleTimeout = 1500*time.Millisecond, 3*time.Second, 500*time.Millisecond
	base, _ := serveOptions(t, handlerOnly(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("the body: %v", err)
		}
		fmt.Fprintf(w, "%d bytes", len(b))
	}), o)
	addr := strings.TrimPrefix(base, "http://")
	dial := func(t *testing.T) (net.Conn, *bufio.Reader) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(10 * time.Second))
		return c, bufio.NewReader(c)
	}
	// within tells one limit from another by when a connection is cut:
	// the slack above leaves a loaded machine its delays.
	within := func(t *testing.T, what string, took, want time.Duration) {
		t.Helper()
		if took < want-100*time.Millisecond || took > want+time.Second {
			t.Errorf("%s after %s, want %s", what, took, want)
		}
	}
	const head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n"
	t.Run("a head dripped a byte a second", func(t *testing.T) {
		t.Parallel()
		c, r := dial(t)
		begun := time.Now()
		go drip(c, head, time.Second)
		res, _ := readAnswer(t, r, nil)
		isFrontProblem(t, res, http.StatusRequestTimeout)
		within(t, "408", time.Since(begun), o.ReadHeaderTimeout)
	})
	t.Run("a body slower than the head's time, within its own", func(t *testing.T) {
		t.Parallel()
		c, r := dial(t)
		io.WriteString(c, head)
		go drip(c, "0123456789", 200*time.Millisecond) // 2 s
		res, body := readAnswer(t, r, nil)
		if res.StatusCode != http.StatusOK || string(body) != "10 bytes" {
			t.Errorf("got %s %q, want 200 \"10 bytes\"", res.Status, body)
		}
	})
	t.Run("a body past its time", func(t *testing.T) {
		t.Parallel()
		c, r := dial(t)
		io.WriteString(c, head)
		begun := time.Now()
		go drip(c, "0123456789", 500*time.Millisecond) // 5 s
		res, _ := readAnswer(t, r, nil)
		isFrontProblem(t, res, http.StatusRequestTimeout)
		within(t, "408", time.Since(begun), o.ReadTimeout)
	})
	t.Run("an idle kept-alive connection", func(t *testing.T) {
		t.Parallel()
		c, r := dial(t)
		io.WriteString(c, head+"0123456789")
		readAnswer(t, r, nil)
		begun := time.Now()
		if _, err := r.ReadByte(); err != io.EOF {
			t.Errorf("an idle connection read %v, want EOF", err)
		}
		within(t, "closed", time.Since(begun), o.IdleTimeout)
	})
	t.Run("a kept-alive head dripped", func(t *testing.T) {
		t.Parallel()
		c, r := dial(t)
		io.WriteString(c, head+"0123456789")
		readAnswer(t, r, nil)
		begun := time.Now()
		go drip(c, head, 600*time.Millisecond) // past IdleTimeout between bytes, not before the first
		res, _ := readAnswer(t, r, nil)
		isFrontProblem(t, res, http.StatusRequestTimeout)
		within(t, "408", time.Since(begun), o.ReadHeaderTimeout)
	})
}

// A body of MaxBodyBytes reaches the handler whole; one larger gets 413
// problem+json, whether its length is said or chunked, and the handler
// never runs.
func TestABodyPastTheLimitGets413(t *testing.T) {
	o := withHeader(DefaultOptions(nil))
	o.MaxBodyBytes = 1000
	var reached atomic.Int32
	base, _ := serveOptions(t, handlerOnly(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%d bytes", len(b))
	}), o)
	addr := strings.TrimPrefix(base, "http://")
	said := func(n int) string {
		return fmt.Sprintf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", n, strings.Repeat("b", n))
	}
	chunked := func(n int) string {
		return fmt.Sprintf("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", n, strings.Repeat("b", n))
	}
	for _, c := range []struct {
		name string
		raw  string
		want int
	}{
		{"said, at the limit", said(1000), http.StatusOK},
		{"chunked, at the limit", chunked(1000), http.StatusOK},
		{"said, past it", said(1001), http.StatusRequestEntityTooLarge},
		{"chunked, past it", chunked(1001), http.StatusRequestEntityTooLarge},
	} {
		res, body := exchange(t, addr, c.raw)
		if c.want == http.StatusOK {
			if res.StatusCode != http.StatusOK || string(body) != "1000 bytes" {
				t.Errorf("%s: got %s %q, want 200 \"1000 bytes\"", c.name, res.Status, body)
			}
			continue
		}
		isFrontProblem(t, res, c.want)
	}
	if n := reached.Load(); n != 2 {
		t.Errorf("the handler saw %d requests, want 2 (the bodies within the limit)", n)
	}
}

// What is not HTTP gets 400 problem+json.
func TestUnreadableRequestsGet400(t *testing.T) {
	base, _ := serveOptions(t, handlerOnly(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the handler saw %s %s", r.Method, r.URL)
	}), withHeader(DefaultOptions(nil)))
	addr := strings.TrimPrefix(base, "http://")
	for _, raw := range []string{
		"\x00\x01junk\r\n\r\n",
		"GET / HTTP/1.1\r\nHost x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
		"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\"><script>\r\n\r\n",
		"GET / HTTP/1.1\r\n\r\n",
		"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		res, _ := exchange(t, addr, raw)
		isFrontProblem(t, res, http.StatusBadRequest)
	}
}

// fastSite is a FastHandler of two functions.
type fastSite struct {
	http.HandlerFunc
	fast func(ctx *fasthttp.RequestCtx) bool
}

func (s fastSite) ServeFast(ctx *fasthttp.RequestCtx) bool { return s.fast(ctx) }

// answer is what Answered was told of one request.
type answer struct {
	path   string
	status int
}

// A FastHandler's ServeFast answer is what the client gets; a request it
// declines goes to ServeHTTP; a panic on either path gets 500
// problem+json, and the front serves on. Answered is told of each.
func TestTheFastPathAndTheHandler(t *testing.T) {
	body := []byte(strings.Repeat("kept ", 1000))
	site := fastSite{
		HandlerFunc: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/boom-slow" {
				panic("a handler failed")
			}
			w.WriteHeader(http.StatusTeapot)
			io.WriteString(w, "from ServeHTTP")
		},
		fast: func(ctx *fasthttp.RequestCtx) bool {
			switch string(ctx.Path()) {
			case "/kept":
				ctx.Response.Header.Set("Content-Type", "text/plain")
				ctx.Response.Header.Set("Etag", `"k"`)
				if string(ctx.Request.Header.Peek("If-None-Match")) == `"k"` {
					ctx.SetStatusCode(http.StatusNotModified)
					return true
				}
				ctx.Response.SetBodyRaw(body)
				return true
			case "/boom-fast":
				panic("a kept answer failed")
			}
			return false
		},
	}
	o := withHeader(DefaultOptions(nil))
	var mu sync.Mutex
	var told []answer
	o.Answered = func(path string, status int, _ time.Duration) {
		mu.Lock()
		told = append(told, answer{strings.Clone(path), status})
		mu.Unlock()
	}
	base, _ := serveOptions(t, site, o)
	for _, c := range []struct {
		method, path string
		header       []string
		status       int
		body         string
	}{
		{http.MethodGet, "/kept", nil, http.StatusOK, string(body)},
		{http.MethodHead, "/kept", nil, http.StatusOK, ""},
		{http.MethodGet, "/kept", []string{"If-None-Match", `"k"`}, http.StatusNotModified, ""},
		{http.MethodGet, "/other", nil, http.StatusTeapot, "from ServeHTTP"},
		{http.MethodGet, "/boom-fast", nil, http.StatusInternalServerError, ""},
		{http.MethodGet, "/boom-slow", nil, http.StatusInternalServerError, ""},
		{http.MethodGet, "/kept", nil, http.StatusOK, string(body)},
	} {
		res, got := webtest.Raw(t, c.method, base+c.path, c.header...)
		if res.StatusCode != c.status {
			t.Errorf("%s %s: %s, want %d", c.method, c.path, res.Status, c.status)
		}
		if c.status == http.StatusInternalServerError {
			isFrontProblem(t, res, c.status)
			continue
		}
		if string(got) != c.body {
			t.Errorf("%s %s: a body of %d bytes, want %d", c.method, c.path, len(got), len(c.body))
		}
		if c.path == "/kept" && (res.Header.Get("Etag") != `"k"` || res.Header.Get("Date") == "") {
			t.Errorf("%s %s: %v", c.method, c.path, res.Header)
		}
		if c.path == "/kept" && c.status == http.StatusOK && res.Header.Get("Content-Length") != fmt.Sprint(len(body)) {
			t.Errorf("%s %s: Content-Length %q, want %d", c.method, c.path, res.Header.Get("Content-Length"), len(body))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := []answer{{"/kept", 200}, {"/kept", 200}, {"/kept", 304}, {"/other", 418}, {"/boom-fast", 500}, {"/boom-slow", 500}, {"/kept", 200}}
	if fmt.Sprint(told) != fmt.Sprint(want) {
		t.Errorf("Answered was told %v, want %v", told, want)
	}
}

// A stop closes the kept-alive connections that wait for a request at
// once, not at IdleTimeout.
func TestShutdownClosesIdleConnections(t *testing.T) {
	base, stop := serve(t, handlerOnly(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), 5*time.Second)
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	readAnswer(t, r, nil)
	time.Sleep(1100 * time.Millisecond) // fasthttp marks a connection idle by the second
	begun := time.Now()
	if err := stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	if _, err := r.ReadByte(); err != io.EOF {
		t.Errorf("an idle connection read %v after the stop, want EOF", err)
	}
	if took := time.Since(begun); took > time.Second {
		t.Errorf("an idle connection closed %s after the stop", took)
	}
}

// A request still open past the grace sees its context cancelled then,
// not before, and its connection cut; the stop says the grace ran out.
func TestShutdownPastTheGraceCancels(t *testing.T) {
	const grace = 500 * time.Millisecond
	started := make(chan struct{})
	cancelled := make(chan time.Time, 1)
	base, stop := serve(t, handlerOnly(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
			cancelled <- time.Now()
		case <-time.After(10 * time.Second):
		}
	}), grace)
	answered := make(chan error, 1)
	go func() {
		res, err := http.Get(base + "/slow")
		if err == nil {
			res.Body.Close()
		}
		answered <- err
	}()
	<-started
	begun := time.Now()
	err := stop()
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a stop past the grace returned %v, want the grace's deadline", err)
	}
	select {
	case at := <-cancelled:
		if took := at.Sub(begun); took < grace-50*time.Millisecond || took > grace+time.Second {
			t.Errorf("the request's context ended %s after the stop, want at the grace (%s)", took, grace)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the request's context was not cancelled past the grace")
	}
	if err := <-answered; err == nil {
		t.Error("a request past the grace was answered")
	}
}

// A client that sends many requests and never reads holds one answer in
// flight, not all: 8 clients asking 400 answers of 2 MB each grow the
// heap by far less than 6,400 MB, and another client is answered meanwhile.
func TestPipelinedRequestsHoldOneAnswer(t *testing.T) {
	big := make([]byte, 2<<20)
	site := fastSite{
		HandlerFunc: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") },
		fast: func(ctx *fasthttp.RequestCtx) bool {
			if string(ctx.Path()) != "/big" {
				return false
			}
			ctx.Response.SetBodyRaw(big)
			return true
		},
	}
	o := DefaultOptions(nil)
	o.Grace = 100 * time.Millisecond
	base, _ := serveOptions(t, site, o)
	addr := strings.TrimPrefix(base, "http://")
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	before := heap()
	requests := strings.Repeat("GET /big HTTP/1.1\r\nHost: x\r\n\r\n", 400)
	for range 8 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(c, requests); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(time.Second) // the front writes what the clients' buffers take
	other := &http.Client{Timeout: 5 * time.Second}
	res, err := other.Get(base + "/other")
	if err != nil {
		t.Fatalf("another client: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || string(body) != "ok" {
		t.Errorf("another client got %s %q", res.Status, body)
	}
	grown := int64(heap()) - int64(before)
	t.Logf("the heap grew by %.1f MB", float64(grown)/(1<<20))
	if grown > 64<<20 {
		t.Errorf("the heap grew by %d MB for 8 clients that do not read", grown>>20)
	}
}
