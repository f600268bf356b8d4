package server

import (
	"io"
	"log/slog"
	"net/netip"
	"testing"
	"unsafe"
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
	proxy, client := netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("203.0.113.9")
	for _, tc := range []struct {
		req  Request
		want string
	}{
		{Request{Host: "k.example", Peer: client, ForwardedProto: "https", ForwardedHost: "attacker.example"}, "http://k.example"},
		{Request{Host: "k.example", Peer: client, TLS: true}, "https://k.example"},
		{Request{Host: "10.0.0.5:8080", Peer: proxy, ForwardedProto: "https", ForwardedHost: "widget.example"}, "https://widget.example"},
		// A proxy that appends: the last value is its own.
		{Request{Host: "10.0.0.5:8080", Peer: proxy, ForwardedProto: "http, https", ForwardedHost: "attacker.example, widget.example"}, "https://widget.example"},
		// A forwarded host that is not one is ignored.
		{Request{Host: "10.0.0.5:8080", Peer: proxy, ForwardedHost: `widget.example"><script>`}, "http://10.0.0.5:8080"},
	} {
		if got := s.originOf(tc.req); got != tc.want {
			t.Errorf("originOf(%+v) = %q, want %q", tc.req, got, tc.want)
		}
	}
	s.PublicURL = "https://public.example"
	if got := s.originOf(Request{Host: "x", Peer: proxy, ForwardedHost: "widget.example"}); got != s.PublicURL {
		t.Errorf("with a public URL: %q", got)
	}
}

// RouteOf names routes with constants: the front passes it a view of its
// own buffer, which it reuses, and the metrics keep the names.
func TestRouteOfKeepsNoneOfItsArgument(t *testing.T) {
	for path, want := range map[string]string{
		"/": "/", "/embed": "/embed", "/a/x": "/a/{slug}", "/api/v1/articles/x/related": "/api/v1/articles/{slug}/related",
		"/api/v1/articles/x": "/api/v1/articles/{slug}", "/media/abc.jpg": "/media/{key}", "/web/x.css": "/web/{file}",
		"/api/v2": "/api/…", "/wp-login.php": "other",
	} {
		buf := []byte(path)
		got := RouteOf(unsafe.String(&buf[0], len(buf))) // as the front passes it
		for i := range buf {
			buf[i] = '#'
		}
		if got != want {
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
