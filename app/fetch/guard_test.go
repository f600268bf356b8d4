package fetch

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
)

// These call the dialer's check directly: no test here ever connects
// anywhere but loopback, even if the check were broken.
func TestPublicOnlyRefusesSpecialPurposeRanges(t *testing.T) {
	g := newGuard(Options{PublicOnly: true})
	for _, tc := range []struct{ address, what string }{
		{"0.0.0.0:80", "unspecified"},
		{"0.1.2.3:80", "this network, 0.0.0.0/8"},
		{"10.0.0.1:80", "private, 10.0.0.0/8"},
		{"100.64.0.1:80", "shared address space (carrier NAT), 100.64.0.0/10"},
		{"100.100.100.200:80", "cloud metadata in 100.64.0.0/10"},
		{"100.127.255.254:443", "the top of 100.64.0.0/10"},
		{"127.0.0.1:80", "loopback"},
		{"127.1.2.3:443", "loopback, 127.0.0.0/8"},
		{"169.254.169.254:80", "link-local, cloud metadata"},
		{"172.16.0.1:80", "private, 172.16.0.0/12"},
		{"172.31.255.254:80", "private, top of 172.16.0.0/12"},
		{"192.0.0.8:80", "IETF protocol assignments, 192.0.0.0/24"},
		{"192.0.2.1:80", "documentation, 192.0.2.0/24"},
		{"192.88.99.1:80", "6to4 relay anycast, 192.88.99.0/24"},
		{"192.168.1.1:80", "private, 192.168.0.0/16"},
		{"198.18.0.1:80", "benchmarking, 198.18.0.0/15"},
		{"198.19.255.254:80", "benchmarking, top of 198.18.0.0/15"},
		{"198.51.100.1:80", "documentation, 198.51.100.0/24"},
		{"203.0.113.1:80", "documentation, 203.0.113.0/24"},
		{"224.0.0.1:80", "multicast, 224.0.0.0/4"},
		{"239.255.255.250:80", "multicast (SSDP)"},
		{"240.0.0.1:80", "reserved, 240.0.0.0/4"},
		{"255.255.255.255:80", "limited broadcast"},
		{"[::]:80", "IPv6 unspecified"},
		{"[::1]:80", "IPv6 loopback"},
		{"[::ffff:127.0.0.1]:80", "IPv4-mapped loopback"},
		{"[::ffff:10.0.0.1]:80", "IPv4-mapped private"},
		{"[::ffff:100.100.100.200]:80", "IPv4-mapped carrier NAT"},
		{"[64:ff9b::a9fe:a9fe]:80", "NAT64 64:ff9b::/96 (169.254.169.254)"},
		{"[64:ff9b::808:808]:80", "NAT64 64:ff9b::/96, even of a public address"},
		{"[64:ff9b:1::1]:80", "local-use NAT64, 64:ff9b:1::/48"},
		{"[100::1]:80", "discard-only, 100::/64"},
		{"[2001::1]:80", "Teredo, 2001::/32"},
		{"[2001:0:ffff:ffff::1]:80", "Teredo, top of 2001::/32"},
		{"[2001:db8::1]:80", "documentation, 2001:db8::/32"},
		{"[2002:a9fe:a9fe::1]:80", "6to4, 2002::/16 (169.254.169.254)"},
		{"[2002:808:808::1]:80", "6to4, 2002::/16"},
		{"[3fff::1]:80", "documentation, 3fff::/20"},
		{"[fc00::1]:80", "unique local, fc00::/7"},
		{"[fd00:ec2::254]:80", "unique local (cloud metadata)"},
		{"[fe80::1]:80", "link-local, fe80::/10"},
		{"[ff02::1]:80", "multicast, ff00::/8"},
	} {
		network := "tcp4"
		if tc.address[0] == '[' {
			network = "tcp6"
		}
		if err := g.control(network, tc.address, nil); !errors.Is(err, ErrNotPublic) {
			t.Errorf("%s (%s): got %v, want ErrNotPublic", tc.address, tc.what, err)
		}
	}
	for _, address := range []string{
		"8.8.8.8:443", "1.1.1.1:80", "100.63.255.255:80", "100.128.0.0:80", "198.17.255.255:80",
		"198.20.0.0:443", "223.255.255.254:80", "[::ffff:8.8.8.8]:443", "[2606:4700:4700::1111]:443",
		"[2001:4860:4860::8888]:80", "[2003::1]:443",
	} {
		network := "tcp4"
		if address[0] == '[' {
			network = "tcp6"
		}
		if err := g.control(network, address, nil); err != nil {
			t.Errorf("%s: refused (%v), want allowed: it is public", address, err)
		}
	}
}

func TestPublicOnlyAllowsPorts80And443Only(t *testing.T) {
	public := newGuard(Options{PublicOnly: true})
	for address, ok := range map[string]bool{
		"8.8.8.8:80": true, "8.8.8.8:443": true, "8.8.8.8:8080": false, "8.8.8.8:22": false,
		"8.8.8.8:6379": false, "[2606:4700:4700::1111]:25": false,
	} {
		network := "tcp4"
		if address[0] == '[' {
			network = "tcp6"
		}
		err := public.control(network, address, nil)
		if ok && err != nil || !ok && !errors.Is(err, ErrPortNotAllowed) {
			t.Errorf("%s: got %v, want allowed %v", address, err, ok)
		}
	}
	// An option widens them.
	if err := newGuard(Options{PublicOnly: true, Ports: []uint16{8080}}).control("tcp4", "8.8.8.8:8080", nil); err != nil {
		t.Errorf("Ports: [8080]: %v", err)
	}
	if err := newGuard(Options{PublicOnly: true, Ports: []uint16{8080}}).control("tcp4", "8.8.8.8:443", nil); !errors.Is(err, ErrPortNotAllowed) {
		t.Errorf("Ports: [8080]: port 443: got %v, want ErrPortNotAllowed", err)
	}
	// Not UDP or anything else.
	if err := public.control("udp4", "8.8.8.8:443", nil); err == nil {
		t.Error("udp4: allowed")
	}
}

// A redirect is one more connection: the dialer checks it like the first.
func TestPortsAreCheckedOnRedirects(t *testing.T) {
	var targetHits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		targetHits.Add(1)
		w.Write([]byte("inside"))
	}))
	defer target.Close()
	start := httptest.NewServer(http.RedirectHandler(target.URL+"/secret", http.StatusFound))
	defer start.Close()

	only := New(Options{Ports: []uint16{portOf(t, start.URL)}})
	if _, err := only.Get(context.Background(), Request{URL: start.URL}); !errors.Is(err, ErrPortNotAllowed) {
		t.Errorf("redirected to another port: got %v, want ErrPortNotAllowed", err)
	}
	if _, err := only.Get(context.Background(), Request{URL: target.URL}); !errors.Is(err, ErrPortNotAllowed) {
		t.Errorf("straight to another port: got %v, want ErrPortNotAllowed", err)
	}
	if n := targetHits.Load(); n != 0 {
		t.Fatalf("the refused port was reached %d times", n)
	}
	both := New(Options{Ports: []uint16{portOf(t, start.URL), portOf(t, target.URL)}})
	if res, err := both.Get(context.Background(), Request{URL: start.URL}); err != nil || string(res.Body) != "inside" {
		t.Errorf("both ports allowed: %q, %v", res.Body, err)
	}
}

// fakeProxy answers every request it is asked to forward, recording it.
func fakeProxy(t *testing.T) (*httptest.Server, *atomic.Int32, *atomic.Value) {
	t.Helper()
	var hits atomic.Int32
	var last atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		last.Store(r.RequestURI)
		io.WriteString(w, "via proxy")
	}))
	t.Cleanup(srv.Close)
	t.Setenv("HTTP_PROXY", srv.URL)
	t.Setenv("HTTPS_PROXY", srv.URL)
	t.Setenv("NO_PROXY", "")
	t.Setenv("REQUEST_METHOD", "")
	return srv, &hits, &last
}

func TestEnvironmentProxyOnlyWhenAsked(t *testing.T) {
	_, hits, last := fakeProxy(t)
	target, _ := url.Parse("http://pictures.example/cat.jpg")
	for _, opts := range []Options{{}, {PublicOnly: true}} {
		tr := New(opts).http.Transport.(*http.Transport)
		if tr.Proxy == nil {
			continue
		}
		if p, err := tr.Proxy(&http.Request{URL: target}); p != nil || err != nil {
			t.Errorf("%+v: requests go through %v (%v), want no proxy", opts, p, err)
		}
	}

	// Asked, the proxy carries the request; the target's name is not
	// resolved here (the proxy does it).
	res, err := New(Options{UseEnvProxy: true}).Get(context.Background(), Request{URL: target.String()})
	if err != nil || string(res.Body) != "via proxy" || hits.Load() != 1 || last.Load() != target.String() {
		t.Fatalf("UseEnvProxy: %q, %v; proxy asked %d times, last for %v", res.Body, err, hits.Load(), last.Load())
	}
}

func TestEnvironmentProxyTargetsAreChecked(t *testing.T) {
	_, hits, _ := fakeProxy(t)
	// The proxy is on loopback: the proxy itself is allowed, what it would
	// reach is not.
	c := New(Options{UseEnvProxy: true, PublicOnly: true})
	for u, want := range map[string]error{
		"http://100.100.100.200/latest/meta-data/": ErrNotPublic,
		"http://169.254.169.254/":                  ErrNotPublic,
		"http://[fd00:ec2::254]/":                  ErrNotPublic,
		"http://[64:ff9b::a00:1]/":                 ErrNotPublic,
		"http://127.0.0.1/":                        ErrNotPublic, // never proxied, so dialled and refused
		"http://pictures.example:6379/":            ErrPortNotAllowed,
	} {
		if _, err := c.Get(context.Background(), Request{URL: u}); !errors.Is(err, want) {
			t.Errorf("%s: got %v, want %v", u, err, want)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the proxy was asked %d times for refused targets", n)
	}
}

func portOf(t *testing.T, rawURL string) uint16 {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseUint(u.Port(), 10, 16)
	if err != nil {
		t.Fatal(err)
	}
	return uint16(n)
}
