package links

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzLinks: whatever a server sends in its Link headers and its page,
// the links read are absolute http or https URLs, and reading never
// panics.
func FuzzLinks(f *testing.F) {
	f.Add(`<https://example.com/wp-json/>; rel="https://api.w.org/"`, `<link rel='https://api.w.org/' href='https://example.com/index.php?rest_route=/&#038;x=1' />`)
	f.Add(`</a>; rel=x, <b>; rel="y z"; title="a, \"b\""`, `<base href="../"><link rel=alternate type="application/rss+xml; charset=x" href="feed">`)
	f.Add(`<`, `<link href`)
	f.Add(`;;,,<>;=`, `<head><base href="javascript:x"><link rel=alternate href="//other.example/f"></head><body><link href=/x>`)
	base, _ := url.Parse("https://example.com/blog/page/")
	check := func(t *testing.T, found []Link) {
		for _, l := range found {
			u, err := url.Parse(l.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Errorf("link %q is not an absolute http or https URL", l.URL)
			}
			for _, r := range l.Rel {
				if r == "" || r != strings.ToLower(r) {
					t.Errorf("rel %q", r)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, header, page string) {
		check(t, InHeader(http.Header{"Link": {header}}, base))
		check(t, InHead([]byte(page), base))
	})
}
