package server

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// A request asked of both paths.
type fastCase struct {
	method, target string
	header         map[string]string
	peer           string
}

// fastAnswer is what one path answered: its status, headers but Date
// and Content-Length (which each stack writes itself), and body.
type fastAnswer struct {
	status int
	header http.Header
	body   []byte
}

// viaFast asks ServeFast, and reports whether it answered.
func viaFast(t *testing.T, site *Server, c fastCase) (fastAnswer, bool) {
	t.Helper()
	var req fasthttp.Request
	req.Header.SetMethod(c.method)
	req.SetRequestURI(c.target)
	req.Header.DisableNormalizing()
	for name, value := range c.header {
		req.Header.Set(name, value)
	}
	if c.header["Host"] == "" {
		req.Header.SetHost("example.org")
	}
	var ctx fasthttp.RequestCtx
	addr := net.TCPAddrFromAddrPort(netip.MustParseAddrPort(c.peer))
	ctx.Init(&req, addr, nil)
	ctx.Response.Header.SetNoDefaultContentType(true) // as the front's server sets it
	if !site.ServeFast(&ctx) {
		return fastAnswer{}, false
	}
	a := fastAnswer{status: ctx.Response.StatusCode(), header: http.Header{}, body: bytes.Clone(ctx.Response.Body())}
	for name, value := range ctx.Response.Header.All() {
		a.header.Add(string(name), string(value))
	}
	if c.method == http.MethodHead && a.status != http.StatusNotModified {
		a.header.Set("Content-Length", strconv.Itoa(ctx.Response.Header.ContentLength()))
	}
	a.header.Del("Date")
	if c.method != http.MethodHead {
		a.header.Del("Content-Length")
	}
	return a, true
}

// viaMux asks ServeHTTP, as net/http would hand it the same request.
func viaMux(site *Server, c fastCase) fastAnswer {
	r := httptest.NewRequest(c.method, c.target, nil)
	r.Host = "example.org"
	for name, value := range c.header {
		if name == "Host" {
			r.Host = value
			continue
		}
		r.Header.Set(name, value)
	}
	r.RemoteAddr = c.peer
	rec := httptest.NewRecorder()
	site.ServeHTTP(rec, r)
	a := fastAnswer{status: rec.Code, header: rec.Header().Clone(), body: rec.Body.Bytes()}
	a.header.Del("Date")
	if c.method != http.MethodHead {
		a.header.Del("Content-Length")
	}
	if a.status == http.StatusNotModified {
		// net/http leaves out a 304's body headers as it writes it.
		a.header.Del("Content-Type")
	}
	return a
}

// The fast path answers what the mux answers, byte for byte, for every
// request it takes, and takes every plain GET or HEAD of a route whose
// answers are kept or of a file; targets the mux would clean, redirect
// or read otherwise (encoded slashes, dot segments, bytes outside a
// slug) are left to it.
func TestTheFastPathAnswersAsTheMux(t *testing.T) {
	trusted := netip.MustParsePrefix("10.0.0.0/8")
	site := newTestHandler(t, func(c *Config) {
		c.TrustedProxies = []netip.Prefix{trusted}
		c.Media = http.NotFoundHandler()
	}).(*Server)
	arabic := "/a/" + url.PathEscape("المغرب-يفوز")
	taken := []string{
		"/", "/?lang=ar", "/embed", "/embed?theme=dark&lang=en", "/saved", "/publish", "/a/" + seedSlug, "/a/no-such-article", arabic,
		"/api/v1/articles", "/api/v1/articles?limit=2&lang=fr", "/api/v1/articles?category=zzz", "/api/v1/articles?cursor=forged",
		"/api/v1/articles/" + seedSlug, "/api/v1/articles/" + seedSlug + "/related", "/api/v1/articles/" + seedSlug + "/related?limit=3",
		"/api/v1/articles/no-such-article", "/api/v1/articles/" + url.PathEscape("مقال"), "/api/v1/categories",
		"/api/v1/view?path=/a/" + seedSlug, "/api/v1/view?path=https://evil.example/", "/oembed?url=http://example.org/a/" + seedSlug,
		"/embed.js", "/robots.txt", "/favicon.ico", "/web/kiosque.css", "/app.js", "/manifest.webmanifest",
	}
	left := []string{
		"/a/x%2fy", "/a/x%2F", "/a/%2e%2e", "/a/..", "/a/.", "/a/a%00b", "/a/%ff%fe", "/a/", "/a//x", "/embed/", "//embed", "/./embed",
		"/embe%64", "/api/v1/articles/", "/api/v1/articles/x/other", "/api/v1/articles/x%2fy/related", "/web/kiosque%2ecss",
		"/go/" + seedSlug, "/healthz", "/media/abc.jpg", "/no/such/file", "/api/v2/x", "http://example.org/embed", "*",
	}
	headers := []map[string]string{
		nil,
		{"Accept-Encoding": "gzip, br"},
		{"Accept-Encoding": "gzip"},
		{"Accept-Language": "ar,fr;q=0.5"},
		{"Host": "other.example:8080", "X-Forwarded-Host": "client.example, proxy.example", "X-Forwarded-Proto": "https"},
	}
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		for _, target := range taken {
			for _, h := range headers {
				for _, peer := range []string{"192.0.2.7:4000", "10.1.2.3:4000"} {
					c := fastCase{method: method, target: target, header: h, peer: peer}
					fast, ok := viaFast(t, site, c)
					if !ok {
						t.Errorf("%s %s %v: the fast path left it to the mux", method, target, h)
						continue
					}
					mux := viaMux(site, c)
					if mux.status == http.StatusNotFound && strings.HasPrefix(mux.header.Get("Content-Type"), "text/html") {
						// The not-found page is built for each request by
						// go-app, which writes an element's attributes in
						// no fixed order: the same page, in other bytes.
						for _, a := range []*fastAnswer{&fast, &mux} {
							a.body = nil
							a.header.Del("Etag")
							a.header.Del("Content-Length")
						}
					}
					compareAnswers(t, c, fast, mux)
					if fast.status == http.StatusOK && fast.header.Get("Etag") != "" {
						// The same, revalidated.
						again := c
						again.header = map[string]string{"If-None-Match": fast.header.Get("Etag")}
						for k, v := range h {
							again.header[k] = v
						}
						if revalidated, _ := viaFast(t, site, again); revalidated.status != http.StatusNotModified {
							t.Errorf("%s %s with its tag: %d, want 304", method, target, revalidated.status)
						} else {
							compareAnswers(t, again, revalidated, viaMux(site, again))
						}
					}
				}
			}
		}
		for _, target := range left {
			if _, ok := viaFast(t, site, fastCase{method: method, target: target, peer: "192.0.2.7:4000"}); ok {
				t.Errorf("%s %s: the fast path answered it; the mux must", method, target)
			}
		}
	}
	for _, method := range []string{http.MethodPost, http.MethodOptions, http.MethodDelete} {
		if _, ok := viaFast(t, site, fastCase{method: method, target: "/api/v1/articles", peer: "192.0.2.7:4000"}); ok {
			t.Errorf("%s /api/v1/articles: the fast path answered it; the mux must", method)
		}
	}
}

func compareAnswers(t *testing.T, c fastCase, fast, mux fastAnswer) {
	t.Helper()
	if fast.status != mux.status {
		t.Errorf("%s %s %v: status %d on the fast path, %d on the mux", c.method, c.target, c.header, fast.status, mux.status)
	}
	if !bytes.Equal(fast.body, mux.body) {
		t.Errorf("%s %s %v: bodies differ: fast %.80q, mux %.80q", c.method, c.target, c.header, fast.body, mux.body)
	}
	names := slices.Sorted(func(yield func(string) bool) {
		seen := map[string]bool{}
		for _, h := range []http.Header{fast.header, mux.header} {
			for name := range h {
				if !seen[name] && !yield(name) {
					return
				}
				seen[name] = true
			}
		}
	})
	for _, name := range names {
		if f, m := fast.header.Values(name), mux.header.Values(name); !slices.Equal(f, m) {
			t.Errorf("%s %s %v: %s is %q on the fast path, %q on the mux", c.method, c.target, c.header, name, f, m)
		}
	}
}

// On the fast path as on the mux, the forwarded headers count from their
// last line, the one the trusted proxy wrote, and only from it.
func TestTheFastPathReadsTheProxysLine(t *testing.T) {
	site := newTestHandler(t, func(c *Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	}).(*Server)
	for peer, want := range map[string]string{"10.1.2.3:4000": "https://proxy.example", "192.0.2.7:4000": "http://widget.example"} {
		var req fasthttp.Request
		req.SetRequestURI("/embed")
		req.Header.SetHost("widget.example")
		req.Header.Add("X-Forwarded-Host", "client.example")
		req.Header.Add("X-Forwarded-Host", "forged.example, proxy.example")
		req.Header.Add("X-Forwarded-Proto", "http")
		req.Header.Add("X-Forwarded-Proto", "https")
		var ctx fasthttp.RequestCtx
		ctx.Init(&req, net.TCPAddrFromAddrPort(netip.MustParseAddrPort(peer)), nil)
		target, _ := fastTargetOf("/embed")
		if got := site.site.originOf(fastRequest{&ctx, target}); got != want {
			t.Errorf("from %s: origin %q, want %q", peer, got, want)
		}
	}
}
