package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/kiosque/kiosque/app/front"
)

// The stack references serve the same bytes and headers as nginx does,
// from a map, with no site behind them: the most Kiosque could answer on
// each HTTP stack. Kiosque's front is fasthttp: the fasthttp references
// are that front, serving each answer on fasthttp's own request as
// Kiosque serves its kept answers (fasthttp alone), or handing each to a
// net/http handler through its adaptor as Kiosque does every other
// request (fasthttp + adaptor); Kiosque's rate against the first is what
// its own code costs. The net/http reference is http.Server with the
// same limits: what the standard library would give, and why the front
// is not on it.

// A stack is one HTTP server a reference can serve on.
type stack string

const (
	netHTTP         stack = "net/http"
	fastHTTP        stack = "fasthttp"
	fastHTTPAdaptor stack = "fasthttp-adaptor"
)

// row is how the table names the stack's rows.
func (s stack) row() string {
	if s == fastHTTPAdaptor {
		return "fasthttp + adaptor"
	}
	return string(s) + " alone"
}

// stacks are the references each probe is asked of, in this order.
var stacks = []stack{netHTTP, fastHTTP, fastHTTPAdaptor}

// stackAnswer is one answer a reference serves, as written for it.
type stackAnswer struct {
	Path   string      `json:"path"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

// stackRef is a running reference.
type stackRef struct {
	*process
	stack stack
	url   string
}

// startStackRef starts this program again as the reference on s, on the
// servers' core with one thread, as Kiosque runs.
func startStackRef(ctx context.Context, o options, s stack, files []nginxFile, bodies map[string][]byte) (*stackRef, error) {
	answers := make([]stackAnswer, 0, len(files))
	for _, f := range files {
		answers = append(answers, stackAnswer{Path: f.Path, Header: f.Header, Body: bodies[f.Path[1:]]})
	}
	dir, err := os.MkdirTemp("", "kiosque-bench-stack-")
	if err != nil {
		return nil, err
	}
	context.AfterFunc(ctx, func() { os.RemoveAll(dir) })
	b, err := json.Marshal(answers)
	if err != nil {
		return nil, err
	}
	list := filepath.Join(dir, "answers.json")
	if err := os.WriteFile(list, b, 0o644); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	p, err := startPinned(ctx, "stack", o.serverCPU, []string{"GOMAXPROCS=1"},
		self, "-serve-answers", list, "-stack", string(s), "-addr", addr)
	if err != nil {
		return nil, err
	}
	ref := &stackRef{process: p, stack: s, url: "http://" + addr}
	if err := p.waitHTTP(ctx, ref.url+files[0].Path, 10*time.Second); err != nil {
		p.stop()
		return nil, fmt.Errorf("%s reference: %w", s, err)
	}
	return ref, nil
}

// serveAnswers is a reference's own program: it serves the answers listed
// in the file at list on addr, on the stack named, until it is told to
// stop. Each stack gets the limits Kiosque's front sets net/http.
func serveAnswers(list string, s stack, addr string) error {
	b, err := os.ReadFile(list)
	if err != nil {
		return err
	}
	var answers []stackAnswer
	if err := json.Unmarshal(b, &answers); err != nil {
		return fmt.Errorf("read %s: %w", list, err)
	}
	byPath := make(map[string]readyAnswer, len(answers))
	for _, a := range answers {
		sum := sha256.Sum256(a.Body)
		tag := `"` + hex.EncodeToString(sum[:10]) + `"`
		a.Header["Etag"] = []string{tag}
		byPath[a.Path] = readyAnswer{header: a.Header, body: a.Body, tag: tag, length: []string{strconv.Itoa(len(a.Body))}}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := byPath[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		a.serve(w, r)
	})
	switch s {
	case netHTTP:
		return serveWithNetHTTP(ctx, ln, h)
	case fastHTTP:
		return front.Serve(ctx, ln, fastAnswers{h, byPath}, front.DefaultOptions(nil))
	case fastHTTPAdaptor:
		return front.Serve(ctx, ln, h, front.DefaultOptions(nil))
	}
	return fmt.Errorf("no stack %q: %v", s, stacks)
}

// fastAnswers serves its answers on fasthttp's own request, as Kiosque
// serves its kept answers (front.FastHandler).
type fastAnswers struct {
	http.Handler
	byPath map[string]readyAnswer
}

func (f fastAnswers) ServeFast(c *fasthttp.RequestCtx) bool {
	a, ok := f.byPath[string(c.Path())]
	if !ok {
		return false
	}
	a.serveFast(c)
	return true
}

// serveWithNetHTTP serves h with net/http, within the bounds that
// front.DefaultOptions gives Kiosque's front, until ctx is done.
func serveWithNetHTTP(ctx context.Context, ln net.Listener, h http.Handler) error {
	d := front.DefaultOptions(nil)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: d.ReadHeaderTimeout,
		ReadTimeout:       d.ReadTimeout,
		WriteTimeout:      d.WriteTimeout,
		IdleTimeout:       d.IdleTimeout,
		MaxHeaderBytes:    d.MaxHeaderBytes,
	}
	context.AfterFunc(ctx, func() { srv.Close() })
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// readyAnswer is written as Kiosque writes a kept answer: its header
// values set as they are, its body from its bytes.
type readyAnswer struct {
	header http.Header
	body   []byte
	tag    string
	length []string // Content-Length, written once
}

func (a readyAnswer) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for name, values := range a.header {
		h[name] = values
	}
	if r.Header.Get("If-None-Match") == a.tag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Length"] = a.length
	w.Write(a.body)
}

// serveFast writes the answer with fasthttp's own response, its body
// from its bytes (fasthttp sets Content-Length from them).
func (a readyAnswer) serveFast(c *fasthttp.RequestCtx) {
	for name, values := range a.header {
		for _, v := range values {
			c.Response.Header.Add(name, v)
		}
	}
	if string(c.Request.Header.Peek("If-None-Match")) == a.tag {
		c.SetStatusCode(fasthttp.StatusNotModified)
		return
	}
	c.Response.SetBodyRaw(a.body)
}
