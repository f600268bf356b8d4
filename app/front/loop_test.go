//go:build linux

package front

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// keep has the site build and keep the answer of a route, as a first
// reader's request does.
func keep(t *testing.T, site Site, route string) {
	t.Helper()
	rec := httptest.NewRecorder()
	site.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, route, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: %d", route, rec.Code)
	}
}

// answer is an answer read from a connection, with its whole body.
type answer struct {
	*http.Response
	body string
}

// readAnswers reads the answers from a connection to requests of methods.
func readAnswers(t *testing.T, conn net.Conn, methods ...string) []answer {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	var out []answer
	for _, m := range methods {
		res, err := http.ReadResponse(r, &http.Request{Method: m})
		if err != nil {
			t.Fatalf("answer %d: %v", len(out)+1, err)
		}
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatalf("answer %d: %v", len(out)+1, err)
		}
		out = append(out, answer{res, string(body)})
	}
	return out
}

// The loops answer kept answers themselves, several asked at once on one
// connection, each as HTTP says (a HEAD's length, a 304's lack of body),
// and hand nothing over.
func TestLoopsAnswerKeptAnswersThemselves(t *testing.T) {
	site, kept := newSite(t)
	route := "/api/v1/articles/" + seedSlug + "/related"
	keep(t, site, route)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var handed atomic.Int32
	open := &tracked{Listener: ln, open: map[net.Conn]struct{}{}}
	ls, err := startLoops(ln.(*net.TCPListener), &front{site: site}, DefaultOptions(nil), open, func(c net.Conn) {
		handed.Add(1)
		c.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ls.stop()

	plain := httptest.NewRecorder()
	site.ServeHTTP(plain, httptest.NewRequest(http.MethodGet, route, nil))
	tag := plain.Header().Get("Etag")
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	hits := kept.Stats().Hits
	ask := "GET " + route + " HTTP/1.1\r\nHost: kiosque.test\r\n\r\n" +
		"HEAD " + route + " HTTP/1.1\r\nHost: kiosque.test\r\n\r\n" +
		"GET " + route + " HTTP/1.1\r\nHost: kiosque.test\r\nIf-None-Match: " + tag + "\r\n\r\n" +
		"GET " + route + " HTTP/1.1\r\nhost: kiosque.test\r\naccept-encoding: gzip\r\n\r\n"
	if _, err := io.WriteString(conn, ask); err != nil {
		t.Fatal(err)
	}
	got := readAnswers(t, conn, http.MethodGet, http.MethodHead, http.MethodGet, http.MethodGet)
	if got[0].StatusCode != http.StatusOK || got[0].body != plain.Body.String() || got[0].Header.Get("Etag") != tag || got[0].Header.Get("Date") == "" {
		t.Errorf("GET: %d, Etag %q, Date %q, the plain body %v", got[0].StatusCode, got[0].Header.Get("Etag"), got[0].Header.Get("Date"), got[0].body == plain.Body.String())
	}
	if got[1].StatusCode != http.StatusOK || got[1].ContentLength != int64(plain.Body.Len()) || got[1].body != "" {
		t.Errorf("HEAD: %d, Content-Length %d (the GET's body: %d)", got[1].StatusCode, got[1].ContentLength, plain.Body.Len())
	}
	if got[2].StatusCode != http.StatusNotModified || got[2].Header.Get("Content-Length") != "" || got[2].Header.Get("Etag") != tag {
		t.Errorf("If-None-Match: %d, Content-Length %q, Etag %q", got[2].StatusCode, got[2].Header.Get("Content-Length"), got[2].Header.Get("Etag"))
	}
	if got[3].Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("gzip asked in lower case: Content-Encoding %q", got[3].Header.Get("Content-Encoding"))
	}
	if n := kept.Stats().Hits - hits; n != 4 {
		t.Errorf("%d answers came from memory, want 4", n)
	}
	if n := handed.Load(); n != 0 {
		t.Errorf("the loops handed %d connections over", n)
	}
}

// Whatever the loops do not answer goes, in order, to fasthttp and the
// site's handler: a request split in pieces, one not kept, a POST with
// its body, and the kept ones after it on the same connection.
func TestLoopsHandOverTheRestInOrder(t *testing.T) {
	site, _ := newSite(t)
	kept := "/api/v1/articles/" + seedSlug
	keep(t, site, kept)
	base, _ := serve(t, site, time.Second)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	first := "GET " + kept + " HTTP/1.1\r\nHost: kiosque.test\r\n\r\n"
	for i := range len(first) { // a byte at a time
		if _, err := io.WriteString(conn, first[i:i+1]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	rest := "GET /api/v1/categories HTTP/1.1\r\nHost: kiosque.test\r\n\r\n" +
		"POST /api/v1/events HTTP/1.1\r\nHost: kiosque.test\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}" +
		"GET " + kept + " HTTP/1.1\r\nHost: kiosque.test\r\n\r\n"
	if _, err := io.WriteString(conn, rest); err != nil {
		t.Fatal(err)
	}
	got := readAnswers(t, conn, http.MethodGet, http.MethodGet, http.MethodPost, http.MethodGet)
	if got[0].StatusCode != http.StatusOK || !strings.Contains(got[0].body, `"slug":"`+seedSlug+`"`) {
		t.Errorf("the request sent a byte at a time: %d", got[0].StatusCode)
	}
	if got[1].StatusCode != http.StatusOK || !strings.Contains(got[1].body, `"slug"`) {
		t.Errorf("the categories: %d", got[1].StatusCode)
	}
	// This site counts no events: the handler takes no POST there.
	if got[2].StatusCode != http.StatusMethodNotAllowed || got[2].Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("the POST: %d %s", got[2].StatusCode, got[2].Header.Get("Content-Type"))
	}
	if got[3].StatusCode != http.StatusOK || got[3].body != got[0].body {
		t.Errorf("the kept answer after the POST: %d, the same body %v", got[3].StatusCode, got[3].body == got[0].body)
	}
}

// serveWith runs the front with options until the test ends, which it
// fails if the front does not stop cleanly; it returns the address.
func serveWith(t *testing.T, site Site, o Options) string {
	t.Helper()
	base, stop := serveOptions(t, site, o)
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return strings.TrimPrefix(base, "http://")
}

// A connection idle past IdleTimeout is closed; a request head that takes
// longer than ReadTimeout to come gets fasthttp's 408.
func TestLoopsKeepTheTimeouts(t *testing.T) {
	site, _ := newSite(t)
	kept := "/api/v1/articles/" + seedSlug
	keep(t, site, kept)
	o := DefaultOptions(nil)
	o.IdleTimeout, o.ReadTimeout = time.Second, time.Second
	addr := serveWith(t, site, o)

	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	io.WriteString(idle, "GET "+kept+" HTTP/1.1\r\nHost: kiosque.test\r\n\r\n")
	readAnswers(t, idle, http.MethodGet)
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := idle.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("an idle connection read %d bytes, %v; want it closed (EOF)", n, err)
	}

	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	io.WriteString(slow, "GET "+kept+" HTTP/1.1\r\nHost: kiosque.test\r\n")
	got := readAnswers(t, slow, http.MethodGet)
	if got[0].StatusCode != http.StatusRequestTimeout {
		t.Errorf("a head left unfinished: %d, want 408", got[0].StatusCode)
	}
}

// Answers from the loops are the same as fasthttp's, field for field but
// the Date, for every kept route, encoding and method.
func TestLoopsAnswerAsFasthttpDoes(t *testing.T) {
	site, _ := newSite(t)
	routes := []string{"/api/v1/articles?limit=5", "/api/v1/articles/" + seedSlug + "/related", "/embed?article=" + seedSlug + "&lang=fr", "/a/" + seedSlug, "/"}
	for _, route := range routes {
		keep(t, site, route)
	}
	withLoops := serveWith(t, site, DefaultOptions(nil))
	o := DefaultOptions(nil)
	o.NoEventLoop = true
	without := serveWith(t, site, o)
	raw := func(addr, ask string) string {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, ask)
		conn.(*net.TCPConn).CloseWrite()
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		b, _ := io.ReadAll(conn)
		var kept []string
		for line := range strings.SplitSeq(string(b), "\r\n") {
			if !strings.HasPrefix(line, "Date: ") {
				kept = append(kept, line)
			}
		}
		return strings.Join(kept, "\n")
	}
	for _, route := range routes {
		for _, ask := range []string{"GET", "HEAD", "GET gzip", "GET br"} {
			method, encoding, _ := strings.Cut(ask, " ")
			req := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: kiosque.test\r\nAccept-Encoding: %s\r\nConnection: keep-alive\r\n\r\n", method, route, encoding)
			a, b := raw(withLoops, req), raw(without, req)
			if fieldsOf(a) != fieldsOf(b) || bodyAfterHead(a) != bodyAfterHead(b) {
				t.Errorf("%s %s: the loops answer\n%.600s\nfasthttp\n%.600s", ask, route, a, b)
			}
		}
	}
}

// fieldsOf is an answer's status line and fields, sorted: the two
// servers write them in orders of their own.
func fieldsOf(answer string) string {
	head, _, _ := strings.Cut(answer, "\n\n")
	lines := strings.Split(head, "\n")
	status, fields := lines[0], lines[1:]
	sorted := slices.Sorted(slices.Values(fields))
	return status + "\n" + strings.Join(sorted, "\n")
}

func bodyAfterHead(answer string) string {
	_, body, _ := strings.Cut(answer, "\n\n")
	return body
}

// A stop gives a reader still taking the answers a loop wrote for it the
// grace to take them, and the request after them, which the loop handed
// over, its answer: Serve returns only once they are taken.
func TestStopLetsSlowReadersTakeTheirAnswers(t *testing.T) {
	site, _ := newSite(t)
	route := "/api/v1/articles?limit=50"
	keep(t, site, route)
	plain := httptest.NewRecorder()
	site.ServeHTTP(plain, httptest.NewRequest(http.MethodGet, route, nil))
	size := plain.Body.Len()
	// More than the sockets' buffers hold: Linux's send buffer grows to
	// 4 MB, and a receive buffer grows only as its reader reads.
	asked := 12<<20/size + 1
	for _, then := range []string{"", "/nowhere"} {
		t.Run("then "+cmp.Or(then, "nothing"), func(t *testing.T) {
			requests := getting(route, asked)
			methods := slices.Repeat([]string{http.MethodGet}, asked)
			if then != "" {
				requests += getting(then, 1)
				methods = append(methods, http.MethodGet)
			}
			conn, stop := pileUp(t, site, 10*time.Second, requests, asked)

			stopped := make(chan error, 1)
			go func() { stopped <- stop() }()
			select {
			case err := <-stopped:
				t.Fatalf("Serve returned (%v) while a reader had %d MB of answers to take", err, asked*size>>20)
			case <-time.After(time.Second):
			}
			got := readAnswers(t, conn, methods...)
			for i, a := range got[:asked] {
				if a.StatusCode != http.StatusOK || len(a.body) != size {
					t.Fatalf("answer %d of %d: %d, %d bytes, want 200 and %d", i+1, asked, a.StatusCode, len(a.body), size)
				}
			}
			if then != "" && got[asked].StatusCode != http.StatusNotFound {
				t.Errorf("the request handed over: %d, want the handler's 404", got[asked].StatusCode)
			}
			if err := <-stopped; err != nil {
				t.Errorf("a stop within the grace: %v", err)
			}
		})
	}
}

// A reader that takes nothing is cut once the grace is over.
func TestStopCutsReadersPastTheGrace(t *testing.T) {
	site, _ := newSite(t)
	route := "/api/v1/articles?limit=50"
	keep(t, site, route)
	const grace, asked = 300 * time.Millisecond, 400 // some 20 MB
	conn, stop := pileUp(t, site, grace, getting(route, asked), asked)
	begun := time.Now()
	if err := stop(); err == nil {
		t.Error("a stop past the grace returned no error")
	}
	if took := time.Since(begun); took > grace+2*time.Second {
		t.Errorf("the stop took %s with a grace of %s", took, grace)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := io.Copy(io.Discard, conn); err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("the reader cut at the stop read %d bytes, then %v; want the end of the connection", n, err)
	}
}

// getting is n requests for route, as one connection sends them.
func getting(route string, n int) string {
	return strings.Repeat("GET "+route+" HTTP/1.1\r\nHost: kiosque.test\r\nAccept-Encoding: identity\r\n\r\n", n)
}

// pileUp runs the front with a grace, sends requests on one connection
// and reads nothing: it returns once the loops have answered the first
// answered of them, which the connection owes its reader.
func pileUp(t *testing.T, site Site, grace time.Duration, requests string, answered int) (net.Conn, func() error) {
	t.Helper()
	var n atomic.Int64
	base, stop := serveOptions(t, site, Options{Grace: grace, ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second,
		IdleTimeout: time.Minute, MaxBodyBytes: 1 << 20,
		Answered: func(string, int, time.Duration) { n.Add(1) }})
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	go io.WriteString(conn, requests)
	for deadline := time.Now().Add(10 * time.Second); n.Load() < int64(answered); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d requests answered", n.Load(), answered)
		}
	}
	return conn, stop
}
