//go:build !wasm

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// syncBuffer is a bytes.Buffer that the server may write while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveUntilCancelled runs `kiosque serve` in the test's process and returns
// its URL, and a function that stops it as SIGTERM would and returns what
// serve returned.
func serveUntilCancelled(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...), stdout, stderr) }()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		line, _ := bufio.NewReader(strings.NewReader(stdout.String())).ReadString('\n')
		if u, ok := strings.CutPrefix(strings.TrimSpace(line), "Kiosque is serving on "); ok {
			return u, func() error {
				cancel()
				select {
				case err := <-done:
					return err
				case <-time.After(15 * time.Second):
					t.Fatal("serve did not stop")
					return nil
				}
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended: %v\n%s", err, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("serve did not start:\n%s", stderr.String())
	return "", nil
}

func countArticles(t *testing.T, base string) int {
	t.Helper()
	res, err := http.Get(base + "/api/v1/categories")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct{ Categories []struct{ Count int } }
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range body.Categories {
		n += c.Count
	}
	return n
}

func TestServeFillsAnEmptyStoreOnceAndStopsCleanly(t *testing.T) {
	data := t.TempDir()
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	base, stop := serveUntilCancelled(t, "-data", data, "-web", "web")
	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	if n := countArticles(t, base); n != len(articles) {
		t.Errorf("first start: %d articles, want the %d of the sample", n, len(articles))
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v after a shutdown", err)
	}

	// What is stored is kept: an article removed stays removed.
	st, err := sqlite.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(context.Background(), articles[0].Slug); err != nil {
		t.Fatal(err)
	}
	st.Close()
	base, stop = serveUntilCancelled(t, "-data", data, "-web", "web")
	if n := countArticles(t, base); n != len(articles)-1 {
		t.Errorf("after a restart: %d articles, want %d", n, len(articles)-1)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestCommandLineErrorsAreReadable(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"serve", "-poll", "1s"}, "poll at most every 10 seconds"},
		{[]string{"serve", "-store", "mysql://x"}, "want a postgres:// URL"},
		{[]string{"serve", "-source-lang", "de"}, "want fr, ar or en"},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"serve", "-public-url", "widget.example/path"}, "want a scheme and a host only"},
		{[]string{"serve", "-data", "/proc/kiosque-cannot-write-here", "-addr", "127.0.0.1:0"}, "create data folder"},
		{[]string{"eval-related"}, "give exactly one TSV file"},
		{[]string{"eval-related", "/nonexistent.tsv"}, "no such file"},
		{[]string{"ingest"}, "ingest"},
	} {
		err := run(context.Background(), tc.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("kiosque %s: got %v, want an error saying %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, &out, io.Discard); err != nil || !strings.Contains(out.String(), "kiosque [serve]") {
		t.Errorf("help: %v %q", err, out.String())
	}
}
