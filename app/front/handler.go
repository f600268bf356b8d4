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
// (a slug, a key, a log attribute) past its return.
func owned(r *http.Request, base context.Context) *http.Request {
	o := r.WithContext(base)
	o.Method, o.Proto, o.Host, o.RequestURI = strings.Clone(r.Method), strings.Clone(r.Proto), strings.Clone(r.Host), strings.Clone(r.RequestURI)
	u := *r.URL
	u.Scheme, u.Opaque, u.Host, u.Path, u.RawPath = strings.Clone(u.Scheme), strings.Clone(u.Opaque), strings.Clone(u.Host), strings.Clone(u.Path), strings.Clone(u.RawPath)
	u.RawQuery, u.Fragment, u.RawFragment = strings.Clone(u.RawQuery), strings.Clone(u.Fragment), strings.Clone(u.RawFragment)
	if u.User != nil { // rare: an absolute target with credentials
		if pw, ok := u.User.Password(); ok {
			u.User = url.UserPassword(strings.Clone(u.User.Username()), strings.Clone(pw))
		} else {
			u.User = url.User(strings.Clone(u.User.Username()))
		}
	}
	o.URL = &u
	o.Header = make(http.Header, len(r.Header))
	for name, values := range r.Header {
		o.Header[strings.Clone(name)] = cloneAll(values)
	}
	o.TransferEncoding = cloneAll(r.TransferEncoding)
	return o
}

// cloneAll is a copy of values, each string copied.
func cloneAll(values []string) []string {
	if values == nil {
		return nil
	}
	c := make([]string, len(values))
	for i, v := range values {
		c[i] = strings.Clone(v)
	}
	return c
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
