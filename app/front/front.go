// Package front serves the site over HTTP/1.1: the answers the site
// prepared ahead (kept pages and JSON, static files) straight from memory,
// and every other request through the site's net/http handler, which
// builds and keeps them.
//
// On one core, net/http answers a request of fixed bytes at about 0.6 of
// nginx's rate on the machines measured (make bench), fasthttp at about
// 0.9, but with a slowest percentile about twice nginx's: a goroutine per
// connection waits, under load, behind whole batches of others. So on
// Linux, event loops (loop_linux.go) answer the kept answers, as nginx
// does, and hand every connection they do not serve to fasthttp.
package front

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/server"
	"github.com/valyala/fasthttp"
)

// Site is what the front serves: a handler of every request, and the
// answers prepared ahead, which Lookup finds without building anything.
// Lookup runs on the front's event loops, so it must never wait: a wait
// there holds every connection of that loop. Nor may it keep the strings
// of the request it is given: they are the front's buffers. CommonHeader
// is what every answer carries, the front's own answers to requests it
// could not read too.
type Site interface {
	http.Handler
	Lookup(req server.Request) (*answers.Ready, bool)
	CommonHeader() http.Header
}

// EventTaker is a site that takes the widget's beacons itself, from what
// the front read (server.Server does): a busy site takes thousands a
// second, which net/http's request would make cost twice as much. The
// strings and bytes of the request are the front's buffers: TakeEvent
// keeps none of them.
type EventTaker interface {
	// TakesEvents tells whether the site counts events at all; if not,
	// its handler answers beacons.
	TakesEvents() bool
	TakeEvent(req server.EventRequest) (status int, header []answers.Field, body []byte)
}

// eventsPath is where widgets send their beacons.
const eventsPath = "/api/v1/events"

// Options bound the front's work.
type Options struct {
	Log *slog.Logger
	// Grace is how long open requests may take to finish after ctx is
	// done; past it, they are cut.
	Grace time.Duration
	// ReadTimeout bounds reading a request, headers and body; WriteTimeout
	// writing the answer; IdleTimeout how long a connection waits for the
	// next request.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxBodyBytes is the largest request body taken.
	MaxBodyBytes int
	// WriteBuffer is the size of each connection's write buffer: an answer
	// that fits is sent in one write, headers and body together.
	WriteBuffer int
	// ReadBuffer is the size of each connection's read buffer, and so the
	// largest request head taken (its line and headers). A connection holds
	// both buffers while it is open: IdleTimeout bounds how long an idle one
	// stays. (fasthttp can give them back between requests, for a fifth of
	// the throughput.)
	ReadBuffer int
	// Answered, when set, is told of every request answered: its path, its
	// status and how long it took (the metrics count them).
	Answered func(path string, status int, took time.Duration)
	// NoEventLoop serves every connection from a goroutine of its own, as
	// fasthttp does, instead of answering kept answers from event loops
	// (on Linux, the default: see loop_linux.go).
	NoEventLoop bool
}

// DefaultOptions bound the server's work: a request is read within 10
// seconds and answered within 30, an idle connection stays 30 seconds, and
// a shutdown lets open requests finish for 10 seconds. An answer of up to
// 32 KB (a widget's document, plain) leaves in one write; a request's head
// may take 8 KB (some publishers' cookies are large); an open connection
// holds both buffers.
func DefaultOptions(log *slog.Logger) Options {
	return Options{
		Log:          log,
		Grace:        10 * time.Second,
		ReadTimeout:  10 * time.Second,
		WriteTimeout: 30 * time.Second,
		IdleTimeout:  30 * time.Second,
		MaxBodyBytes: 1 << 20,
		WriteBuffer:  32 << 10,
		ReadBuffer:   8 << 10,
	}
}

// Serve serves ln until ctx is done, then shuts down gracefully: the
// listener closes, idle connections close, and open requests get
// o.Grace to finish before their connections are cut.
func Serve(ctx context.Context, ln net.Listener, site Site, o Options) error {
	// Requests outlive the signal: they are cut only past the grace.
	handlers, cutHandlers := context.WithCancel(context.WithoutCancel(ctx))
	defer cutHandlers()
	conns := &tracked{Listener: ln, open: map[net.Conn]struct{}{}}
	f := &front{site: site, log: o.Log, base: handlers, answered: o.Answered}
	srv := &fasthttp.Server{
		Handler:               f.serve,
		NoDefaultServerHeader: true,
		NoDefaultContentType:  true,
		ReadTimeout:           o.ReadTimeout,
		WriteTimeout:          o.WriteTimeout,
		IdleTimeout:           o.IdleTimeout,
		MaxRequestBodySize:    o.MaxBodyBytes,
		WriteBufferSize:       o.WriteBuffer,
		ReadBufferSize:        o.ReadBuffer,
		CloseOnShutdown:       true,
		Logger:                logger{o.Log},
		ErrorHandler:          f.unreadable,
	}
	tcp, ok := ln.(*net.TCPListener)
	withLoops := ok && !o.NoEventLoop && eventLoops
	// With event loops, fasthttp accepts only the connections they hand
	// it, so that its shutdown waits for those as for its own. It waits
	// only on a server that has its listener, and returns at once from
	// one that has none yet: the front waits for fasthttp to accept
	// before anything else.
	fasthttpLn := net.Listener(conns)
	var handedOver *handed
	if withLoops {
		handedOver = &handed{Listener: conns, conns: make(chan net.Conn), closed: make(chan struct{})}
		fasthttpLn = handedOver
	}
	accepting := &accepting{Listener: fasthttpLn, started: make(chan struct{})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(accepting) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-accepting.started:
	}
	var ls *loops
	if withLoops {
		var err error
		ls, err = startLoops(tcp, f, o, conns, handedOver.give)
		if err != nil {
			srv.Shutdown()
			<-served
			return fmt.Errorf("serve: %w", err)
		}
	}
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	graceCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.Grace)
	defer cancel()
	// The loops stop first, and hand fasthttp the requests they read but
	// could not answer: it answers them before its shutdown returns.
	var err error
	if ls != nil {
		ls.stop()
		ln.Close()
		err = ls.finish(graceCtx)
	}
	if err == nil {
		err = srv.ShutdownWithContext(graceCtx)
	}
	if err != nil {
		cutHandlers()
		conns.closeAll()
		accepting.Close() // still open if the loops took the grace
		<-served
		if ls != nil {
			ls.finish(context.Background()) // their connections are cut: they end at once
		}
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-served; err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

type front struct {
	site     Site
	log      *slog.Logger
	base     context.Context
	answered func(path string, status int, took time.Duration)
}

// serve answers a request, and says so to answered.
func (f *front) serve(ctx *fasthttp.RequestCtx) {
	if f.answered == nil {
		f.answer(ctx)
		return
	}
	start := time.Now()
	f.answer(ctx)
	f.answered(view(ctx.Path()), ctx.Response.StatusCode(), time.Since(start))
}

// answer answers a request from what the site prepared, or else through
// its handler.
func (f *front) answer(ctx *fasthttp.RequestCtx) {
	if ctx.IsGet() || ctx.IsHead() {
		h := &ctx.Request.Header
		req := server.Request{
			Method:         view(ctx.Method()),
			Path:           view(ctx.Path()),
			RawQuery:       view(ctx.URI().QueryString()),
			AcceptLanguage: view(h.Peek("Accept-Language")),
			Host:           view(ctx.Host()),
			TLS:            ctx.IsTLS(),
			Peer:           peerOf(ctx.RemoteAddr()),
			ForwardedProto: view(h.Peek("X-Forwarded-Proto")),
			ForwardedHost:  view(h.Peek("X-Forwarded-Host")),
		}
		if ready, ok := f.site.Lookup(req); ok {
			status, header, body := ready.Reply(req.Method, view(h.Peek("Accept-Encoding")), view(h.Peek("If-None-Match")))
			reply(ctx, status, header, body)
			return
		}
	}
	if taker, ok := f.site.(EventTaker); ok && ctx.IsPost() && view(ctx.Path()) == eventsPath && taker.TakesEvents() {
		f.takeEvent(ctx, taker)
		return
	}
	f.viaHandler(ctx)
}

// takeEvent hands a beacon to the site that takes them.
func (f *front) takeEvent(ctx *fasthttp.RequestCtx, site EventTaker) {
	h := &ctx.Request.Header
	req := server.EventRequest{
		Context:       f.base,
		Method:        http.MethodPost,
		ContentType:   view(h.ContentType()),
		ContentLength: int64(h.ContentLength()),
		Body:          ctx.PostBody(),
		UserAgent:     view(h.UserAgent()),
	}
	if forwarded := h.PeekAll("X-Forwarded-For"); len(forwarded) > 0 {
		req.ForwardedFor = view(forwarded[len(forwarded)-1])
	}
	req.Remote = peerOf(ctx.RemoteAddr())
	status, header, body := site.TakeEvent(req)
	reply(ctx, status, header, body)
}

// reply writes a prepared answer. fasthttp writes Content-Length itself
// from the body, and leaves the body out of a 304 and of an answer to HEAD.
func reply(ctx *fasthttp.RequestCtx, status int, header []answers.Field, body []byte) {
	ctx.SetStatusCode(status)
	rh := &ctx.Response.Header
	head := ctx.IsHead()
	for _, f := range header {
		switch f.Name {
		case "Content-Length":
			if head && len(f.Values) == 1 {
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
		ctx.Response.SetBodyRaw(body) // prepared bytes, never changed
	}
}

// peerOf is the address of a connection's remote end.
func peerOf(a net.Addr) netip.Addr {
	if tcp, ok := a.(*net.TCPAddr); ok {
		return tcp.AddrPort().Addr().Unmap()
	}
	return netip.Addr{}
}

// view is the string of b without a copy, valid while fasthttp keeps b:
// for the length of a Lookup, which keeps none of it.
func view(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// tracked is a listener that knows its open connections, so that a
// shutdown past its grace can cut them.
type tracked struct {
	net.Listener
	mu   sync.Mutex
	open map[net.Conn]struct{}
}

func (t *tracked) Accept() (net.Conn, error) {
	c, err := t.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return t.track(c), nil
}

// track counts c among the open connections.
func (t *tracked) track(c net.Conn) net.Conn {
	tc := &trackedConn{Conn: c, t: t}
	t.mu.Lock()
	t.open[tc] = struct{}{}
	t.mu.Unlock()
	return tc
}

func (t *tracked) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for c := range t.open {
		c.(*trackedConn).Conn.Close()
	}
}

type trackedConn struct {
	net.Conn
	t    *tracked
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.t.mu.Lock()
		delete(c.t.open, c)
		c.t.mu.Unlock()
	})
	return c.Conn.Close()
}

// logger sends fasthttp's messages to the site's log.
type logger struct{ log *slog.Logger }

func (l logger) Printf(format string, args ...any) {
	if l.log != nil {
		l.log.Warn("http: " + fmt.Sprintf(format, args...))
	}
}

// accepting is a listener that says when it is first asked to accept.
type accepting struct {
	net.Listener
	once    sync.Once
	started chan struct{}
}

func (a *accepting) Accept() (net.Conn, error) {
	a.once.Do(func() { close(a.started) })
	return a.Listener.Accept()
}

// handed is a listener that accepts the connections the event loops hand
// over, until it is closed.
type handed struct {
	net.Listener
	conns  chan net.Conn
	once   sync.Once
	closed chan struct{}
}

func (h *handed) Accept() (net.Conn, error) {
	select {
	case c := <-h.conns:
		return c, nil
	case <-h.closed:
		return nil, net.ErrClosed
	}
}

// give hands c over to whoever accepts, and closes it if nobody will: a
// connection still being handed over when a stop is past its grace is
// cut.
func (h *handed) give(c net.Conn) {
	select {
	case h.conns <- c:
	case <-h.closed:
		c.Close()
	}
}

func (h *handed) Close() error {
	h.once.Do(func() { close(h.closed) })
	return nil
}

// logError logs an error of the front's own, if it has a log.
func (f *front) logError(msg string, err error) {
	if f.log != nil {
		f.log.Error(msg, "err", err)
	}
}
