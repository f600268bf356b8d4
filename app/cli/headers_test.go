//go:build !wasm

package cli

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Every answer of `kiosque serve`, whichever way it is served (a page or
// JSON kept in memory, one built by the handler, a static file, a 304, a
// problem, a preflight, a redirect), carries the headers that keep
// browsers careful; and Strict-Transport-Security when the server is
// reached over https. A request net/http cannot read as HTTP, which no
// browser sends, gets net/http's own fixed answer: a 4xx in plain text,
// which nothing sniffs into a page.
func TestEveryAnswerCarriesTheSafetyHeaders(t *testing.T) {
	for _, publicURL := range []string{"https://widget.example", "http://widget.example", ""} {
		t.Run(publicURL, func(t *testing.T) {
			args := []string{"-data", t.TempDir(), "-web", webDir}
			if publicURL != "" {
				args = append(args, "-public-url", publicURL)
			}
			base, stop := serveUntilCancelled(t, args...)
			defer stop()
			want := map[string]string{
				"X-Content-Type-Options": "nosniff",
				"Referrer-Policy":        "strict-origin-when-cross-origin",
				"Permissions-Policy":     "camera=()",
			}
			if strings.HasPrefix(publicURL, "https:") {
				want["Strict-Transport-Security"] = "max-age="
			}
			check := func(what string, res *http.Response) {
				t.Helper()
				for name, value := range want {
					if !strings.Contains(res.Header.Get(name), value) {
						t.Errorf("%s: %d with %s %q, want %q in it", what, res.StatusCode, name, res.Header.Get(name), value)
					}
				}
				if _, has := want["Strict-Transport-Security"]; !has && res.Header.Get("Strict-Transport-Security") != "" {
					t.Errorf("%s: Strict-Transport-Security over plain http", what)
				}
			}

			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			paths := []string{
				"/", "/?lang=ar", "/a/" + seedSlug, "/embed", "/embed?article=" + seedSlug + "&theme=dark", "/saved",
				"/api/v1/articles", "/api/v1/articles?limit=x", "/api/v1/articles/" + seedSlug, "/api/v1/articles/" + seedSlug + "/related",
				"/api/v1/categories", "/api/v1/view?path=%2F", "/api/v1/view?path=x", "/api/v1/nothing", "/oembed?url=" + url.QueryEscape(base+"/a/"+seedSlug),
				"/healthz", "/go/" + seedSlug, "/go/nothing", "/a/nothing", "/nothing", "/media/nothing",
				"/embed.js", "/robots.txt", "/favicon.ico", "/app.js", "/app-worker.js", "/manifest.webmanifest", "/web/kiosque.css",
			}
			for _, path := range paths {
				for _, method := range []string{http.MethodGet, http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPost} {
					req, _ := http.NewRequest(method, base+path, nil)
					res, err := client.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					res.Body.Close()
					check(method+" "+path, res)
					if tag := res.Header.Get("ETag"); tag != "" && method == http.MethodGet && res.StatusCode == http.StatusOK {
						req.Header.Set("If-None-Match", tag)
						again, err := client.Do(req)
						if err != nil {
							t.Fatal(err)
						}
						again.Body.Close()
						if again.StatusCode != http.StatusNotModified {
							t.Errorf("GET %s with its ETag: %d", path, again.StatusCode)
						}
						check("GET "+path+" with its ETag", again)
					}
				}
			}

			// Requests the front cannot read get its own problems, with
			// the same headers.
			for what, raw := range map[string]string{
				"not HTTP":         "HELLO\r\n\r\n",
				"a head too large": "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 16<<10) + "\r\n\r\n",
				"a bad target":     "GET http://[x/ HTTP/1.1\r\nHost: x\r\n\r\n",
				"a bad host":       "GET / HTTP/1.1\r\nHost: x\"><script>\r\n\r\n",
			} {
				res := rawRequest(t, base, raw)
				if res.StatusCode < 400 || res.StatusCode >= 500 || res.Header.Get("Content-Type") != "application/problem+json" {
					t.Errorf("%s: %d %s, want a 4xx problem+json", what, res.StatusCode, res.Header.Get("Content-Type"))
				}
				check(what, res)
			}
		})
	}
}

// rawRequest sends raw bytes to the server at base and reads its answer.
func rawRequest(t *testing.T, base, raw string) *http.Response {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%q: %v", raw[:min(len(raw), 40)], err)
	}
	res.Body.Close()
	return res
}
