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

	"golang.org/x/net/netutil"
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
	// fields): a larger one gets 431.
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
	// Requests outlive the signal: they are cut only past the grace.
	requests, cutRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cutRequests()
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
		BaseContext:       func(net.Listener) context.Context { return requests },
	}
	counted := &counting{Listener: ln, max: o.MaxConns, log: log}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(netutil.LimitListener(counted, o.MaxConns)) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	graceCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.Grace)
	defer cancel()
	if err := srv.Shutdown(graceCtx); err != nil {
		cutRequests()
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

// counting is a listener that counts its open connections, and logs when
// they reach the limit (at most once a minute): the server then takes no
// new connection until one closes.
type counting struct {
	net.Listener
	max    int
	log    *slog.Logger
	open   atomic.Int64
	warned atomic.Int64 // unix seconds of the last warning
}

func (c *counting) Accept() (net.Conn, error) {
	conn, err := c.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if n := c.open.Add(1); n >= int64(c.max) {
		now := time.Now().Unix()
		if last := c.warned.Load(); now-last >= 60 && c.warned.CompareAndSwap(last, now) {
			c.log.Warn("connection limit reached: new connections wait until others close; raise -max-conns (and the file descriptor limit) if this is real traffic",
				"open", n, "max_conns", c.max)
		}
	}
	return &countedConn{Conn: conn, c: c}, nil
}

type countedConn struct {
	net.Conn
	c    *counting
	once sync.Once
}

func (cc *countedConn) Close() error {
	cc.once.Do(func() { cc.c.open.Add(-1) })
	return cc.Conn.Close()
}
