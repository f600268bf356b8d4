package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestGetSendsUserAgentAndValidators(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Header().Set("ETag", `"v2"`)
		w.Header().Set("Last-Modified", "Tue, 05 Mar 2024 10:00:00 GMT")
		w.Write([]byte("body"))
	}))
	defer srv.Close()
	c := New(Options{UserAgent: userAgent("1.2.3")})
	res, err := c.Get(context.Background(), Request{URL: srv.URL, ETag: `"v1"`, LastModified: "Mon, 04 Mar 2024 10:00:00 GMT"})
	if err != nil {
		t.Fatal(err)
	}
	if ua := got.Get("User-Agent"); ua != "Kiosque/1.2.3 (+https://github.com/kiosque/kiosque)" {
		t.Errorf("User-Agent = %q", ua)
	}
	if got.Get("If-None-Match") != `"v1"` || got.Get("If-Modified-Since") != "Mon, 04 Mar 2024 10:00:00 GMT" {
		t.Errorf("validators not sent: %v", got)
	}
	if string(res.Body) != "body" || res.ETag != `"v2"` || res.LastModified != "Tue, 05 Mar 2024 10:00:00 GMT" || res.NotModified {
		t.Errorf("response = %+v", res)
	}
}

func TestGetNotModifiedReadsNoBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	}))
	defer srv.Close()
	res, err := New(Options{}).Get(context.Background(), Request{URL: srv.URL, ETag: `"v1"`})
	if err != nil {
		t.Fatal(err)
	}
	if !res.NotModified || res.Body != nil || res.ETag != `"v1"` {
		t.Errorf("response = %+v, want NotModified keeping the ETag", res)
	}
}

func TestGetRefusesLargeBodies(t *testing.T) {
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/announced" {
			w.Header().Set("Content-Length", "50000000")
		}
		chunk := make([]byte, 32<<10)
		for written.Load() < 50<<20 {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c := New(Options{MaxBytes: 1 << 20})
	for _, path := range []string{"/announced", "/streamed"} {
		written.Store(0)
		_, err := c.Get(context.Background(), Request{URL: srv.URL + path})
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: err = %v, want ErrTooLarge", path, err)
		}
	}
	// The client hung up long before the 50 MB were sent.
	time.Sleep(50 * time.Millisecond)
	if n := written.Load(); n >= 50<<20 {
		t.Errorf("server wrote %d bytes: the client read the whole body", n)
	}
}

func TestGetStatusErrorsCarryRetryAfter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/busy":
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/later":
			w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	c := New(Options{})
	for path, want := range map[string]time.Duration{"/busy": 2 * time.Minute, "/later": time.Hour, "/broken": 0} {
		_, err := c.Get(context.Background(), Request{URL: srv.URL + path})
		var se *StatusError
		if !errors.As(err, &se) {
			t.Fatalf("%s: err = %v, want a StatusError", path, err)
		}
		if got := RetryAfter(err); got < want-2*time.Second || got > want {
			t.Errorf("%s: RetryAfter = %s, want %s", path, got, want)
		}
		if !strings.Contains(err.Error(), srv.URL+path) {
			t.Errorf("%s: error %q does not name the URL", path, err)
		}
	}
}

func TestGetTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	start := time.Now()
	_, err := New(Options{Timeout: 100 * time.Millisecond}).Get(context.Background(), Request{URL: srv.URL})
	if err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("err = %v after %s, want a timeout", err, time.Since(start))
	}
}

func TestGetRefusesOtherSchemes(t *testing.T) {
	for _, u := range []string{"file:///etc/passwd", "ftp://example.com/", "javascript:alert(1)"} {
		if _, err := New(Options{}).Get(context.Background(), Request{URL: u}); err == nil {
			t.Errorf("%s: fetched", u)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"30":                            30 * time.Second,
		"-5":                            0,
		"soon":                          0,
		"Mon, 04 Mar 2024 10:05:00 GMT": 5 * time.Minute,
		"Mon, 04 Mar 2024 09:00:00 GMT": 0,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestPublicOnlyRefusesTheServersOwnNetwork(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("secret"))
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	// Its port allowed, so that the address is what is refused.
	public := New(Options{PublicOnly: true, Ports: []uint16{portOf(t, srv.URL)}})
	for _, u := range []string{srv.URL, "http://localhost:" + port, "http://[::1]:" + port, "http://0.0.0.0:" + port} {
		if _, err := public.Get(context.Background(), Request{URL: u}); !errors.Is(err, ErrNotPublic) {
			t.Errorf("%s: got %v, want ErrNotPublic", u, err)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("the loopback server was reached %d times", hits.Load())
	}
	// Without the option, the same address is reached: the refusal is the option's.
	if _, err := New(Options{}).Get(context.Background(), Request{URL: srv.URL}); err != nil || hits.Load() != 1 {
		t.Errorf("without PublicOnly: %v, %d hits", err, hits.Load())
	}
}

// A page's relative links are relative to where it was found, after its
// redirects: Response.URL says where.
func TestGetSaysWhereTheAnswerCameFrom(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			http.Redirect(w, r, "/blog/", http.StatusMovedPermanently)
			return
		}
		w.Write([]byte("page"))
	}))
	defer srv.Close()
	res, err := New(Options{}).Get(context.Background(), Request{URL: srv.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != srv.URL+"/blog/" {
		t.Errorf("URL = %q, want %q", res.URL, srv.URL+"/blog/")
	}
}
