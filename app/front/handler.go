package front

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
	"unsafe"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"

	"github.com/kiosque/kiosque/app/problems"
	"golang.org/x/net/http/httpguts"
)

// front answers the requests fasthttp read.
type front struct {
	fast     FastHandler // nil if the handler is not one
	adapted  fasthttp.RequestHandler
	log      *slog.Logger
	header   http.Header
	answered func(path string, status int, took time.Duration)
}

func newFront(h http.Handler, base context.Context, o Options) *front {
	fast, _ := h.(FastHandler)
	return &front{
		fast: fast,
		adapted: fasthttpadaptor.NewFastHTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(w, owned(r, base))
		})),
		log:      o.Log,
		header:   o.Header,
		answered: o.Answered,
	}
}

// serve answers a request on the fast path, or else through the adaptor,
// and says so to answered. A panic answers 500 instead of ending the
// process, which fasthttp would let it do.
func (f *front) serve(ctx *fasthttp.RequestCtx) {
	defer func() {
		if v := recover(); v != nil {
			f.log.Error("panic serving a request", "path", string(ctx.Path()), "panic", v, "stack", string(debug.Stack()))
			f.problem(ctx, http.StatusInternalServerError, "the server failed to answer")
		}
		if f.answered != nil {
			f.answered(view(ctx.Path()), ctx.Response.StatusCode(), time.Since(ctx.Time()))
		}
	}()
	if host := view(ctx.Host()); !httpguts.ValidHostHeader(host) || host == "" && ctx.Request.Header.IsHTTP11() {
		// net/http's rule: the site names its origin after the Host
		// header (without -public-url), so it must be a host.
		f.problem(ctx, http.StatusBadRequest, "the request's Host header is missing or malformed")
		return
	}
	if f.fast != nil && f.fast.ServeFast(ctx) {
		return
	}
	if _, err := url.ParseRequestURI(view(ctx.RequestURI())); err != nil {
		// The adaptor would answer 500, and log it: the client's fault
		// is a 400, as on net/http.
		f.problem(ctx, http.StatusBadRequest, "the request's target is not a URL")
		return
	}
	f.adapted(ctx)
}

// unreadable answers a request fasthttp could not read (its default
// answer is a 400 for all, with none of the site's headers): too large a
// head or body, a timeout, or not HTTP.
func (f *front) unreadable(ctx *fasthttp.RequestCtx, err error) {
	var small *fasthttp.ErrSmallBuffer
	var netErr net.Error
	switch {
	case errors.As(err, &small):
		f.problem(ctx, http.StatusRequestHeaderFieldsTooLarge, "the request's head is too large")
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		f.problem(ctx, http.StatusRequestEntityTooLarge, "the request's body is too large")
	case errors.As(err, &netErr) && netErr.Timeout():
		f.problem(ctx, http.StatusRequestTimeout, "the request took too long to arrive")
	default:
		f.problem(ctx, http.StatusBadRequest, "the request could not be read as HTTP")
	}
	if f.answered != nil {
		f.answered(view(ctx.Path()), ctx.Response.StatusCode(), 0)
	}
}

// problem answers an application/problem+json with the site's headers.
func (f *front) problem(ctx *fasthttp.RequestCtx, status int, detail string) {
	ctx.Response.Reset()
	rh := &ctx.Response.Header
	for name, values := range f.header {
		for _, v := range values {
			rh.Add(name, v)
		}
	}
	rh.Set("Cache-Control", "no-store")
	rh.SetContentType(problems.ContentType)
	ctx.SetStatusCode(status)
	ctx.SetBody(problems.JSON(problems.Details{Status: status, Detail: detail}))
}

// owned is r with strings of its own, and the front's base context. The
// adaptor's request reads fasthttp's buffers, which the connection's next
// request overwrites, while a net/http handler may keep what it is given
// (a slug, a key, a log attribute) past its return: one allocation holds
// them all.
func owned(r *http.Request, base context.Context) *http.Request {
	u := *r.URL
	n := len(r.Method) + len(r.Proto) + len(r.Host) + len(r.RequestURI) +
		len(u.Scheme) + len(u.Opaque) + len(u.Host) + len(u.Path) + len(u.RawPath) + len(u.RawQuery) + len(u.Fragment) + len(u.RawFragment)
	values := 0
	for k, vs := range r.Header {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
		values += len(vs)
	}
	for _, te := range r.TransferEncoding {
		n += len(te)
	}
	buf := make([]byte, 0, n)
	// keep copies s into buf, which never grows past n: what it kept
	// before stays where it is.
	keep := func(s string) string {
		if s == "" {
			return ""
		}
		start := len(buf)
		buf = append(buf, s...)
		return unsafe.String(&buf[start], len(s))
	}
	o := r.WithContext(base)
	o.Method, o.Proto, o.Host, o.RequestURI = keep(r.Method), keep(r.Proto), keep(r.Host), keep(r.RequestURI)
	u.Scheme, u.Opaque, u.Host, u.Path, u.RawPath = keep(u.Scheme), keep(u.Opaque), keep(u.Host), keep(u.Path), keep(u.RawPath)
	u.RawQuery, u.Fragment, u.RawFragment = keep(u.RawQuery), keep(u.Fragment), keep(u.RawFragment)
	if u.User != nil { // rare: an absolute target with credentials
		if pw, ok := u.User.Password(); ok {
			u.User = url.UserPassword(strings.Clone(u.User.Username()), strings.Clone(pw))
		} else {
			u.User = url.User(strings.Clone(u.User.Username()))
		}
	}
	o.URL = &u
	o.Header = make(http.Header, len(r.Header))
	all := make([]string, 0, values)
	for k, vs := range r.Header {
		start := len(all)
		for _, v := range vs {
			all = append(all, keep(v))
		}
		o.Header[keep(k)] = all[start:len(all):len(all)]
	}
	if len(r.TransferEncoding) > 0 {
		o.TransferEncoding = make([]string, len(r.TransferEncoding))
		for i, te := range r.TransferEncoding {
			o.TransferEncoding[i] = keep(te)
		}
	}
	return o
}

// logger sends fasthttp's messages to the site's log.
type logger struct{ log *slog.Logger }

func (l logger) Printf(format string, args ...any) {
	l.log.Warn("http: " + fmt.Sprintf(format, args...))
}

// view is the string of b without a copy, valid while fasthttp keeps b.
func view(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
