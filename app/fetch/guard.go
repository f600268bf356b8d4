package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"code.dny.dev/ssrf"
	"golang.org/x/net/http/httpproxy"
)

// ErrNotPublic is returned for a connection PublicOnly refused.
var ErrNotPublic = errors.New("address is not on the public internet")

// ErrPortNotAllowed is returned for a connection to a port Options.Ports
// (or PublicOnly's default) does not list.
var ErrPortNotAllowed = errors.New("port not allowed")

// publicPorts are the ports a PublicOnly client connects to by default:
// the web's own, not a mail server's or a database's on the same host.
var publicPorts = []uint16{80, 443}

// A guard decides where a client may connect. Its control runs on every
// connection after name resolution, so a redirect, or a name that resolves
// somewhere else the second time, is checked like the first address.
type guard struct {
	special *ssrf.Guardian // nil: any address
	ports   []uint16       // nil: any port
	proxies []string       // host:port of the environment's proxies, dialled unchecked
}

func newGuard(opts Options) *guard {
	g := &guard{ports: opts.Ports}
	if len(g.ports) == 0 {
		g.ports = nil
		if opts.PublicOnly {
			g.ports = publicPorts
		}
	}
	if opts.PublicOnly {
		// The IANA special-purpose registries, kept by the library: private,
		// shared (carrier NAT, cloud metadata), loopback, link-local,
		// benchmarking, documentation, reserved, multicast; in IPv6 anything
		// outside global unicast (NAT64, ULA, link-local, mapped) and the
		// special ranges inside it (6to4, Teredo and the IETF's 2001::/23).
		// Ports are checked here rather than there: ours may be any.
		g.special = ssrf.New(ssrf.WithAnyPort())
	}
	return g
}

// restricts reports whether the guard refuses anything at all.
func (g *guard) restricts() bool { return g.special != nil || g.ports != nil }

// control is a net.Dialer's Control: address is the resolved IP and port.
func (g *guard) control(network, address string, _ syscall.RawConn) error {
	if network != "tcp4" && network != "tcp6" {
		return fmt.Errorf("connect to %s over %s: %w", address, network, ErrNotPublic)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", address, ErrNotPublic)
	}
	return g.check(ap.Addr(), ap.Port())
}

func (g *guard) check(ip netip.Addr, port uint16) error {
	if err := g.checkPort(port); err != nil {
		return fmt.Errorf("connect to %s: %w", netip.AddrPortFrom(ip, port), err)
	}
	if g.special == nil {
		return nil
	}
	// An IPv4-mapped IPv6 address is the IPv4 address it maps.
	if err := g.special.SafeAddr(ip.Unmap()); err != nil {
		return fmt.Errorf("connect to %s: %w (%v)", netip.AddrPortFrom(ip, port), ErrNotPublic, err)
	}
	return nil
}

func (g *guard) checkPort(port uint16) error {
	if g.ports != nil && !slices.Contains(g.ports, port) {
		return fmt.Errorf("%w: %d (allowed: %s)", ErrPortNotAllowed, port, joinPorts(g.ports))
	}
	return nil
}

func joinPorts(ports []uint16) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(int(p))
	}
	return strings.Join(s, ", ")
}

// dial wraps dialer: a refused port is refused before its name is
// resolved; the environment's proxies are dialled without the checks (the
// targets behind them are checked in proxy).
func (g *guard) dial(dialer *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	checked := *dialer
	checked.Control = g.control
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if slices.Contains(g.proxies, addr) {
			return dialer.DialContext(ctx, network, addr)
		}
		if _, port, err := net.SplitHostPort(addr); err == nil {
			if n, err := strconv.ParseUint(port, 10, 16); err == nil {
				if err := g.checkPort(uint16(n)); err != nil {
					return nil, fmt.Errorf("connect to %s: %w", addr, err)
				}
			}
		}
		return checked.DialContext(ctx, network, addr)
	}
}

// envProxy returns the proxy function of the environment (HTTPS_PROXY,
// HTTP_PROXY, NO_PROXY), read now, checking each target the proxy would
// reach: the proxy resolves names itself, so the target's name is
// resolved here first to be checked. A proxy can still be told another
// address than the one checked here (a name that changes between the
// two); a proxy used with PublicOnly should refuse internal addresses too.
func (g *guard) envProxy() func(*http.Request) (*url.URL, error) {
	env := httpproxy.FromEnvironment()
	proxyFor := env.ProxyFunc()
	all := *env
	all.NoProxy = ""
	everything := all.ProxyFunc()
	for _, scheme := range []string{"http", "https"} {
		if p, err := everything(&url.URL{Scheme: scheme, Host: "kiosque.invalid"}); err == nil && p != nil {
			g.proxies = append(g.proxies, hostPort(p))
		}
	}
	return func(req *http.Request) (*url.URL, error) {
		p, err := proxyFor(req.URL)
		if err != nil {
			return nil, err
		}
		if p == nil {
			// Direct: the dialer checks it, except at a proxy's own address.
			if g.restricts() && slices.Contains(g.proxies, hostPort(req.URL)) {
				return nil, fmt.Errorf("connect to %s: %w", req.URL.Host, ErrNotPublic)
			}
			return nil, nil
		}
		if g.restricts() {
			if err := g.checkTarget(req.Context(), req.URL); err != nil {
				return nil, err
			}
		}
		return p, nil
	}
}

// checkTarget checks a URL a proxy is to fetch: its port, and every
// address its name resolves to here.
func (g *guard) checkTarget(ctx context.Context, u *url.URL) error {
	_, port, _ := net.SplitHostPort(hostPort(u))
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return fmt.Errorf("connect to %s: bad port: %w", u.Host, ErrNotPublic)
	}
	if err := g.checkPort(uint16(n)); err != nil {
		return fmt.Errorf("connect to %s: %w", u.Host, err)
	}
	if g.special == nil {
		return nil
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		return g.check(ip, uint16(n))
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("resolve %s to check where it is: %w", host, err)
	}
	for _, ip := range ips {
		if err := g.check(ip, uint16(n)); err != nil {
			return err
		}
	}
	return nil
}

// hostPort is the host and port a connection for u goes to, the port
// given or the scheme's.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "https":
			port = "443"
		case "socks5", "socks5h":
			port = "1080"
		default:
			port = "80"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}
