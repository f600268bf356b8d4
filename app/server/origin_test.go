package server

import (
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestValidHost(t *testing.T) {
	for h, want := range map[string]bool{
		"widget.example": true, "widget.example:8443": true, "127.0.0.1": true, "127.0.0.1:8080": true,
		"[::1]": true, "[::1]:8080": true, "xn--caf-dma.example": true, "localhost": true,
		"": false, "widget.example:": false, "widget.example:0": false, "widget.example:99999": false,
		"widget.example:08": false, `a.example"><b`: false, "a'b": false, "a.example;x=1": false,
		"a.example/path": false, "user@a.example": false, "::1": false, "[fe80::1%eth0]": false,
		"-a.example": false, "a..example": false, "a.example:80:80": false,
	} {
		if got := validHost(h); got != want {
			t.Errorf("validHost(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestOriginBelievesOnlyTrustedProxies(t *testing.T) {
	s := &server{Config: Config{
		Log:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
	}}
	const proxy, client = "10.1.2.3:4000", "203.0.113.9:4000"
	for _, tc := range []struct {
		host, from, proto string
		forwarded         []string // X-Forwarded-Host lines
		tls               bool
		want              string
	}{
		{"k.example", client, "https", []string{"attacker.example"}, false, "http://k.example"},
		{"k.example", client, "", nil, true, "https://k.example"},
		{"10.0.0.5:8080", proxy, "https", []string{"widget.example"}, false, "https://widget.example"},
		// A proxy that appends: the last value is its own.
		{"10.0.0.5:8080", proxy, "http, https", []string{"attacker.example, widget.example"}, false, "https://widget.example"},
		// A client's own line comes first, the proxy's last.
		{"10.0.0.5:8080", proxy, "https", []string{"attacker.example", "widget.example"}, false, "https://widget.example"},
		// A forwarded host that is not one is ignored.
		{"10.0.0.5:8080", proxy, "", []string{`widget.example"><script>`}, false, "http://10.0.0.5:8080"},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Host, r.RemoteAddr = tc.host, tc.from
		if tc.proto != "" {
			r.Header.Set("X-Forwarded-Proto", tc.proto)
		}
		r.Header["X-Forwarded-Host"] = tc.forwarded
		if tc.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if got := s.originOf(netRequest{r}); got != tc.want {
			t.Errorf("originOf(Host %s from %s, X-Forwarded-Host %q) = %q, want %q", tc.host, tc.from, tc.forwarded, got, tc.want)
		}
	}
	s.PublicURL = "https://public.example"
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Host, r.RemoteAddr = "x", proxy
	r.Header.Set("X-Forwarded-Host", "widget.example")
	if got := s.originOf(netRequest{r}); got != s.PublicURL {
		t.Errorf("with a public URL: %q", got)
	}
}

func TestRouteOf(t *testing.T) {
	for path, want := range map[string]string{
		"/": "/", "/embed": "/embed", "/a/x": "/a/{slug}", "/api/v1/articles/x/related": "/api/v1/articles/{slug}/related",
		"/api/v1/articles/x": "/api/v1/articles/{slug}", "/media/abc.jpg": "/media/{key}", "/web/x.css": "/web/{file}",
		"/api/v2": "/api/…", "/wp-login.php": "other",
	} {
		if got := RouteOf(path); got != want {
			t.Errorf("RouteOf(%q) = %q, want %q", path, got, want)
		}
	}
}

// X-Forwarded-For chooses a client's token bucket only from a trusted
// proxy: anyone else would pick a fresh bucket for every event.
func TestClientAddressBelievesOnlyTrustedProxies(t *testing.T) {
	s := &server{Config: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}
	proxy, client := netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("203.0.113.9")
	if got := s.clientAddress(proxy, "198.51.100.1, 198.51.100.7"); got != netip.MustParseAddr("198.51.100.7") {
		t.Errorf("from a trusted proxy: %s, want the last address it names", got)
	}
	if got := s.clientAddress(client, "198.51.100.7"); got != client {
		t.Errorf("from a client: %s, want its own address", got)
	}
	if got := s.clientAddress(proxy, "not an address"); got != proxy {
		t.Errorf("a header that names no address: %s", got)
	}
}
