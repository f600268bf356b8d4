// Package front serves a handler over HTTP/1.1 with fasthttp, within
// bounds that no client can push: how long a request's head and body may
// take to arrive, how large they may be, how long an answer may take to
// leave, how many connections are open at once, and how long open
// requests may finish after a stop.
//
// Why fasthttp: on one core (make bench), net/http alone answers 0.36–0.59
// of nginx's rate, fasthttp's own handler 0.73–1.19, and fasthttp through
// its net/http adaptor 0.36–0.75. So the answers ready as bytes (kept
// answers, static files) go on fasthttp's own handler (FastHandler), and
// everything else through the adaptor to the site's http.Handler.
//
// What it costs, against net/http: a request's context is not cancelled
// when its client leaves, only past a stop's grace; WriteTimeout starts
// once the handler has returned, not when the request was read; HTTP/1.1
// only, no HTTP/2; and a head is refused from MaxHeaderBytes + 1 bytes,
// exactly, where net/http read up to 4 KB more.
//
// fasthttp answers pipelined requests in order, one at a time per
// connection, and writes an answer only as fast as the client reads it: a
// client that sends requests and never reads holds one answer in flight,
// not every answer it asked for.
package front

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

// Options bound the front's work.
type Options struct {
	Log *slog.Logger
	// Grace is how long open requests may take to finish after ctx is
	// done; past it, their contexts are cancelled and their connections
	// cut.
	Grace time.Duration
	// ReadHeaderTimeout bounds reading a request's head (from the
	// connection's opening, or from a kept-alive request's first byte);
	// ReadTimeout its body, from the end of the head (0: as long as the
	// head); IdleTimeout how long a kept-alive connection waits for the
	// next request's first byte. WriteTimeout bounds writing the answer,
	// and starts when the handler returns: unlike net/http's, the
	// handler's own time is not counted.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxHeaderBytes is the size of each connection's read buffer (its
	// ReadBufferSize), and so bounds a request's head: a head of
	// MaxHeaderBytes bytes, its line, fields and closing blank line
	// counted, is taken, and one a byte longer gets 431 (net/http read up
	// to 4 KB past the limit). Each open connection holds this buffer.
	MaxHeaderBytes int
	// MaxBodyBytes is the largest request body taken: a larger one gets
	// 413 (before it is read, when its Content-Length says so) and the
	// handler never runs. fasthttp reads a body whole before the handler
	// runs. 0: fasthttp's default, 4 MB; there is no unlimited.
	MaxBodyBytes int64
	// MaxConns is how many connections may be open at once; past it, new
	// ones wait in the listen queue until one closes. 0: ConnLimit().
	MaxConns int
	// Header is what every answer the front writes itself carries (its
	// 400, 408, 413, 431 and 500 problems): the site's common headers
	// (safety headers, CORS...). May be nil.
	Header http.Header
	// Answered, when set, is told of every request answered, whichever
	// path served it: its path (ctx.Path()), status, and how long it took.
	// The metrics count requests with it. path is fasthttp's buffer, valid
	// only during the call: copy it (strings.Clone) to keep it. A request
	// the front could not read (400, 408, 413, 431) is told with its path
	// as far as it was read and a duration of 0: fasthttp does not say
	// when it began.
	Answered func(path string, status int, took time.Duration)
}

// DefaultOptions bound the server's work: a request's head arrives within
// 10 seconds and its body within 20 more, an answer leaves within 30 of
// the handler's return, an idle connection stays 30 seconds, and a stop
// lets open requests finish for 10 seconds. A head may take 8 KB (some
// publishers' cookies are large), a body 1 MB.
func DefaultOptions(log *slog.Logger) Options {
	return Options{
		Log:               log,
		Grace:             10 * time.Second,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       20 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    8 << 10,
		MaxBodyBytes:      1 << 20,
	}
}

// ConnLimit is the default connection limit: three quarters of the file
// descriptors this process may open (the rest are the store's, the
// images', the log's), at most 10,000. A server at its limit makes new
// connections wait instead of failing to accept them.
func ConnLimit() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur == 0 {
		return 1024
	}
	return int(max(16, min(lim.Cur-lim.Cur/4, 10_000)))
}

// FastHandler is a handler that answers some requests on fasthttp's own
// request, from bytes it has ready (kept answers, static files), with no
// copy and no goroutine: ServeFast reports false for a request it leaves
// to ServeHTTP. ctx, as a context, ends for every request at once when a
// stop begins: ServeFast answers from what it has, without waiting.
type FastHandler interface {
	http.Handler
	ServeFast(ctx *fasthttp.RequestCtx) bool
}

// Serve serves h on ln until ctx is done, then shuts down gracefully: the
// listener closes, idle connections close, and open requests get o.Grace
// to finish before their contexts are cancelled and their connections
// cut. Every request goes first to h.ServeFast when h is a FastHandler,
// and otherwise, or when it declines, to h.ServeHTTP through fasthttp's
// adaptor.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, o Options) error {
	if o.MaxConns <= 0 {
		o.MaxConns = ConnLimit()
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	// Requests outlive the stop: fasthttp's own context ends for every
	// request at once when a shutdown starts, so the adapted handlers get
	// this one instead, cancelled only past the grace.
	base, cut := context.WithCancel(context.WithoutCancel(ctx))
	defer cut()
	f := newFront(h, base, o)
	lim := limit(ln, o.MaxConns, o.Log)
	open := &openConns{conns: map[net.Conn]struct{}{}}
	headTimeout := o.ReadHeaderTimeout
	if headTimeout <= 0 {
		headTimeout = o.ReadTimeout
	}
	srv := &fasthttp.Server{
		Handler:      f.serve,
		ErrorHandler: f.unreadable,
		// fasthttp's ReadTimeout runs from a connection's opening, or a
		// kept-alive request's first byte, to the end of the body; set to
		// the head's time, it is renewed for the body once the head is in.
		ReadTimeout:                  headTimeout,
		HeaderReceived:               bodyTime(o.ReadTimeout),
		WriteTimeout:                 o.WriteTimeout,
		IdleTimeout:                  o.IdleTimeout,
		ReadBufferSize:               o.MaxHeaderBytes,
		MaxRequestBodySize:           int(min(o.MaxBodyBytes, math.MaxInt)),
		ConnState:                    func(c net.Conn, s fasthttp.ConnState) { open.note(c, s); lim.release(s) },
		Logger:                       logger{o.Log},
		NoDefaultServerHeader:        true,
		NoDefaultContentType:         true,
		DisablePreParseMultipartForm: true,
		CloseOnShutdown:              true,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lim) }()
	select {
	case err := <-served:
		if err == nil {
			err = net.ErrClosed // fasthttp returns nil when its listener closes
		}
		// What is open still gets its grace.
		return errors.Join(fmt.Errorf("serve: %w", err), shutdown(srv, lim, open, cut, o.Grace))
	case <-ctx.Done():
	}
	err := shutdown(srv, lim, open, cut, o.Grace)
	if serr := <-served; serr != nil {
		err = errors.Join(err, fmt.Errorf("serve: %w", serr))
	}
	return err
}

// bodyTime gives a request's body its own time once its head is in.
func bodyTime(d time.Duration) func(*fasthttp.RequestHeader) fasthttp.RequestConfig {
	if d <= 0 {
		return nil
	}
	return func(*fasthttp.RequestHeader) fasthttp.RequestConfig {
		return fasthttp.RequestConfig{ReadTimeout: d}
	}
}

// shutdown stops srv: no new connection, idle ones closed, open requests
// given grace to finish; past it, their contexts are cancelled (cut) and
// their connections closed.
func shutdown(srv *fasthttp.Server, lim *limited, open *openConns, cut context.CancelFunc, grace time.Duration) error {
	// Closed here first, not only by fasthttp: a shutdown that comes before
	// Serve has registered its listener returns at once and would leave it
	// accepting.
	lim.Close()
	graceCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.ShutdownWithContext(graceCtx); err != nil {
		cut()
		open.closeAll()
		return fmt.Errorf("shut down: open requests outlasted the grace of %s: %w", grace, err)
	}
	return nil
}
