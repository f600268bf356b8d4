package server

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/negotiate"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
)

// Request is what decides which prepared answer a request gets. The
// site's handler reads it from an *http.Request; a faster front (app/front)
// fills it from its own, and asks Lookup before it asks the handler.
type Request struct {
	Method   string
	Path     string // decoded, as url.URL.Path
	RawQuery string
	// AcceptLanguage is read on the pages that speak the reader's language.
	AcceptLanguage string
	// Host and TLS name the server's origin when no public URL is
	// configured; so do the forwarded headers, when Peer is a trusted proxy.
	Host           string
	TLS            bool
	Peer           netip.Addr // the address the request came from
	ForwardedProto string     // X-Forwarded-Proto
	ForwardedHost  string     // X-Forwarded-Host
}

// requestOf is what the site's handler reads of a request.
func requestOf(r *http.Request) Request {
	return Request{
		Method:         r.Method,
		Path:           r.URL.Path,
		RawQuery:       r.URL.RawQuery,
		AcceptLanguage: r.Header.Get("Accept-Language"),
		Host:           r.Host,
		TLS:            r.TLS != nil,
		Peer:           peerOf(r.RemoteAddr),
		ForwardedProto: r.Header.Get("X-Forwarded-Proto"),
		ForwardedHost:  r.Header.Get("X-Forwarded-Host"),
	}
}

// peerOf reads the address of http.Request.RemoteAddr ("ip:port").
func peerOf(remoteAddr string) netip.Addr {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// Lookup returns the answer prepared for a request, if there is one: a
// static file, or an answer built before and kept (app/answers). It
// allocates little, and only to build a key: a front calls it for every
// request.
func (s *Server) Lookup(req Request) (*answers.Ready, bool) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return nil, false
	}
	if ready, ok := s.fixed[req.Path]; ok {
		return ready, true
	}
	if ready, ok := s.Assets.Lookup(req.Path); ok {
		return ready, true
	}
	key, ok := s.keyOf(req)
	if !ok {
		return nil, false
	}
	return s.Answers.Get(key)
}

// keyOf is the key an answer is kept under: the route and the canonical
// form of its query (the parameters it reads, in order, so that the same
// question asked in other words is one key), the reader's language on the
// pages that speak it, and the server's origin on those that name it.
// Routes whose answers are not kept have none.
func (s *server) keyOf(req Request) (string, bool) {
	path := req.Path
	switch {
	case path == "/api/v1/articles":
		return "articles?" + params.Canonical(req.RawQuery, "category", "cursor", "lang", "limit"), true
	case path == "/api/v1/categories":
		return "categories", true
	case path == "/api/v1/view":
		page, ok := viewedPage(req.RawQuery)
		if !ok {
			return "", false
		}
		return "view " + page + " " + string(s.readerLang(req, page)), true
	case path == "/oembed":
		return "oembed " + s.originOf(req) + " " + params.Canonical(req.RawQuery, "format", "maxheight", "maxwidth", "url"), true
	case strings.HasPrefix(path, "/api/v1/articles/"):
		rest := path[len("/api/v1/articles/"):]
		if slug, ok := strings.CutSuffix(rest, "/related"); ok && slug != "" && !strings.Contains(slug, "/") {
			return "related/" + slug + "?" + params.Canonical(req.RawQuery, "limit"), true
		}
		if rest != "" && !strings.Contains(rest, "/") {
			return "article/" + rest, true
		}
	case path == "/", path == "/embed", path == "/saved",
		strings.HasPrefix(path, "/a/") && len(path) > 3 && !strings.Contains(path[3:], "/"):
		page := params.CanonicalPage(path, req.RawQuery)
		origin := ""
		if s.PublicURL == "" && strings.HasPrefix(page, "/a/") {
			origin = s.originOf(req)
		}
		return "page " + page + " " + string(s.readerLang(req, page)) + " " + origin, true
	}
	return "", false
}

// viewedPage reads the page a view is asked for: a path of this site.
func viewedPage(rawQuery string) (string, bool) {
	q, _ := url.ParseQuery(rawQuery)
	raw := q.Get("path")
	target, err := url.Parse(raw)
	if raw == "" || err != nil || target.Scheme != "" || target.Host != "" || len(raw) > 2048 || raw[0] != '/' {
		return raw, false
	}
	return params.CanonicalPage(target.Path, target.RawQuery), true
}

// readerLang is the language the reader's browser asks for, when the page
// speaks it: "" when the page's language comes from elsewhere, so that its
// answer is kept once, not once per language.
func (s *server) readerLang(req Request, page string) news.Lang {
	if !params.ReaderLangMatters(page) {
		return ""
	}
	return negotiate.Lang(req.AcceptLanguage)
}

// originOf is the scheme and host readers reach this server at: the
// configured public URL, or else the request's own scheme and Host. The
// forwarded headers count only from a trusted proxy: from anyone else they
// would let a client choose the URLs that oEmbed answers and discovery
// links name, and those answers are kept and cached publicly.
func (s *server) originOf(req Request) string {
	if s.PublicURL != "" {
		return s.PublicURL
	}
	scheme, host := "http", req.Host
	if req.TLS {
		scheme = "https"
	}
	if !s.trusts(req.Peer) {
		if req.ForwardedProto != "" || req.ForwardedHost != "" {
			s.ignoredForwarded(req.Peer)
		}
		return scheme + "://" + host
	}
	if p := strings.ToLower(lastForwarded(req.ForwardedProto)); p == "https" || p == "http" {
		scheme = p
	}
	if h := lastForwarded(req.ForwardedHost); validHost(h) {
		host = h
	}
	return scheme + "://" + host
}

// ignoredForwarded logs, once, that forwarded headers came from an
// address not trusted: behind a proxy, the URLs then name the proxy's view
// of the server until -trusted-proxies or -public-url is set.
func (s *server) ignoredForwarded(peer netip.Addr) {
	if s.warnedForwarded.CompareAndSwap(false, true) {
		s.Log.Warn("ignoring X-Forwarded-Proto and X-Forwarded-Host from an address not trusted: URLs name the request's own scheme and host; behind a proxy, set -public-url or -trusted-proxies", "from", peer.String())
	}
}

// trusts reports whether peer is one of the trusted proxies.
func (s *server) trusts(peer netip.Addr) bool {
	for _, p := range s.TrustedProxies {
		if p.Contains(peer) {
			return true
		}
	}
	return false
}

// lastForwarded is the last value of a forwarded header: the one the
// trusted proxy nearest this server wrote (a proxy that appends leaves
// the client's values before its own).
func lastForwarded(v string) string {
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return strings.TrimSpace(v)
}

// validHost reports whether h is a host name or an IP address, with an
// optional port, and nothing else, so that it may go into a URL as it is.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	host, port := h, ""
	if strings.HasPrefix(h, "[") || strings.Count(h, ":") == 1 {
		var err error
		if host, port, err = net.SplitHostPort(h); err != nil {
			if !strings.HasPrefix(h, "[") || !strings.HasSuffix(h, "]") {
				return false
			}
			host, port = h[1:len(h)-1], ""
		}
		if port != "" || strings.HasSuffix(h, ":") {
			n, err := strconv.Atoi(port)
			if err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
				return false
			}
		}
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		return addr.Zone() == "" && (addr.Is4() || strings.HasPrefix(h, "["))
	}
	for label := range strings.SplitSeq(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
