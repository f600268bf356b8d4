// Package front serves a handler over HTTP/1.1 with the standard library's
// net/http, within bounds that no client can push: how long a request's
// head and body may take to arrive, how large they may be, how long an
// answer may take to leave, how many connections are open at once, and
// how long open requests may finish after a stop.
//
// net/http answers pipelined requests one at a time, and writes an answer
// only as fast as the client reads it: a client that sends requests and
// never reads holds one answer in flight, not every answer it asked for.
package front

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Options bound the front's work.
type Options struct {
	Log *slog.Logger
	// Grace is how long open requests may take to finish after ctx is
	// done; past it, their connections are cut.
	Grace time.Duration
	// ReadHeaderTimeout bounds reading a request's head; ReadTimeout the
	// whole request, body included; WriteTimeout writing its answer;
	// IdleTimeout how long a kept-alive connection waits for the next.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxHeaderBytes is the largest request head taken (its line and
	// fields): a larger one gets 431. net/http reads up to 4 KB past it
	// before it refuses, for the framing.
	MaxHeaderBytes int
	// MaxBodyBytes is the largest request body a handler may read: past
	// it, the read fails and net/http closes the connection after the
	// answer.
	MaxBodyBytes int64
	// MaxConns is how many connections may be open at once; past it, new
	// ones wait in the listen queue until one closes. 0: ConnLimit().
	MaxConns int
}

// DefaultOptions bound the server's work: a request's head arrives within
// 10 seconds and the whole request within 20, an answer leaves within 30,
// an idle connection stays 30 seconds, and a stop lets open requests
// finish for 10 seconds. A head may take 8 KB (some publishers' cookies
// are large), a body 1 MB.
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

// Serve serves h on ln until ctx is done, then shuts down gracefully: the
// listener closes, idle connections close, and open requests get o.Grace
// to finish before their connections are cut and their contexts
// cancelled.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, o Options) error {
	if o.MaxConns <= 0 {
		o.MaxConns = ConnLimit()
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           limitBodies(h, o.MaxBodyBytes),
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		ReadTimeout:       o.ReadTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    o.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	lim := limit(ln, o.MaxConns, log)
	srv.ConnState = lim.release
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lim) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	graceCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.Grace)
	defer cancel()
	if err := srv.Shutdown(graceCtx); err != nil {
		// Closing their connections cancels the contexts of the requests
		// still open. Requests outlived the signal until now: their
		// contexts derive from none of ours (a cancellable base would cost
		// every request a registration with it).
		srv.Close()
		<-served
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// limitBodies lets no handler read more than max bytes of a body.
func limitBodies(h http.Handler, max int64) http.Handler {
	if max <= 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength != 0 {
			r.Body = http.MaxBytesReader(w, r.Body, max)
		}
		h.ServeHTTP(w, r)
	})
}

// limited is a listener that takes a new connection only while fewer than
// max are open, and logs when they reach the limit (at most once a minute):
// the server then takes no new connection until one closes, and the
// others wait in the kernel's listen queue. It hands out the connections
// themselves, unwrapped: net/http tells it when one closes (release, from
// http.Server.ConnState), so no read or write of a request goes through
// a wrapper of ours.
type limited struct {
	net.Listener
	max    int
	log    *slog.Logger
	slots  chan struct{} // one per open connection
	closed chan struct{}
	once   sync.Once
	warned atomic.Int64 // unix seconds of the last warning
}

func limit(ln net.Listener, max int, log *slog.Logger) *limited {
	return &limited{Listener: ln, max: max, log: log, slots: make(chan struct{}, max), closed: make(chan struct{})}
}

func (l *limited) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	default:
		now := time.Now().Unix()
		if last := l.warned.Load(); now-last >= 60 && l.warned.CompareAndSwap(last, now) {
			l.log.Warn("connection limit reached: new connections wait until others close; raise -max-conns (and the file descriptor limit) if this is real traffic",
				"open", len(l.slots), "max_conns", l.max)
		}
		select {
		case l.slots <- struct{}{}:
		case <-l.closed:
			return nil, net.ErrClosed
		}
	}
	conn, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return conn, nil
}

// release frees the slot of a connection net/http is done with: closed,
// or hijacked (Kiosque hijacks none; a hijacker would own its count).
func (l *limited) release(_ net.Conn, state http.ConnState) {
	if state == http.StateClosed || state == http.StateHijacked {
		<-l.slots
	}
}

func (l *limited) Close() error {
	l.once.Do(func() { close(l.closed) })
	return l.Listener.Close()
}
