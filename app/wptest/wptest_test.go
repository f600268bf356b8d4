package wptest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// provider is an oEmbed provider on loopback, as WordPress sees one: a
// page with a discovery link, and its answer.
type provider struct {
	*httptest.Server
	URL   string // as WordPress is given it: http://localhost:PORT
	mu    sync.Mutex
	asked []url.Values // the queries of /oembed
}

func startProvider(t *testing.T) *provider {
	t.Helper()
	p := &provider{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oembed":
			p.mu.Lock()
			p.asked = append(p.asked, r.URL.Query())
			p.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{
				"type": "rich", "version": "1.0", "title": "Un article", "provider_name": "Test", "width": 500, "height": 300,
				"html": `<blockquote><a href="` + p.URL + `/post">Un article</a></blockquote><iframe src="` + p.URL + `/frame" width="500" height="300"></iframe>`,
			})
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!DOCTYPE html><title>Un article</title><link rel="alternate" type="application/json+oembed" href="%s/oembed?url=%s">`,
				p.URL, url.QueryEscape(p.URL+r.URL.Path))
		}
	}))
	t.Cleanup(p.Close)
	p.URL = strings.Replace(p.Server.URL, "127.0.0.1", "localhost", 1)
	return p
}

// The site's must-use plugin lets WordPress fetch the one loopback host
// and port it is told, and no other: a URL of another port, or of the
// same server by another name, stays a plain link.
func TestWordPressFetchesOnlyTheTrustedHost(t *testing.T) {
	trusted, other := startProvider(t), startProvider(t)
	site := Start(t, Options{Trusted: strings.TrimPrefix(trusted.URL, "http://")})
	sameByIP := strings.Replace(trusted.URL, "localhost", "127.0.0.1", 1)
	post := site.Post(t, "Trois adresses", "Avant.\n\n"+trusted.URL+"/post\n\n"+other.URL+"/post\n\n"+sameByIP+"/other\n\nAprès.")

	res, err := http.Get(post)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	frames := regexp.MustCompile(`<iframe class="wp-embedded-content"[^>]* src="([^"#]*)`).FindAllSubmatch(body, -1)
	if len(frames) != 1 || string(frames[0][1]) != trusted.URL+"/frame" {
		t.Errorf("frames in the post: %q, want the trusted provider's only%s", frames, site.Log())
	}
	for _, plain := range []string{other.URL + "/post", sameByIP + "/other"} {
		if !strings.Contains(string(body), plain) {
			t.Errorf("%s is gone from the post", plain)
		}
	}
	other.mu.Lock()
	defer other.mu.Unlock()
	if len(other.asked) > 0 {
		t.Errorf("WordPress asked the untrusted provider's oEmbed: %v", other.asked)
	}
	// What WordPress asks for with Debian's theme, which sets no content
	// width (wp_embed_defaults): the browser tests count on it.
	trusted.mu.Lock()
	defer trusted.mu.Unlock()
	if len(trusted.asked) != 1 || trusted.asked[0].Get("maxwidth") != "500" || trusted.asked[0].Get("maxheight") != "750" {
		t.Errorf("WordPress asked the trusted provider %v, want once with maxwidth=500 and maxheight=750", trusted.asked)
	}
}
