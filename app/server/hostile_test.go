package server

import (
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/webtest"
)

// Every route, each of its segments replaced in turn by what a client may
// send encoded in a segment (a slash, dots that climb, a NUL, bytes that
// are not UTF-8), answers 404 or 400, problem+json on the API, and never
// panics: the mux matches %2F inside a segment, and a kept route used to
// panic when its key found a slash in the decoded path.
func TestNoPathMakesTheServerPanic(t *testing.T) {
	var log webtest.Log
	srv := newTestServerWith(t, func(c *Config) {
		c.Log = slog.New(slog.NewTextHandler(&log, nil))
		c.Media = http.NotFoundHandler()
	})
	routes := []string{
		"/", "/a/" + seedSlug, "/embed", "/saved", "/go/" + seedSlug, "/oembed", "/embed.js", "/robots.txt", "/favicon.ico",
		"/healthz", "/media/abc.jpg", "/web/kiosque.css", "/manifest.webmanifest", "/app.js",
		"/api/v1/articles", "/api/v1/articles/" + seedSlug, "/api/v1/articles/" + seedSlug + "/related",
		"/api/v1/categories", "/api/v1/view", "/api/v1/events", "/api/v2/x",
	}
	hostile := []string{"x%2fy", "x%2F", "%2f", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2e%2e", "..%2f", "a%00b", "%00", "%ff%fe", "caf%c3", "%c0%af", "%e2%80%ae"}
	for _, route := range routes {
		segments := strings.Split(strings.TrimPrefix(route, "/"), "/")
		for i := range segments {
			for _, h := range hostile {
				parts := append([]string(nil), segments...)
				parts[i] = h
				path := "/" + strings.Join(parts, "/")
				res, body := webtest.Raw(t, http.MethodGet, srv.URL+path)
				if res.StatusCode >= 500 {
					t.Errorf("GET %s: %d %.120s", path, res.StatusCode, body)
					continue
				}
				if strings.HasPrefix(path, "/api/") && res.StatusCode >= 400 && !isProblem(res) {
					t.Errorf("GET %s: %d as %s, want problem+json", path, res.StatusCode, res.Header.Get("Content-Type"))
				}
			}
		}
	}
	for _, path := range []string{"/a/x%2fy", "/a/x%2F", "/api/v1/articles/x%2fy/related", "/api/v1/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/api/v1/articles/x%2fy"} {
		res, _ := webtest.Raw(t, http.MethodGet, srv.URL+path)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
	if strings.Contains(log.String(), "panicked") {
		t.Errorf("a handler panicked:\n%s", log.String())
	}
}

// Host headers and cursors are the client's to make up: with a public URL,
// 150 forged hosts keep nothing more; without one, a handful of origins
// at most are kept; 150 forged cursors keep nothing; and an unknown
// section is a 400 that names the parameter, not the whole list.
func TestForgedHostsAndCursorsKeepNothing(t *testing.T) {
	for _, public := range []string{"https://widget.example", ""} {
		t.Run("public URL "+public, func(t *testing.T) {
			kept := answers.NewCache(0)
			srv := newTestServerWith(t, func(c *Config) { c.Answers = kept; c.PublicURL = public })
			warm := []string{"/a/" + seedSlug, "/api/v1/articles", "/", "/oembed?url=" + url.QueryEscape("https://widget.example/a/"+seedSlug)}
			for _, path := range warm {
				webtest.Raw(t, http.MethodGet, srv.URL+path)
			}
			before := kept.Stats()
			for i := range 150 {
				host := fmt.Sprintf("forged-%d.example", i)
				for _, path := range warm[:3] {
					if status := getAt(t, srv.URL+path, host); status != http.StatusOK {
						t.Fatalf("GET %s with Host %s: %d", path, host, status)
					}
				}
				cursor := base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d.%d", 1767225600+i, i)) // "published.id", as the stores write them
				for _, path := range []string{"/api/v1/articles?cursor=" + cursor, "/?cursor=" + cursor, "/api/v1/view?path=" + url.QueryEscape("/?cursor="+cursor)} {
					webtest.Raw(t, http.MethodGet, srv.URL+path)
				}
			}
			after := kept.Stats()
			grown := after.Answers - before.Answers
			if public != "" && grown != 0 {
				t.Errorf("with a public URL, forged hosts and cursors kept %d answers more (%d bytes)", grown, after.Bytes-before.Bytes)
			}
			if public == "" && grown > keptOrigins {
				t.Errorf("without a public URL, forged hosts and cursors kept %d answers more (%d bytes); at most %d origins are kept", grown, after.Bytes-before.Bytes, keptOrigins)
			}
		})
	}
}

// getAt asks url with another Host header, and returns the status.
func getAt(t *testing.T, url, host string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func TestAnUnknownSectionIsABadRequest(t *testing.T) {
	srv := newTestServer(t)
	for _, category := range []string{"%ff", "---", "zzz", "%00"} {
		res, body := webtest.Raw(t, http.MethodGet, srv.URL+"/api/v1/articles?category="+category)
		if res.StatusCode != http.StatusBadRequest || !isProblem(res) || !strings.Contains(string(body), `"param":"category"`) {
			t.Errorf("category=%s: %d %s", category, res.StatusCode, body)
		}
	}
	res, body := webtest.Raw(t, http.MethodGet, srv.URL+"/api/v1/articles?category=Sport")
	if res.StatusCode != http.StatusOK {
		t.Errorf("a section that exists, named in other case: %d %s", res.StatusCode, body)
	}
}
