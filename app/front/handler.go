package front

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"

	"github.com/kiosque/kiosque/app/server"
	"github.com/valyala/fasthttp"
)

// viaHandler serves a request through the site's net/http handler. The
// request is copied out of fasthttp's buffers, so that nothing the handler
// keeps (a key, a log line) changes under it; the answer is gathered in
// fasthttp's response.
func (f *front) viaHandler(ctx *fasthttp.RequestCtx) {
	r, err := f.request(ctx)
	if err != nil {
		f.problem(ctx, http.StatusBadRequest, "the request's target is not a URL: "+err.Error())
		return
	}
	w := &responseWriter{ctx: ctx, header: http.Header{}}
	f.site.ServeHTTP(w, r)
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
}

// unreadable answers a request fasthttp could not read (its default
// answer carries none of the site's headers): too large a head, a
// timeout, or not HTTP.
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
}

// problem writes an application/problem+json answer with the site's
// headers.
func (f *front) problem(ctx *fasthttp.RequestCtx, status int, detail string) {
	ctx.Response.Reset()
	rh := &ctx.Response.Header
	for name, values := range f.site.CommonHeader() {
		for _, v := range values {
			rh.Add(name, v)
		}
	}
	rh.Set("Cache-Control", "no-store")
	ctx.SetStatusCode(status)
	body, _ := json.Marshal(server.Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail})
	ctx.SetContentType("application/problem+json")
	ctx.SetBody(append(body, '\n'))
}

// request is the net/http form of fasthttp's request.
func (f *front) request(ctx *fasthttp.RequestCtx) (*http.Request, error) {
	uri := string(ctx.RequestURI())
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return nil, err
	}
	h := &ctx.Request.Header
	r := &http.Request{
		Method:     string(ctx.Method()),
		URL:        u,
		RequestURI: uri,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     make(http.Header, h.Len()),
		Host:       string(ctx.Host()),
		RemoteAddr: ctx.RemoteAddr().String(),
	}
	if !h.IsHTTP11() {
		r.Proto, r.ProtoMinor = "HTTP/1.0", 0
	}
	for k, v := range h.All() {
		key := http.CanonicalHeaderKey(string(k))
		if key == "Host" {
			continue // net/http keeps it in Host, not in Header
		}
		r.Header[key] = append(r.Header[key], string(v))
	}
	body := bytes.Clone(ctx.PostBody())
	r.ContentLength = int64(len(body))
	r.Body = io.NopCloser(bytes.NewReader(body))
	return r.WithContext(f.base), nil
}

// responseWriter gathers a net/http answer in fasthttp's response.
type responseWriter struct {
	ctx         *fasthttp.RequestCtx
	header      http.Header
	wroteHeader bool
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(status int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	w.ctx.SetStatusCode(status)
	rh := &w.ctx.Response.Header
	for name, values := range w.header {
		switch name {
		case "Content-Length":
			// fasthttp counts the body itself; a HEAD answer says what
			// a GET's would be.
			if w.ctx.IsHead() && len(values) == 1 {
				if n, err := strconv.Atoi(values[0]); err == nil {
					rh.SetContentLength(n)
				}
			}
			continue
		case "Transfer-Encoding", "Connection":
			continue
		}
		for _, v := range values {
			rh.Add(name, v)
		}
	}
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		if w.header.Get("Content-Type") == "" {
			w.header.Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	return w.ctx.Write(b)
}
