package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/kiosque/kiosque/app/front"
)

// The net/http reference is Kiosque's own front (net/http with its
// timeouts, limits and connection count) serving the same bytes and
// headers as nginx does, from a map, with no site behind it: the most
// Kiosque could answer on this stack. Kiosque's rate against it is what
// its own code costs; its rate against nginx, what the stack costs.

// netrefAnswer is one answer the reference serves, as written for it.
type netrefAnswer struct {
	Path   string      `json:"path"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

// netref is the running reference.
type netref struct {
	*process
	url string
}

// startNetref starts this program again as the reference, on the servers'
// core with one thread, as Kiosque runs.
func startNetref(ctx context.Context, o options, files []nginxFile, bodies map[string][]byte) (*netref, error) {
	answers := make([]netrefAnswer, 0, len(files))
	for _, f := range files {
		answers = append(answers, netrefAnswer{Path: f.Path, Header: f.Header, Body: bodies[f.Path[1:]]})
	}
	dir, err := os.MkdirTemp("", "kiosque-bench-netref-")
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
	p, err := startPinned(ctx, "netref", o.serverCPU, []string{"GOMAXPROCS=1"}, self, "-serve-answers", list, "-addr", addr)
	if err != nil {
		return nil, err
	}
	n := &netref{process: p, url: "http://" + addr}
	if err := p.waitHTTP(ctx, n.url+files[0].Path, 10*time.Second); err != nil {
		p.stop()
		return nil, err
	}
	return n, nil
}

// serveAnswers is the reference's own program: it serves the answers
// listed in the file at list on addr until it is told to stop.
func serveAnswers(list, addr string) error {
	b, err := os.ReadFile(list)
	if err != nil {
		return err
	}
	var answers []netrefAnswer
	if err := json.Unmarshal(b, &answers); err != nil {
		return fmt.Errorf("read %s: %w", list, err)
	}
	byPath := make(map[string]readyAnswer, len(answers))
	for _, a := range answers {
		sum := sha256.Sum256(a.Body)
		tag := `"` + hex.EncodeToString(sum[:10]) + `"`
		a.Header["Content-Length"] = []string{strconv.Itoa(len(a.Body))}
		a.Header["Etag"] = []string{tag}
		byPath[a.Path] = readyAnswer{header: a.Header, body: a.Body, tag: tag}
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
	return front.Serve(ctx, ln, h, front.DefaultOptions(nil))
}

// readyAnswer is written as Kiosque writes a kept answer: its header
// values set as they are, its body from its bytes.
type readyAnswer struct {
	header http.Header
	body   []byte
	tag    string
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
	w.Write(a.body)
}
