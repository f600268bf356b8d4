package server

import (
	"net/http"
	"net/url"
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
	// Host, ForwardedProto and TLS name the server's origin when no public
	// URL is configured.
	Host           string
	ForwardedProto string
	TLS            bool
}

// requestOf is what the site's handler reads of a request.
func requestOf(r *http.Request) Request {
	return Request{
		Method:         r.Method,
		Path:           r.URL.Path,
		RawQuery:       r.URL.RawQuery,
		AcceptLanguage: r.Header.Get("Accept-Language"),
		Host:           r.Host,
		ForwardedProto: r.Header.Get("X-Forwarded-Proto"),
		TLS:            r.TLS != nil,
	}
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
// configured public URL, or else the request's Host, over https when the
// request came over TLS or through a proxy that says so in X-Forwarded-Proto.
func (s *server) originOf(req Request) string {
	if s.PublicURL != "" {
		return s.PublicURL
	}
	scheme := "http"
	if req.TLS {
		scheme = "https"
	}
	proto, _, _ := strings.Cut(req.ForwardedProto, ",")
	if p := strings.ToLower(strings.TrimSpace(proto)); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + req.Host
}
