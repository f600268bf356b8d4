//go:build !wasm

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/store/sqlite"
	"github.com/kiosque/kiosque/app/webtest"
)

// syncBuffer is what the server writes while the test reads it.
type syncBuffer = webtest.Log

// serveUntilCancelled runs `kiosque serve` in the test's process and returns
// its URL, and a function that stops it as SIGTERM would and returns what
// serve returned.
func serveUntilCancelled(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	u, _, stop := serveWith(t, noEnv, args...)
	return u, stop
}

// serveWith runs `kiosque serve` with args and the environment getenv,
// as serveUntilCancelled does, and also returns its log.
func serveWith(t testing.TB, getenv func(string) string, args ...string) (string, *syncBuffer, func() error) {
	t.Helper()
	u, _, log, stop := serveWithOutput(t, getenv, args...)
	return u, log, stop
}

// serveWithOutput is serveWith, and also returns what serve printed on
// its stdout.
func serveWithOutput(t testing.TB, getenv func(string) string, args ...string) (string, *syncBuffer, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...), getenv, stdout, stderr)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if u, ok := loggedURL(stderr.String(), "serving"); ok {
			// stop may be called again (deferred too): it returns what serve
			// returned.
			stop := sync.OnceValue(func() error {
				cancel()
				select {
				case err := <-done:
					return err
				case <-time.After(15 * time.Second):
					t.Error("serve did not stop")
					return nil
				}
			})
			return u, stdout, stderr, stop
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended: %v\n%s", err, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("serve did not start:\n%s", stderr.String())
	return "", nil, nil, nil
}

// loggedURL finds the url attribute of the log line whose message is
// msg, in the text or the JSON format: where a server says it listens,
// its stdout being no terminal.
func loggedURL(log, msg string) (string, bool) {
	textMsg := "msg=" + msg
	if strings.ContainsAny(msg, " =\"") {
		textMsg = "msg=" + strconv.Quote(msg)
	}
	for line := range strings.Lines(log) {
		if strings.HasPrefix(line, "{") {
			var record struct{ Msg, URL string }
			if json.Unmarshal([]byte(line), &record) == nil && record.Msg == msg && record.URL != "" {
				return record.URL, true
			}
			continue
		}
		if strings.Contains(line, " "+textMsg+" ") {
			if m := urlAttr.FindStringSubmatch(line); m != nil {
				return m[1], true
			}
		}
	}
	return "", false
}

var urlAttr = regexp.MustCompile(`\burl=(\S+)`)

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
		{[]string{"bogus"}, `no known command: "bogus"`},
		{[]string{}, "no known command"},
		{[]string{"-addr", ":8080"}, `no known command: "-addr"`},
		{[]string{"serve", "-lang", "de"}, "-lang \"de\": want fr, ar or en"},
		{[]string{"serve", "-trusted-proxies", "10.0.0.0/33"}, "want a CIDR"},
		{[]string{"serve", "-metrics-addr", ":8080"}, "must differ from -addr"},
		{[]string{"version", "extra"}, `unexpected argument "extra"`},
		{[]string{"serve", "-poll", "1s"}, "poll at most every 10 seconds"},
		{[]string{"serve", "-store", "mysql://x"}, "want a postgres:// URL"},
		{[]string{"serve", "-source-lang", "de"}, "want fr, ar or en"},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"serve", "-public-url", "widget.example/path"}, "want a scheme and a host only"},
		{[]string{"serve", "-embed-theme", "blue"}, "-embed-theme \"blue\": want light, dark or auto"},
		{[]string{"serve", "-data", "/proc/kiosque-cannot-write-here", "-addr", "127.0.0.1:0"}, "create data folder"},
		{[]string{"eval-related", "-data", "/nonexistent"}, "or give a TSV file"},
		{[]string{"eval-related", "a.tsv", "b.tsv"}, "give one TSV file"},
		{[]string{"eval-related", "/nonexistent.tsv"}, "no such file"},
		{[]string{"ingest"}, "ingest"},
		{[]string{"serve", "-frame-ancestors", "https://a.example, self"}, "write the keyword with its single quotes"},
		{[]string{"serve", "-frame-ancestors", "https://a.example/?x"}, `-frame-ancestors "https://a.example/?x": https://a.example/?x: not a source`},
		{[]string{"serve", "-media-ports", "80,x"}, "want ports from 1 to 65535"},
		{[]string{"serve", "-media-ports", "0"}, "want ports from 1 to 65535"},
		{[]string{"serve", "-media-ports", "70000"}, "want ports from 1 to 65535"},
	} {
		err := Run(context.Background(), tc.args, noEnv, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("kiosque %s: got %v, want an error saying %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
	for _, help := range []string{"help", "-h", "--help"} {
		var out bytes.Buffer
		err := Run(context.Background(), []string{help}, noEnv, &out, io.Discard)
		for _, command := range []string{"serve", "ingest", "sources", "remove", "restore", "backup", "eval-related", "version"} {
			if err != nil || !strings.Contains(out.String(), "kiosque "+command) {
				t.Errorf("kiosque %s: %v, and the commands it prints lack %q:\n%s", help, err, command, out.String())
				break
			}
		}
	}
	// A command's -h lists its flags with the environment's names.
	var flags bytes.Buffer
	if err := Run(context.Background(), []string{"serve", "-h"}, noEnv, io.Discard, &flags); err != nil {
		t.Fatalf("serve -h: %v", err)
	}
	for _, want := range []string{"-public-url", "KIOSQUE_PUBLIC_URL", "-trusted-proxies", "KIOSQUE_TRUSTED_PROXIES", "KIOSQUE_METRICS_ADDR", "KIOSQUE_SITE"} {
		if !strings.Contains(flags.String(), want) {
			t.Errorf("serve -h does not name %s:\n%s", want, flags.String())
		}
	}
}

func TestFetchFlagsReachTheImageFetches(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want fetch.Options
	}{
		{nil, fetch.Options{PublicOnly: true}},
		{[]string{"-media-ports", "80,443,8443"}, fetch.Options{PublicOnly: true, Ports: []uint16{80, 443, 8443}}},
		{[]string{"-media-private", "-media-ports", "8080"}, fetch.Options{Ports: []uint16{8080}}},
		{[]string{"-fetch-env-proxy"}, fetch.Options{PublicOnly: true, UseEnvProxy: true}},
	} {
		c, err := parseServeFlags(tc.args, noEnv, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.imageFetch(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("serve %v: images fetched with %+v, want %+v", tc.args, got, tc.want)
		}
	}
}

// Sources are fetched through the environment's proxy only when
// -fetch-env-proxy asks: a host that only the proxy reaches is imported
// then, and not otherwise.
func TestSourcesGoThroughTheEnvironmentsProxyOnlyWhenAsked(t *testing.T) {
	const title = "Une nouvelle venue par le proxy"
	feed := ingesttest.NewFeed(ingesttest.FreshFeed(title), "application/rss+xml", false)
	var proxied atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Host != "feed.invalid" {
			http.Error(w, "not a proxy request for feed.invalid", http.StatusBadGateway)
			return
		}
		proxied.Add(1)
		feed.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("NO_PROXY", "")

	data := t.TempDir()
	ingest := []string{"ingest", "-data", data, "-feed", "http://feed.invalid/feed", "-timeout", "5s"}
	if err := Run(context.Background(), ingest, noEnv, io.Discard, io.Discard); err == nil || proxied.Load() != 0 {
		t.Fatalf("ingest without -fetch-env-proxy: %v, %d requests through the proxy; want none, and an error", err, proxied.Load())
	}
	if err := Run(context.Background(), append(ingest, "-fetch-env-proxy"), noEnv, io.Discard, io.Discard); err != nil || proxied.Load() == 0 {
		t.Fatalf("ingest -fetch-env-proxy: %v, %d requests through the proxy", err, proxied.Load())
	}

	proxied.Store(0)
	base, stop := serveUntilCancelled(t, "-data", t.TempDir(), "-web", webDir, "-sample=false",
		"-source", "feed:http://feed.invalid/feed", "-fetch-env-proxy")
	defer stop()
	for start := time.Now(); !webtest.Shows(t, base, title, "/api/v1/articles"); time.Sleep(50 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("serve -fetch-env-proxy: the source's article does not show after 10 s (%d requests through the proxy)", proxied.Load())
		}
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
	if webtest.Shows(t, base, title, paths[:1]...) {
		t.Fatal("the article shows before its import")
	}
	for range 2 { // kept, and asked again from memory
		webtest.Shows(t, base, title, paths...)
	}
	feed := httptest.NewServer(ingesttest.NewFeed(ingesttest.FreshFeed(title), "application/rss+xml", false))
	defer feed.Close()
	if err := Run(context.Background(), []string{"ingest", "-data", data, "-feed", feed.URL}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	imported := time.Now()
	for !webtest.Shows(t, base, title, paths...) {
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

// The first signal stops the server gracefully; the second, at once.
func TestASecondSignalStopsAtOnce(t *testing.T) {
	signals := make(chan os.Signal, 2)
	stopped, exited := make(chan struct{}), make(chan struct{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	finished := make(chan struct{})
	defer close(finished)
	go stopOnSignals(context.Background(), log, signals, finished, func() { close(stopped) }, func() { close(exited) })

	signals <- syscall.SIGTERM
	<-stopped
	select {
	case <-exited:
		t.Fatal("the first signal exited at once")
	case <-time.After(100 * time.Millisecond):
	}
	signals <- os.Interrupt
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		t.Fatal("the second signal did not exit")
	}
}
