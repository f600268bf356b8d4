// Package webtest asks a server over HTTP, as a client would, for tests:
// what it answers, and whether its pages show a text.
package webtest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// Get asks for url with the headers given as name, value pairs, and
// returns the response and its whole body; a request that fails fails
// the test.
func Get(tb testing.TB, url string, header ...string) (*http.Response, []byte) {
	tb.Helper()
	return ask(tb, http.DefaultClient.Do, http.MethodGet, url, header)
}

// Raw asks for url once, as a cache in front of the server would: no
// redirect is followed, and no gzip is asked for or decoded unless the
// headers ask for an encoding (it asks for identity otherwise). It
// returns the response and its whole body, as sent.
func Raw(tb testing.TB, method, url string, header ...string) (*http.Response, []byte) {
	tb.Helper()
	transport := &http.Transport{DisableCompression: true}
	defer transport.CloseIdleConnections()
	return ask(tb, transport.RoundTrip, method, url, append([]string{"Accept-Encoding", "identity"}, header...))
}

// ask sends a request through do, the headers set in order (a later one
// replaces an earlier one of the same name), and reads the whole answer.
func ask(tb testing.TB, do func(*http.Request) (*http.Response, error), method, url string, header []string) (*http.Response, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res, body
}

// Shows reports whether the answer at every path of the server at base
// shows text.
func Shows(tb testing.TB, base, text string, paths ...string) bool {
	tb.Helper()
	for _, p := range paths {
		if _, body := Get(tb, base+p); !strings.Contains(string(body), text) {
			return false
		}
	}
	return true
}
