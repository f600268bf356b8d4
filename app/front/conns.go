package front

import (
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// limited is a listener that takes a new connection only while fewer than
// max are open, and logs when they reach the limit (at most once a minute):
// the server then takes no new connection until one closes, and the
// others wait in the kernel's listen queue. It hands out the connections
// themselves, unwrapped: fasthttp tells it when one closes (release, from
// fasthttp.Server.ConnState), so no read or write goes through a wrapper
// of ours, and fasthttp can writev to the *net.TCPConn.
type limited struct {
	net.Listener
	max      int
	log      *slog.Logger
	slots    chan struct{} // one per open connection
	closed   chan struct{}
	once     sync.Once
	closeErr error
	// The log says that the limit was reached, or that an accept failed,
	// once a minute at most.
	limitWarned, acceptWarned oncePerMinute
}

// oncePerMinute tells when a warning is due: at most once a minute, from
// any number of goroutines.
type oncePerMinute struct {
	last atomic.Int64 // unix seconds
}

func (o *oncePerMinute) due() bool {
	now := time.Now().Unix()
	last := o.last.Load()
	return now-last >= 60 && o.last.CompareAndSwap(last, now)
}

func limit(ln net.Listener, max int, log *slog.Logger) *limited {
	return &limited{Listener: ln, max: max, log: log, slots: make(chan struct{}, max), closed: make(chan struct{})}
}

func (l *limited) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	default:
		if l.limitWarned.due() {
			l.log.Warn("connection limit reached: new connections wait until others close; raise -max-conns (and the file descriptor limit) if this is real traffic",
				"open", len(l.slots), "max_conns", l.max)
		}
		select {
		case l.slots <- struct{}{}:
		case <-l.closed:
			return nil, net.ErrClosed
		}
	}
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		conn, err := l.Listener.Accept()
		if err == nil {
			return conn, nil
		}
		if errors.Is(err, net.ErrClosed) {
			<-l.slots
			return nil, err
		}
		// Out of descriptors, or another passing failure: fasthttp would
		// stop serving at any error but a timeout, so the listener waits
		// and tries again, as net/http does, on its own goroutine only.
		if l.acceptWarned.due() {
			l.log.Warn("accepting a connection failed; trying again (raise the file descriptor limit if it says too many open files)", "err", err)
		}
		select {
		case <-time.After(wait):
		case <-l.closed:
			<-l.slots
			return nil, net.ErrClosed
		}
	}
}

// release frees the slot of a connection fasthttp is done with: closed,
// or hijacked (Kiosque hijacks none; a hijacker would own its count).
func (l *limited) release(state fasthttp.ConnState) {
	if state == fasthttp.StateClosed || state == fasthttp.StateHijacked {
		<-l.slots
	}
}

// Close closes the listener once; the front closes it before fasthttp's
// shutdown does, which must not see an error for it.
func (l *limited) Close() error {
	l.once.Do(func() {
		close(l.closed)
		l.closeErr = l.Listener.Close()
	})
	return l.closeErr
}

// openConns knows the open connections, from fasthttp.Server.ConnState,
// so that a stop past its grace can cut them.
type openConns struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func (o *openConns) note(c net.Conn, state fasthttp.ConnState) {
	switch state {
	case fasthttp.StateNew:
		o.mu.Lock()
		o.conns[c] = struct{}{}
		o.mu.Unlock()
	case fasthttp.StateClosed, fasthttp.StateHijacked:
		o.mu.Lock()
		delete(o.conns, c)
		o.mu.Unlock()
	}
}

func (o *openConns) closeAll() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for c := range o.conns {
		c.Close()
	}
}
