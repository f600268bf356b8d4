package server

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/kiosque/kiosque/app/negotiate"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
)

// An ask is what a request asks of a route whose answers are kept, worked
// out once from the request: the canonical form of what the route reads,
// the reader's language and the origin where the answer depends on them,
// and the key it is kept under. The key and the builder both read the
// ask, so that the answer kept under a key is the one its key names.
type ask struct {
	route string
	// slug is the article the path names, decoded; "" on routes that
	// name none, and for a segment that cannot be a slug (badSlug).
	slug string
	// query is the canonical query of an API route (params.Canonical),
	// only the parameters it reads.
	query string
	// page is the canonical page of a page or a view
	// (params.CanonicalPage).
	page string
	// reader is the language the reader's browser asks for, on pages
	// that speak it; "" elsewhere, so that the others are kept once.
	reader news.Lang
	// origin is the scheme and host the answer's links name, on the
	// answers that name one.
	origin string
	// key is what the answer is kept under; "" if it is built for this
	// request alone (a cursor's page, an origin past the few kept).
	key string
	// err, when set, is the problem the request gets instead (a view of
	// a path that is not this site's).
	err error
}

// The routes whose answers are kept.
const (
	routeArticles   = "/api/v1/articles"
	routeArticle    = "/api/v1/articles/{slug}"
	routeRelated    = "/api/v1/articles/{slug}/related"
	routeCategories = "/api/v1/categories"
	routeView       = "/api/v1/view"
	routeOEmbed     = "/oembed"
	routePage       = "page" // /, /a/{slug}, /embed, /saved, /publish
)

// A request is what askOf reads of a request, whichever HTTP stack read
// it: the net/http handler's (netRequest) or the fast path's
// (fastRequest, fast.go).
type request interface {
	// path is the request's path, decoded; rawQuery its query as sent.
	path() string
	rawQuery() string
	// slug is the {slug} segment of the route's path, decoded.
	slug() string
	// header is the first line of a header, lastLine its last.
	header(name string) string
	lastLine(name string) string
	// host is the Host header, tls whether the connection is TLS, and
	// peer the address it comes from.
	host() string
	tls() bool
	peer() netip.Addr
}

// netRequest is a request as net/http read it.
type netRequest struct{ r *http.Request }

func (n netRequest) path() string              { return n.r.URL.Path }
func (n netRequest) rawQuery() string          { return n.r.URL.RawQuery }
func (n netRequest) slug() string              { return n.r.PathValue("slug") }
func (n netRequest) header(name string) string { return n.r.Header.Get(name) }
func (n netRequest) host() string              { return n.r.Host }
func (n netRequest) tls() bool                 { return n.r.TLS != nil }
func (n netRequest) peer() netip.Addr          { return peerOf(n.r.RemoteAddr) }

func (n netRequest) lastLine(name string) string {
	lines := n.r.Header.Values(name)
	if len(lines) == 0 {
		return ""
	}
	return lines[len(lines)-1]
}

// askOf works out what r asks of route.
func (s *server) askOf(r request, route string) ask {
	a := ask{route: route}
	switch route {
	case routeArticles:
		a.query = params.Canonical(r.rawQuery(), "category", "cursor", "lang", "limit")
		a.key = "articles?" + a.query
		if hasParam(a.query, "cursor") {
			a.key = ""
		}
	case routeCategories:
		a.key = "categories"
	case routeArticle, routeRelated:
		a.slug = r.slug()
		if badSlug(a.slug) {
			a.slug = ""
			return a // a 404: nothing to keep
		}
		if route == routeArticle {
			a.key = "article/" + a.slug
		} else {
			a.query = params.Canonical(r.rawQuery(), "limit")
			a.key = "related/" + a.slug + "?" + a.query
		}
	case routeView:
		page, ok := viewedPage(r.rawQuery())
		if !ok {
			a.err = &params.Error{Param: "path", Value: page, Reason: "must be a path of this site"}
			return a
		}
		a.page, a.reader = page, s.readerLang(r, page)
		a.key = "view " + a.page + " " + string(a.reader)
		if pageHasCursor(a.page) {
			a.key = ""
		}
	case routeOEmbed:
		a.origin = s.originOf(r)
		a.query = params.Canonical(r.rawQuery(), "format", "maxheight", "maxwidth", "url")
		a.key = "oembed " + a.origin + " " + a.query
		if !s.keepsOrigin(a.origin) {
			a.key = ""
		}
	case routePage:
		a.page = params.CanonicalPage(r.path(), r.rawQuery())
		a.reader = s.readerLang(r, a.page)
		a.origin = s.originOf(r)
		// Only an article's page (its canonical link), a widget's (its
		// oEmbed discovery link) and the embed builder (its code) name
		// their origin: the others are kept once whatever origin they are
		// asked at.
		origin := ""
		if s.PublicURL == "" && (strings.HasPrefix(a.page, "/a/") || a.page == "/embed" || strings.HasPrefix(a.page, "/embed?") ||
			a.page == "/publish" || strings.HasPrefix(a.page, "/publish?")) {
			origin = a.origin
		}
		a.key = "page " + a.page + " " + string(a.reader) + " " + origin
		if pageHasCursor(a.page) || !s.keepsOrigin(origin) {
			a.key = ""
		}
	}
	return a
}

// badSlug reports whether a path segment, decoded, cannot name an article:
// a slash or a NUL came encoded (%2F, %00), or its bytes are not UTF-8.
// The store's own rule (store.ValidSlug) decides the rest.
func badSlug(slug string) bool {
	return slug == "" || strings.ContainsAny(slug, "/\x00") || !utf8.ValidString(slug)
}

// hasParam reports whether a canonical query has the parameter name.
func hasParam(query, name string) bool {
	for pair := range strings.SplitSeq(query, "&") {
		if k, _, _ := strings.Cut(pair, "="); k == name {
			return true
		}
	}
	return false
}

// pageHasCursor reports whether a canonical page is a page of a list past
// its first: its cursor is the client's to choose, and a cursor names a
// point in the list, so each would be an answer of its own. Those pages
// are built for each request, never kept.
func pageHasCursor(page string) bool {
	_, query, _ := strings.Cut(page, "?")
	return hasParam(query, "cursor")
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
func (s *server) readerLang(r request, page string) news.Lang {
	if !params.ReaderLangMatters(page) {
		return ""
	}
	return negotiate.Lang(r.header("Accept-Language"))
}

// originOf is the scheme and host readers reach this server at: the
// configured public URL, or else the request's own scheme and Host. The
// forwarded headers count only from a trusted proxy: from anyone else they
// would let a client choose the URLs that oEmbed answers and discovery
// links name, and those answers are kept and cached publicly.
func (s *server) originOf(r request) string {
	if s.PublicURL != "" {
		return s.PublicURL
	}
	scheme, host := "http", r.host()
	if r.tls() {
		scheme = "https"
	}
	forwardedProto, forwardedHost := lastForwarded(r, "X-Forwarded-Proto"), lastForwarded(r, "X-Forwarded-Host")
	peer := r.peer()
	if !s.trusts(peer) {
		if forwardedProto != "" || forwardedHost != "" {
			s.ignoredForwarded(peer)
		}
		return scheme + "://" + host
	}
	if p := strings.ToLower(forwardedProto); p == "https" || p == "http" {
		scheme = p
	}
	if validHost(forwardedHost) {
		host = forwardedHost
	}
	return scheme + "://" + host
}

// keptOrigins is how many origins a server with no public URL keeps
// answers for: a developer's few (localhost, 127.0.0.1, a name on the
// local network). Answers that name any other origin are built for each
// request, so that Host headers made up by clients keep nothing.
const keptOrigins = 4

// originsKept are the origins whose answers are kept: the first few
// asked for.
type originsKept struct {
	mu   sync.Mutex
	seen []string
}

// keepsOrigin reports whether answers naming origin may be kept: always
// for "" (an answer that names none) and the public URL, else for the
// first keptOrigins origins asked for.
func (s *server) keepsOrigin(origin string) bool {
	if origin == "" || origin == s.PublicURL {
		return true
	}
	k := &s.origins
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, o := range k.seen {
		if o == origin {
			return true
		}
	}
	if len(k.seen) < keptOrigins {
		k.seen = append(k.seen, origin)
		return true
	}
	return false
}

// peerOf reads the address of http.Request.RemoteAddr ("ip:port").
func peerOf(remoteAddr string) netip.Addr {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
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
// trusted proxy nearest this server wrote. A proxy that appends leaves the
// client's values before its own, on the same line or on lines before.
func lastForwarded(r request, name string) string {
	return lastValue(r.lastLine(name))
}

// lastValue is the last of the comma-separated values of a header line.
func lastValue(line string) string {
	if i := strings.LastIndexByte(line, ','); i >= 0 {
		line = line[i+1:]
	}
	return strings.TrimSpace(line)
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
