package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/kiosque/kiosque/app/answers"
)

// ServeFast answers, on fasthttp's own request, the GETs and HEADs the
// site answers from bytes it keeps: the routes whose answers are kept,
// the static files and the files at fixed paths. It writes each answer
// from its ready bytes, with no copy, and reports false for any other
// request, which ServeHTTP answers (front.FastHandler). It takes only
// targets that the mux would route as they are: one it would clean or
// redirect, or read otherwise, goes to the mux.
func (s *Server) ServeFast(ctx *fasthttp.RequestCtx) bool { return s.site.serveFast(ctx) }

// CommonHeader is what every answer of the site carries; the front's own
// answers (to requests it could not read) carry it too.
func (s *Server) CommonHeader() http.Header { return s.site.common.Clone() }

func (s *server) serveFast(ctx *fasthttp.RequestCtx) bool {
	if !ctx.IsGet() && !ctx.IsHead() {
		return false
	}
	target, ok := fastTargetOf(string(ctx.Request.Header.RequestURI()))
	if !ok {
		return false
	}
	var ready *answers.Ready
	var kept bool
	if target.route == "" {
		if ready = s.fixed[target.path]; ready == nil {
			if ready, ok = s.Assets.Lookup(target.path); !ok {
				return false // the mux's not-found page
			}
		}
		kept = true // prepared at start
	}
	logged := s.access.enabled(ctx)
	var start time.Time
	if logged {
		start = time.Now()
	}
	defer func() {
		if v := recover(); v != nil {
			s.Log.ErrorContext(ctx, "handler panicked", "path", target.path, "panic", v)
			ctx.Response.Reset()
			ready, kept = answers.Prepare(s.finish(problemAnswer(Problem{Status: http.StatusInternalServerError,
				Detail: "the server could not answer; it has been logged"}))), false
			reply(ctx, ready)
		}
		if logged {
			s.access.record(ctx, methodOf(ctx), target.path, ctx.Response.StatusCode(), int64(len(ctx.Response.Body())),
				time.Since(start), outcomeOf(kept))
		}
	}()
	if ready == nil {
		// A build outlives a stop's start, as on net/http: the front cuts
		// the connection past the grace.
		ready, kept = s.answer(context.WithoutCancel(ctx), s.askOf(fastRequest{ctx, target}, target.route),
			s.builds[target.route], methodOf(ctx), target.path)
	}
	reply(ctx, ready)
	return true
}

// outcomeOf names, for the log, whether an answer was kept.
func outcomeOf(kept bool) string {
	if kept {
		return "kept"
	}
	return "built"
}

// reply writes a ready answer on fasthttp's response: its headers as
// prepared, its body from the ready bytes (SetBodyRaw: no copy). fasthttp
// writes Content-Length from the body, and leaves the body out of a 304
// and of an answer to HEAD.
func reply(ctx *fasthttp.RequestCtx, ready *answers.Ready) {
	method := methodOf(ctx)
	h := &ctx.Request.Header
	status, header, body := ready.Reply(method, string(h.Peek("Accept-Encoding")), string(h.Peek("If-None-Match")))
	ctx.SetStatusCode(status)
	rh := &ctx.Response.Header
	for _, f := range header {
		if f.Name == "Content-Length" {
			if method == http.MethodHead && len(f.Values) == 1 {
				// HEAD: the length of the body a GET would get.
				if n, err := strconv.Atoi(f.Values[0]); err == nil {
					rh.SetContentLength(n)
				}
			}
			continue
		}
		for _, v := range f.Values {
			rh.Add(f.Name, v)
		}
	}
	if body != nil {
		ctx.Response.SetBodyRaw(body) // ready bytes, never changed
	}
}

// methodOf is the method of a request the fast path takes, GET or HEAD,
// as net/http names it, without a copy of fasthttp's bytes.
func methodOf(ctx *fasthttp.RequestCtx) string {
	if ctx.IsHead() {
		return http.MethodHead
	}
	return http.MethodGet
}

// A fastTarget is a request's target as the mux would route it: a route
// whose answers are kept, or a file ("").
type fastTarget struct {
	route string
	// path is the target's path, decoded; slug its {slug} segment,
	// decoded, on routes that name one.
	path, slug string
	rawQuery   string
}

// fastTargetOf reads a request target the fast path serves. ok is false
// for any other, and for any the mux would clean, redirect or read
// otherwise: a target not in origin form, an empty or dot segment, an
// encoded byte outside a slug, an encoded slash or NUL or bytes that are
// not UTF-8 in one, a byte no URL path has.
func fastTargetOf(uri string) (t fastTarget, ok bool) {
	rawPath, rawQuery, _ := strings.Cut(uri, "?")
	if !plainPath(rawPath) {
		return fastTarget{}, false
	}
	t = fastTarget{path: rawPath, rawQuery: rawQuery}
	switch rawPath {
	case "/", "/embed", "/saved", "/publish":
		t.route = routePage
		return t, true
	case routeArticles, routeCategories, routeView, routeOEmbed:
		t.route = rawPath
		return t, true
	}
	var prefix, segment, suffix string
	if rest, found := strings.CutPrefix(rawPath, "/a/"); found && !strings.Contains(rest, "/") {
		t.route, prefix, segment = routePage, "/a/", rest
	} else if rest, found := strings.CutPrefix(rawPath, "/api/v1/articles/"); found {
		prefix = "/api/v1/articles/"
		slug, tail, more := strings.Cut(rest, "/")
		switch {
		case !more:
			t.route, segment = routeArticle, slug
		case tail == "related":
			t.route, segment, suffix = routeRelated, slug, "/related"
		default:
			return fastTarget{}, false
		}
	} else {
		return t, !strings.Contains(rawPath, "%") // a file
	}
	slug, err := url.PathUnescape(segment)
	if err != nil || badSlug(slug) || slug == "." || slug == ".." {
		return fastTarget{}, false
	}
	t.slug, t.path = slug, prefix+slug+suffix
	return t, true
}

// plainPath reports whether a request's raw path is one the mux routes
// as it is: an absolute path of bytes a URL path may have, with no empty
// segment and no dot segment, and no byte encoded but in a segment's
// percent form.
func plainPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=:@/%", c) >= 0) {
			return false
		}
	}
	for segment := range strings.SplitSeq(p[1:], "/") {
		if segment == "." || segment == ".." || (segment == "" && p != "/") {
			return false
		}
	}
	return true
}

// fastRequest is a request as fasthttp read it, with its target read by
// fastTargetOf.
type fastRequest struct {
	ctx    *fasthttp.RequestCtx
	target fastTarget
}

func (f fastRequest) path() string              { return f.target.path }
func (f fastRequest) rawQuery() string          { return f.target.rawQuery }
func (f fastRequest) slug() string              { return f.target.slug }
func (f fastRequest) header(name string) string { return string(f.ctx.Request.Header.Peek(name)) }
func (f fastRequest) host() string              { return string(f.ctx.Host()) }
func (f fastRequest) tls() bool                 { return f.ctx.IsTLS() }

func (f fastRequest) lastLine(name string) string {
	lines := f.ctx.Request.Header.PeekAll(name)
	if len(lines) == 0 {
		return ""
	}
	return string(lines[len(lines)-1])
}

func (f fastRequest) peer() netip.Addr {
	if tcp, ok := f.ctx.RemoteAddr().(*net.TCPAddr); ok {
		return tcp.AddrPort().Addr().Unmap()
	}
	return netip.Addr{}
}
