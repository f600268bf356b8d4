package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// residentMB is the resident memory of process pid, in megabytes.
func residentMB(t *testing.T, pid int) float64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				t.Fatal(err)
			}
			return float64(kb) / 1024
		}
	}
	t.Fatal("no VmRSS in /proc/pid/status")
	return 0
}

// pipelining asks path n times on one connection, all at once, and never
// reads an answer.
func pipelining(t *testing.T, addr, path string, n int) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).SetReadBuffer(4 << 10)
	request := "GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nAccept-Encoding: identity\r\n\r\n"
	go c.Write([]byte(strings.Repeat(request, n))) // blocks once the server stops reading
	return c
}

// A client that pipelines requests and never reads holds one answer in
// flight: 8 clients each asking 400 times for the wasm (megabytes each)
// grow the server by at most 64 MB, and others are answered meanwhile.
// The event loops this front replaced grew by 4 GB on this test.
func TestAClientThatNeverReadsHoldsOneAnswer(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	server := startReplica(t, bin, "server", "-data", t.TempDir(), "-sample")
	addr := strings.TrimPrefix(server.url, "http://")
	if status, _ := server.get(t, "/web/app.wasm"); status != http.StatusOK {
		t.Fatalf("the wasm: %d", status)
	}
	before := residentMB(t, server.cmd.Process.Pid)
	var clients []net.Conn
	for range 8 {
		clients = append(clients, pipelining(t, addr, "/web/app.wasm", 400))
	}
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	time.Sleep(3 * time.Second) // the server writes what the sockets take, then waits
	most := before
	for range 10 {
		most = max(most, residentMB(t, server.cmd.Process.Pid))
		if status, body := server.get(t, "/api/v1/articles?limit=1"); status != http.StatusOK {
			t.Fatalf("another client, meanwhile: %d %.100s", status, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("MEASURE resident memory: %.1f MB before, %.1f MB at most with 8 clients pipelining 400 requests for the wasm and never reading", before, most)
	if most-before > 64 {
		t.Errorf("the server grew by %.1f MB (from %.1f MB), over 64 MB", most-before, before)
	}
}

// At the file descriptor limit, the server keeps answering the
// connections it has, and takes the others as those close: none is cut.
// 400 connections at once, with `ulimit -n 256`.
func TestAtItsConnectionLimitTheServerMakesOthersWait(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	cmd := exec.Command("sh", "-c", `ulimit -n 256 && exec "$0" serve -addr 127.0.0.1:0 -web "$1" -data "$2" -sample`, bin, webDir, t.TempDir())
	server := startProcess(t, cmd, "server")
	addr := strings.TrimPrefix(server.url, "http://")

	const total = 400
	conns := make([]net.Conn, total)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns[i] = c
		defer c.Close()
	}
	// Each asks once; the answer comes now if the server took the
	// connection, or once a connection it took has closed.
	answered := make(chan int, total)
	failed := make(chan error, total)
	for i, c := range conns {
		go func() {
			fmt.Fprintf(c, "GET /api/v1/articles?limit=1 HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
			c.SetReadDeadline(time.Now().Add(60 * time.Second))
			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				failed <- fmt.Errorf("connection %d: %w", i, err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				failed <- fmt.Errorf("connection %d: %s", i, res.Status)
				return
			}
			answered <- i
		}()
	}
	// Those answered close, one at a time, letting the others in.
	done := 0
	for done < total {
		select {
		case i := <-answered:
			done++
			conns[i].Close()
		case err := <-failed:
			t.Fatalf("a connection waiting at the limit failed: %v\n%s", err, server.log)
		case <-time.After(60 * time.Second):
			t.Fatalf("%d of %d connections answered; the others waited a minute", done, total)
		}
	}
	if n := server.logged("connection limit reached"); n != 1 {
		t.Errorf("the log says the limit was reached %d times, want once:\n%s", n, server.log)
	}
	if n := server.logged("Accept error"); n > 0 {
		t.Errorf("the server ran out of descriptors %d times:\n%s", n, server.log)
	}
	if status, _ := server.get(t, "/healthz"); status != http.StatusOK {
		t.Errorf("after the crowd: /healthz %d", status)
	}
}

// A request head dripped one byte a second is cut at the read header
// timeout the README gives (10 s), with a 408, not later (the event loops
// handed it to fasthttp at 10 s, which cut it at 21 s).
func TestADrippedHeadIsCutAtTheReadHeaderTimeout(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	server := startReplica(t, bin, "server", "-data", t.TempDir(), "-sample")
	c, err := net.Dial("tcp", strings.TrimPrefix(server.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	cut := make(chan time.Duration, 1)
	var answer strings.Builder
	go func() {
		io.Copy(&answer, c) // returns when the server closes the connection
		cut <- time.Since(start)
	}()
	head := "GET / HTTP/1.1\r\nHost: kiosque.example\r\nX-Slow: " + strings.Repeat("a", 60)
	for i := range len(head) {
		select {
		case took := <-cut:
			t.Logf("MEASURE a head dripped one byte a second was cut after %s", took.Round(100*time.Millisecond))
			if took < 9*time.Second || took > 15*time.Second {
				t.Errorf("cut after %s, want the 10 s read header timeout", took)
			}
			if !strings.HasPrefix(answer.String(), "HTTP/1.1 408 ") {
				t.Errorf("cut with %.60q, want a 408", answer.String())
			}
			return
		case <-time.After(time.Second):
		}
		if _, err := c.Write([]byte{head[i]}); err != nil && !errors.Is(err, net.ErrClosed) {
			took := time.Since(start)
			t.Logf("MEASURE a head dripped one byte a second was cut after %s", took.Round(100*time.Millisecond))
			if took < 9*time.Second || took > 15*time.Second {
				t.Errorf("cut after %s, want the 10 s read header timeout", took)
			}
			return
		}
	}
	t.Fatalf("a head dripped for %d s was never cut", len(head))
}
