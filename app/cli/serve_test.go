//go:build !wasm

package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/ingest/ingesttest"
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
	go func() {
		done <- Run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...), noEnv, stdout, stderr)
	}()
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
	base, stop := serveUntilCancelled(t, "-data", data, "-web", webDir)
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
	base, stop = serveUntilCancelled(t, "-data", data, "-web", webDir)
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
		{[]string{"serve", "-embed-theme", "blue"}, "-embed-theme \"blue\": want light, dark or auto"},
		{[]string{"serve", "-data", "/proc/kiosque-cannot-write-here", "-addr", "127.0.0.1:0"}, "create data folder"},
		{[]string{"eval-related"}, "give exactly one TSV file"},
		{[]string{"eval-related", "/nonexistent.tsv"}, "no such file"},
		{[]string{"ingest"}, "ingest"},
	} {
		err := Run(context.Background(), tc.args, noEnv, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("kiosque %s: got %v, want an error saying %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"help"}, noEnv, &out, io.Discard); err != nil || !strings.Contains(out.String(), "kiosque [serve]") {
		t.Errorf("help: %v %q", err, out.String())
	}
}

// The pages, the widget and the API a running server keeps change when
// another process (here `kiosque ingest`, on its own connection to the
// store) imports an article: within the watcher's period of a second.
func TestAnImportByAnotherProcessShowsWithinASecondOrTwo(t *testing.T) {
	data := t.TempDir()
	base, stop := serveUntilCancelled(t, "-data", data, "-web", webDir)
	defer stop()
	paths := []string{"/", "/embed?category=societe&lang=fr", "/api/v1/articles"}
	const title = "Une nouvelle arrivée par une autre porte"
	if shows(t, base, title, paths[:1]...) {
		t.Fatal("the article shows before its import")
	}
	for range 2 { // kept, and asked again from memory
		shows(t, base, title, paths...)
	}
	feed := httptest.NewServer(ingesttest.NewFeed(ingesttest.FreshFeed(title), "application/rss+xml", false))
	defer feed.Close()
	if err := Run(context.Background(), []string{"ingest", "-data", data, "-feed", feed.URL}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	imported := time.Now()
	for !shows(t, base, title, paths...) {
		if time.Since(imported) > 5*time.Second {
			t.Fatalf("5 s after the import, %v do not all show the new article", paths)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("the import showed after %s", time.Since(imported).Round(time.Millisecond))
}

// webDir is the web folder, with the built wasm, seen from this package.
const webDir = "../../web"

// seedSlug is the article of ../shared/seeds, in the sample.
const seedSlug = "hammouchi-examine-a-vienne-les-defis-du-terrorisme"

// noEnv is an environment with nothing set.
func noEnv(string) string { return "" }

// shows reports whether the answers at every path show text.
func shows(t *testing.T, base, text string, paths ...string) bool {
	t.Helper()
	for _, p := range paths {
		res, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(body), text) {
			return false
		}
	}
	return true
}
