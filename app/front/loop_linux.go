//go:build linux

package front

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/server"
)

// Event loops answer the requests of kept answers as nginx does: one
// thread per core waits for every ready connection at once (epoll), reads
// what they sent, and writes the answers, without a goroutine per
// connection. Under load, Go's scheduler makes a goroutine per connection
// wait behind whole batches of others; a loop serves the ready connections
// in turn, and its slowest answers stay close to nginx's (make bench).
//
// A loop answers only what it can read beyond doubt and what the site has
// ready (parseHead, Site.Lookup). At the first request it cannot, it hands
// the connection, with the bytes it read, to fasthttp, which serves it
// from then on.

// eventLoops says whether this system has the front's event loops.
const eventLoops = true

// loops are the event loops of one listener.
type loops struct {
	lfd     int // the listener's, shared by every loop
	each    []*eventLoop
	stopped sync.WaitGroup
	// released counts the goroutines of connections the loops let go:
	// those handed over, until fasthttp has them, and those still taking
	// their answers at a stop.
	released sync.WaitGroup
}

// eventLoop is one loop and the connections it serves.
type eventLoop struct {
	f       *front
	o       Options
	epfd    int
	wake    int // an eventfd: a write stops the loop
	lfd     int
	conns   map[int]*loopConn
	handOff func(net.Conn)
	// open and released are the front's: what a loop lets go is counted
	// among its open connections, and waited for at a stop.
	open     *tracked
	released *sync.WaitGroup

	scratch []byte // what a read reads into
	head    []byte // an answer's head, being written
	date    []byte // "Date: …\r\n", as of dateAt
	dateAt  int64
}

// loopConn is a connection a loop serves.
type loopConn struct {
	fd   int
	peer netip.Addr
	in   []byte // read, not answered yet
	out  []byte // answered, not written yet
	// readSince is when the request head in `in` started to come, busy
	// when the writes started to wait, idle when the connection last was.
	readSince, busySince, idle time.Time
}

// startLoops starts one loop per core on ln, each handing the connections
// it does not serve to handOff, and counting those it lets go in open.
func startLoops(ln *net.TCPListener, f *front, o Options, open *tracked, handOff func(net.Conn)) (*loops, error) {
	raw, err := ln.SyscallConn()
	if err != nil {
		return nil, err
	}
	ls := &loops{lfd: -1}
	var dupErr error
	if err := raw.Control(func(fd uintptr) { ls.lfd, dupErr = unix.Dup(int(fd)) }); err != nil {
		return nil, err
	}
	if dupErr != nil {
		return nil, fmt.Errorf("event loop: %w", dupErr)
	}
	unix.CloseOnExec(ls.lfd)
	for range runtime.GOMAXPROCS(0) {
		l, err := newEventLoop(ls.lfd, f, o, handOff)
		if err != nil {
			ls.stop()
			return nil, err
		}
		l.open, l.released = open, &ls.released
		ls.each = append(ls.each, l)
	}
	for _, l := range ls.each {
		ls.stopped.Add(1)
		go func() {
			defer ls.stopped.Done()
			l.run()
		}()
	}
	return ls, nil
}

// stop stops the loops: they take no more connections, and close those
// they serve (a loop answers a request as soon as it has read it, so none
// waits for an answer; one still taking its answer gets the grace).
func (ls *loops) stop() {
	for _, l := range ls.each {
		unix.Write(l.wake, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	}
	ls.stopped.Wait()
	for _, l := range ls.each {
		unix.Close(l.wake)
		unix.Close(l.epfd)
	}
	if ls.lfd >= 0 {
		unix.Close(ls.lfd)
	}
}

// finish waits for the connections the stopped loops let go: until
// fasthttp has those handed over, and the others have taken their
// answers, or ctx is done.
func (ls *loops) finish(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		ls.released.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func newEventLoop(lfd int, f *front, o Options, handOff func(net.Conn)) (*eventLoop, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("event loop: %w", err)
	}
	wake, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, fmt.Errorf("event loop: %w", err)
	}
	l := &eventLoop{f: f, o: o, epfd: epfd, wake: wake, lfd: lfd, conns: map[int]*loopConn{}, handOff: handOff,
		scratch: make([]byte, 64<<10)}
	// EPOLLEXCLUSIVE: a new connection wakes one loop, not all of them.
	if err := l.watch(lfd, unix.EPOLLIN|unix.EPOLLEXCLUSIVE, unix.EPOLL_CTL_ADD); err != nil {
		unix.Close(epfd)
		unix.Close(wake)
		return nil, err
	}
	if err := l.watch(wake, unix.EPOLLIN, unix.EPOLL_CTL_ADD); err != nil {
		unix.Close(epfd)
		unix.Close(wake)
		return nil, err
	}
	return l, nil
}

func (l *eventLoop) watch(fd int, events uint32, op int) error {
	ev := unix.EpollEvent{Events: events, Fd: int32(fd)}
	if err := unix.EpollCtl(l.epfd, op, fd, &ev); err != nil {
		return fmt.Errorf("event loop: watch %d: %w", fd, err)
	}
	return nil
}

// run serves until the loop is woken to stop.
func (l *eventLoop) run() {
	// The loop waits in epoll on a thread of its own, as nginx's worker
	// does, rather than in Go's network poller.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	events := make([]unix.EpollEvent, 256)
	lastSweep := time.Now()
	// While connections are ready, the loop asks without waiting: a wait
	// may leave this thread's processor to other goroutines, and the
	// answers behind them. It waits (a second at most, for the sweep)
	// only when nothing is ready.
	wait := 0
	for {
		n, err := epollWait(l.epfd, events, wait)
		if n > 0 {
			wait = 0
		} else {
			wait = 1000
		}
		if err != nil && !errors.Is(err, unix.EINTR) {
			l.f.logError("event loop: wait", err)
			time.Sleep(10 * time.Millisecond)
		}
		now := time.Now()
		l.refreshDate(now)
		for _, ev := range events[:max(n, 0)] {
			switch fd := int(ev.Fd); fd {
			case l.wake:
				l.closeAll()
				return
			case l.lfd:
				l.accept(now)
			default:
				c := l.conns[fd]
				switch {
				case c == nil:
				case ev.Events&unix.EPOLLOUT != 0:
					l.flush(c, now)
				default: // readable, or hung up: the read says which
					l.read(c, now)
				}
			}
		}
		if now.Sub(lastSweep) >= time.Second {
			l.sweep(now)
			lastSweep = now
		}
		// Its raw calls never leave the processor: other goroutines (the
		// connections handed over, the handlers) get their turn here.
		runtime.Gosched()
	}
}

// accept takes the connections waiting.
func (l *eventLoop) accept(now time.Time) {
	for {
		fd, sa, err := unix.Accept4(l.lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		switch {
		case errors.Is(err, unix.EAGAIN), errors.Is(err, unix.EINTR), errors.Is(err, unix.ECONNABORTED):
			return
		case err != nil:
			// Out of file descriptors, most likely: the listener stays
			// ready, so wait a little rather than spin.
			l.f.logError("event loop: accept", err)
			time.Sleep(10 * time.Millisecond)
			return
		}
		unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		if err := l.watch(fd, unix.EPOLLIN, unix.EPOLL_CTL_ADD); err != nil {
			unix.Close(fd)
			continue
		}
		l.conns[fd] = &loopConn{fd: fd, peer: peerOfSockaddr(sa), idle: now}
	}
}

// peerOfSockaddr is the address of a connection's remote end.
func peerOfSockaddr(sa unix.Sockaddr) netip.Addr {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrFrom4(sa.Addr)
	case *unix.SockaddrInet6:
		return netip.AddrFrom16(sa.Addr).Unmap()
	}
	return netip.Addr{}
}

// read reads what a connection sent, and answers the requests complete.
func (l *eventLoop) read(c *loopConn, now time.Time) {
	n, err := rawRead(c.fd, l.scratch)
	switch {
	case errors.Is(err, unix.EAGAIN), errors.Is(err, unix.EINTR):
		return
	case err != nil || n == 0: // closed by the client, or reset
		l.close(c)
		return
	}
	if len(c.in) == 0 {
		c.readSince = now
	}
	c.in = append(c.in, l.scratch[:n]...)
	l.answer(c, now)
}

// answer answers the complete requests read, in order, until one is not
// for the loop: then fasthttp takes the connection.
func (l *eventLoop) answer(c *loopConn, now time.Time) {
	done := 0
	defer func() {
		if done > 0 && l.conns[c.fd] == c {
			c.in = c.in[:copy(c.in, c.in[done:])]
			if len(c.in) > 0 {
				c.readSince = now
			}
		}
	}()
	for done < len(c.in) {
		h, n, kind := parseHead(c.in[done:])
		switch kind {
		case headIncomplete:
			return
		case headOther:
			c.in = c.in[done:]
			done = 0
			l.giveUp(c)
			return
		}
		req := server.Request{
			Method:         h.method,
			Path:           h.path,
			RawQuery:       h.rawQuery,
			AcceptLanguage: h.acceptLanguage,
			Host:           h.host,
			Peer:           c.peer,
			ForwardedProto: h.forwardedProto,
			ForwardedHost:  h.forwardedHost,
		}
		ready, ok := l.f.site.Lookup(req)
		if !ok {
			c.in = c.in[done:]
			done = 0
			l.giveUp(c)
			return
		}
		status, header, body := ready.Reply(h.method, h.acceptEncoding, h.ifMatch)
		l.send(c, h.method, status, header, body, now)
		if l.f.answered != nil {
			l.f.answered(h.path, status, time.Since(now))
		}
		done += n
		if l.conns[c.fd] != c {
			return // closed while writing
		}
	}
}

// send writes an answer: its head and body at once when nothing is owed,
// else after what is.
func (l *eventLoop) send(c *loopConn, method string, status int, header []answers.Field, body []byte, now time.Time) {
	l.head = l.appendHead(l.head[:0], method, status, header, len(body))
	if len(c.out) > 0 {
		c.out = append(append(c.out, l.head...), body...)
		return
	}
	written, err := writev(c.fd, l.head, body)
	if err != nil {
		l.close(c)
		return
	}
	if rest := len(l.head) + len(body) - written; rest > 0 {
		if written < len(l.head) {
			c.out = append(c.out, l.head[written:]...)
			c.out = append(c.out, body...)
		} else {
			c.out = append(c.out, body[written-len(l.head):]...)
		}
		c.busySince = now
		l.watch(c.fd, unix.EPOLLOUT, unix.EPOLL_CTL_MOD)
		return
	}
	c.idle = now
}

// writev writes both slices, as much as the socket takes now (a body
// less answer, a 304, in a plain write).
func writev(fd int, a, b []byte) (int, error) {
	for {
		var n int
		var err error
		if len(b) == 0 {
			n, err = rawWrite(fd, a)
		} else {
			n, err = rawWritev(fd, a, b)
		}
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EAGAIN):
			return 0, nil
		case err != nil:
			return 0, err
		}
		return n, nil
	}
}

// flush writes what a connection is owed, once it can take it; then the
// loop reads it again, and answers what came meanwhile.
func (l *eventLoop) flush(c *loopConn, now time.Time) {
	for len(c.out) > 0 {
		n, err := rawWrite(c.fd, c.out)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EAGAIN):
			return
		case err != nil:
			l.close(c)
			return
		}
		c.out = c.out[n:]
	}
	// Written: an idle connection keeps no buffer of a large answer.
	c.out = nil
	c.idle = now
	l.watch(c.fd, unix.EPOLLIN, unix.EPOLL_CTL_MOD)
	if len(c.in) > 0 {
		l.answer(c, now)
	}
}

// appendHead appends an answer's status line and headers, as fasthttp
// writes them: the Date, the answer's fields, and the body's length (a
// HEAD's says the GET's; a 304 and a 204 say none).
func (l *eventLoop) appendHead(b []byte, method string, status int, header []answers.Field, bodyLen int) []byte {
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = append(b, http.StatusText(status)...)
	b = append(b, "\r\n"...)
	b = append(b, l.date...)
	headLength := "" // a HEAD's: the GET's body's
	for _, f := range header {
		if f.Name == "Content-Length" {
			if method == http.MethodHead && len(f.Values) == 1 {
				headLength = f.Values[0]
			}
			continue
		}
		for _, v := range f.Values {
			b = append(b, f.Name...)
			b = append(b, ": "...)
			b = append(b, v...)
			b = append(b, "\r\n"...)
		}
	}
	if status != http.StatusNotModified && status != http.StatusNoContent {
		b = append(b, "Content-Length: "...)
		if headLength != "" {
			b = append(b, headLength...)
		} else {
			b = strconv.AppendInt(b, int64(bodyLen), 10)
		}
		b = append(b, "\r\n"...)
	}
	return append(b, "\r\n"...)
}

// refreshDate keeps the Date header of the second.
func (l *eventLoop) refreshDate(now time.Time) {
	if sec := now.Unix(); sec != l.dateAt || l.date == nil {
		l.dateAt = sec
		l.date = append(append(append(l.date[:0], "Date: "...), now.UTC().Format(http.TimeFormat)...), "\r\n"...)
	}
}

// giveUp hands a connection to fasthttp, with the bytes read and the
// bytes owed: it writes the ones, then reads the others first.
func (l *eventLoop) giveUp(c *loopConn) {
	conn, err := l.release(c)
	if err != nil {
		l.f.logError("event loop: hand a connection over", err)
		return
	}
	owed, read := c.out, c.in
	writeTimeout := l.o.WriteTimeout
	l.released.Go(func() {
		if len(owed) > 0 {
			if writeTimeout > 0 {
				conn.SetWriteDeadline(time.Now().Add(writeTimeout))
			}
			if _, err := conn.Write(owed); err != nil {
				conn.Close()
				return
			}
			conn.SetWriteDeadline(time.Time{})
		}
		l.handOff(&readFirst{Conn: conn, read: read})
	})
}

// sweep closes the connections idle too long, and those that owe or send
// too slowly; a request head that takes too long to come goes to fasthttp,
// which answers 408.
func (l *eventLoop) sweep(now time.Time) {
	for _, c := range l.conns {
		switch {
		case len(c.out) > 0:
			if l.o.WriteTimeout > 0 && now.Sub(c.busySince) > l.o.WriteTimeout {
				l.close(c)
			}
		case len(c.in) > 0:
			if l.o.ReadTimeout > 0 && now.Sub(c.readSince) > l.o.ReadTimeout {
				l.giveUp(c)
			}
		default:
			if l.o.IdleTimeout > 0 && now.Sub(c.idle) > l.o.IdleTimeout {
				l.close(c)
			}
		}
	}
}

// release hands a connection over to Go's network poller, as a net.Conn.
func (l *eventLoop) release(c *loopConn) (net.Conn, error) {
	l.forget(c)
	file := os.NewFile(uintptr(c.fd), "")
	defer file.Close()
	conn, err := net.FileConn(file) // a duplicate of the descriptor
	if err != nil {
		return nil, err
	}
	return l.open.track(conn), nil
}

// forget stops watching a connection.
func (l *eventLoop) forget(c *loopConn) {
	unix.EpollCtl(l.epfd, unix.EPOLL_CTL_DEL, c.fd, nil)
	delete(l.conns, c.fd)
}

func (l *eventLoop) close(c *loopConn) {
	l.forget(c)
	unix.Close(c.fd)
}

// closeAll closes every connection at a shutdown; those still owed an
// answer get the grace to take it.
func (l *eventLoop) closeAll() {
	for _, c := range l.conns {
		if len(c.out) == 0 {
			l.close(c)
			continue
		}
		conn, err := l.release(c)
		if err != nil {
			continue
		}
		owed, grace := c.out, l.o.Grace
		l.released.Go(func() {
			defer conn.Close()
			conn.SetWriteDeadline(time.Now().Add(grace))
			conn.Write(owed)
		})
	}
}

// readFirst is a connection whose first bytes were read already.
type readFirst struct {
	net.Conn
	read []byte
}

func (c *readFirst) Read(b []byte) (int, error) {
	if len(c.read) > 0 {
		n := copy(b, c.read)
		c.read = c.read[n:]
		return n, nil
	}
	return c.Conn.Read(b)
}

// The loop's system calls on its sockets never block (they are
// non-blocking, and epoll is asked not to wait while connections are
// ready): made raw, they keep the loop's thread on its processor, where
// Go's own wrappers would offer it to other goroutines at each call, and
// the answers would wait for its return.

// epollWait waits for events, raw when it does not wait.
func epollWait(epfd int, events []unix.EpollEvent, msec int) (int, error) {
	if msec != 0 {
		return unix.EpollWait(epfd, events, msec)
	}
	n, _, errno := unix.RawSyscall6(unix.SYS_EPOLL_WAIT, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(n), nil
}

func rawRead(fd int, b []byte) (int, error) {
	n, _, errno := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if errno != 0 {
		return -1, errno
	}
	return int(n), nil
}

func rawWrite(fd int, b []byte) (int, error) {
	n, _, errno := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if errno != 0 {
		return -1, errno
	}
	return int(n), nil
}

func rawWritev(fd int, a, b []byte) (int, error) {
	iov := [2]unix.Iovec{{Base: &a[0]}, {Base: &b[0]}}
	iov[0].SetLen(len(a))
	iov[1].SetLen(len(b))
	n, _, errno := unix.RawSyscall(unix.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), 2)
	if errno != 0 {
		return -1, errno
	}
	return int(n), nil
}
