package server

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/webtest"
	"golang.org/x/net/html"
)

// A widget's document carries the look script inline, and its CSP allows
// exactly that script by its hash (a browser refuses any other inline
// script, and would refuse this one were the hash of other bytes). The
// site's pages carry neither.
func TestTheWidgetsLookScriptIsAllowedByItsHash(t *testing.T) {
	srv := newTestServer(t)
	for path, widget := range map[string]bool{
		"/embed?article=" + seedSlug:                      true,
		"/embed?category=culture&layout=cards&theme=dark": true,
		"/embed?theme=purple":                             true, // an error, framed too
		"/":                                               false,
		"/a/" + seedSlug:                                  false,
	} {
		res, body := webtest.Get(t, srv.URL+path)
		csp := res.Header.Get("Content-Security-Policy")
		var inline []string
		for _, n := range elements(parsePage(t, body), func(n *html.Node) bool {
			return n.Type == html.ElementNode && n.Data == "script" && attribute(n, "src") == "" && attribute(n, "type") == ""
		}) {
			inline = append(inline, text(n))
		}
		scripts, _, _ := strings.Cut(strings.SplitN(csp, "script-src ", 2)[1], ";")
		if !widget {
			if len(inline) != 0 || strings.Contains(scripts, "sha256-") {
				t.Errorf("%s: %d inline scripts, script-src %q: the site's pages have none", path, len(inline), scripts)
			}
			continue
		}
		if res.StatusCode == http.StatusOK && len(inline) != 1 {
			t.Errorf("%s: %d inline scripts, want the look's", path, len(inline))
			continue
		}
		for _, js := range inline {
			sum := sha256.Sum256([]byte(js))
			if want := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(scripts, want) {
				t.Errorf("%s: script-src %q does not allow the inline script (%s, %d bytes)", path, scripts, want, len(js))
			}
			if !strings.Contains(js, "data-look-") {
				t.Errorf("%s: the inline script is not the look's: %.80s", path, js)
			}
		}
		// In the head, after the style sheet (whose theme it reads) and
		// before the body: it runs before anything is painted.
		page := string(body)
		at, sheet := strings.Index(page, "<script>"), strings.Index(page, `rel="stylesheet"`)
		if res.StatusCode == http.StatusOK && !(sheet >= 0 && sheet < at && at < strings.Index(page, "</head>")) {
			t.Errorf("%s: the look script is at %d, the style sheet at %d, the head ends at %d", path, at, sheet, strings.Index(page, "</head>"))
		}
		if strings.Contains(scripts, "unsafe-inline") || strings.Count(scripts, "sha256-") != 1 {
			t.Errorf("%s: script-src %q, want one hash and no unsafe-inline", path, scripts)
		}
	}
}
