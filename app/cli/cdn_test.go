//go:build !wasm

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/server"
	"github.com/kiosque/kiosque/app/store/pgtest"
)

// varnishVCL is the README's VCL ("Behind a CDN"), with the test's
// backend: xkey indexes each answer under the keys of its Surrogate-Key,
// and a PURGE from an address allowed drops the answers under the keys of
// its xkey header.
const varnishVCL = `vcl 4.1;
import xkey;

backend kiosque { .host = "127.0.0.1"; .port = "%d"; }

acl purgers { "127.0.0.1"; "::1"; }

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey) {
            return (synth(400, "No xkey header"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey);
        return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
    }
}

sub vcl_backend_response {
    set beresp.http.xkey = beresp.http.Surrogate-Key;
}

sub vcl_deliver {
    unset resp.http.xkey;
}
`

// startVarnish starts Debian's Varnish (packages varnish and
// varnish-modules) in front of the server on backendPort, and returns its
// address. It stops with the test.
func startVarnish(t testing.TB, backendPort int) string {
	t.Helper()
	varnishd, err := exec.LookPath("varnishd")
	if err != nil { // in /usr/sbin, which a user's PATH may leave out
		varnishd, err = exec.LookPath("/usr/sbin/varnishd")
	}
	if xkey, _ := filepath.Glob("/usr/lib/*/varnish/vmods/libvmod_xkey.so"); err == nil && len(xkey) == 0 {
		err = errors.New("no vmod xkey")
	}
	if err != nil {
		t.Fatalf("Varnish with xkey is needed: %v; install it with: apt-get install varnish varnish-modules (make test does)", err)
	}
	dir := t.TempDir()
	vcl := filepath.Join(dir, "kiosque.vcl")
	if err := os.WriteFile(vcl, fmt.Appendf(nil, varnishVCL, backendPort), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	// -j none: as root, varnishd would switch to its own user, which may
	// not read the test's folder; -T none: no management port.
	cmd := exec.Command(varnishd, "-F", "-j", "none", "-T", "none", "-a", addr, "-f", vcl,
		"-n", filepath.Join(dir, "varnish"), "-s", "malloc,64m", "-p", "default_grace=0")
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("varnishd did not start:\n%s", log.String())
		}
	}
}

// freeAddr is a loopback address no one listens on.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// outage forwards connections to an address, and can be cut and put
// back: the way to a cache, down then up again, while the cache keeps
// what it holds.
type outage struct {
	t      *testing.T
	addr   string
	to     string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
	served sync.WaitGroup
}

func newOutage(t *testing.T, to string) *outage {
	o := &outage{t: t, addr: freeAddr(t), to: to, conns: map[net.Conn]bool{}}
	o.up()
	t.Cleanup(o.down)
	return o
}

func (o *outage) up() {
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		o.t.Fatal(err)
	}
	o.mu.Lock()
	o.ln = ln
	o.mu.Unlock()
	o.served.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			o.served.Go(func() { o.forward(c) })
		}
	})
}

func (o *outage) forward(c net.Conn) {
	to, err := net.Dial("tcp", o.to)
	if err != nil {
		c.Close()
		return
	}
	o.mu.Lock()
	o.conns[c], o.conns[to] = true, true
	o.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { io.Copy(to, c); done <- struct{}{} }()
	go func() { io.Copy(c, to); done <- struct{}{} }()
	<-done
	c.Close()
	to.Close()
	<-done
	o.mu.Lock()
	delete(o.conns, c)
	delete(o.conns, to)
	o.mu.Unlock()
}

// down refuses new connections and cuts those open.
func (o *outage) down() {
	o.mu.Lock()
	if o.ln != nil {
		o.ln.Close()
		o.ln = nil
	}
	for c := range o.conns {
		c.Close()
	}
	o.mu.Unlock()
	o.served.Wait()
}

// throughVarnish gets path from base and tells whether Varnish answered
// from its cache: X-Varnish names two requests on a hit, this one and
// the one that stored the answer.
func throughVarnish(t *testing.T, base, path string) (status int, body string, hit bool) {
	t.Helper()
	res, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b), len(strings.Fields(res.Header.Get("X-Varnish"))) == 2
}

// Behind Debian's Varnish with xkey, a server given -purge keeps the
// cache right at every change and no more: every article page is a hit
// once asked; an edit imported by `kiosque ingest` shows through Varnish
// soon after, while most pages that do not show the article stay hits;
// `kiosque remove` takes an article out of Varnish, and `kiosque restore`
// and the next import bring it back; with the way to Varnish cut during
// an import, the import does not wait, and the purge is sent once it is
// back; a takedown and an import while no server runs are purged by the
// next server.
func TestBehindVarnishEveryChangeIsPurgedAndNoMore(t *testing.T) {
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	feed := ingesttest.NewFeed(ingesttest.FeedOf(articles), "application/rss+xml", false)
	src := httptest.NewServer(feed)
	defer src.Close()

	// Varnish needs the server's port, the server Varnish's: the server's
	// is chosen first.
	serverAddr := freeAddr(t)
	var backendPort int
	fmt.Sscanf(serverAddr[strings.LastIndex(serverAddr, ":")+1:], "%d", &backendPort)
	varnish := startVarnish(t, backendPort)
	purges := newOutage(t, varnish) // the way of the purges to Varnish
	data := t.TempDir()
	origin, logs, stop := serveWith(t, noEnv, "-addr", serverAddr, "-data", data, "-web", webDir,
		"-source", "feed:"+src.URL, "-purge", "varnish+http://"+purges.addr, "-log-level", "debug", "-metrics-addr", "127.0.0.1:0")
	defer stop()
	cache := "http://" + varnish

	eventually(t, 60*time.Second, "the import, with related lists", func() bool {
		for _, a := range articles {
			if status, _ := get(t, origin, "/api/v1/articles/"+a.Slug+"/related"); status != http.StatusOK {
				return false
			}
		}
		return strings.Contains(logs.String(), "related lists up to date")
	})
	// The first lists the leader stores are purged too: wait for the
	// queue to be empty before filling Varnish.
	waitForPurges(t, logs)

	// With -purge, shared caches may keep pages a day.
	res, err := http.Get(origin + "/a/" + articles[0].Slug)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "s-maxage=86400") {
		t.Errorf("with -purge, a page's Cache-Control: %q", cc)
	}

	// Every article page is kept by Varnish: the second request is a hit.
	pages := map[string]string{} // path: body
	for _, a := range articles {
		path := "/a/" + a.Slug
		throughVarnish(t, cache, path)
		status, body, hit := throughVarnish(t, cache, path)
		if status != http.StatusOK || !hit {
			t.Fatalf("%s through Varnish, asked twice: %d, hit %v", path, status, hit)
		}
		pages[path] = body
	}
	if _, _, hit := throughVarnish(t, cache, "/"); !hit {
		throughVarnish(t, cache, "/")
	}

	// An article edited at its source shows through Varnish soon after
	// `kiosque ingest` imported it.
	edited := articles[5]
	articles[5].Title = edited.Title + " (mis à jour)"
	feed.SetBody(ingesttest.FeedOf(articles))
	ingestFeed(t, data, src.URL)
	imported := time.Now()
	eventually(t, 30*time.Second, "the edited title through Varnish", func() bool {
		_, body, _ := throughVarnish(t, cache, "/a/"+edited.Slug)
		return strings.Contains(body, "(mis à jour)")
	})
	t.Logf("the edit showed through Varnish %s after its import ended", time.Since(imported).Round(time.Millisecond))
	waitForPurges(t, logs)

	// Most pages that do not show the edited article are still hits: a
	// purge of everything would make them all misses.
	hits, others := 0, 0
	for path, before := range pages {
		if path == "/a/"+edited.Slug || strings.Contains(before, edited.Slug) {
			continue
		}
		others++
		if _, _, hit := throughVarnish(t, cache, path); hit {
			hits++
		}
	}
	t.Logf("after the edit, %d of the %d article pages that did not show it are still hits", hits, others)
	if others == 0 || hits*2 <= others {
		t.Errorf("after the edit, %d of the %d article pages that did not show it are hits", hits, others)
	}

	// kiosque remove takes the article out of Varnish.
	gone := articles[9].Slug
	if status, _, _ := throughVarnish(t, cache, "/a/"+gone); status != http.StatusOK {
		t.Fatalf("/a/%s: %d before the takedown", gone, status)
	}
	if _, _, hit := throughVarnish(t, cache, "/api/v1/articles/"+gone); !hit {
		throughVarnish(t, cache, "/api/v1/articles/"+gone)
	}
	if err := Run(context.Background(), []string{"remove", "-data", data, gone}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	removed := time.Now()
	eventually(t, 30*time.Second, "the article out of Varnish", func() bool {
		page, _, _ := throughVarnish(t, cache, "/a/"+gone)
		api, _, _ := throughVarnish(t, cache, "/api/v1/articles/"+gone)
		return page == http.StatusNotFound && api == http.StatusNotFound
	})
	t.Logf("the takedown showed through Varnish %s after kiosque remove ended", time.Since(removed).Round(time.Millisecond))
	if _, body, _ := throughVarnish(t, cache, "/"); strings.Contains(body, gone) {
		t.Errorf("the home page through Varnish still shows %s", gone)
	}

	// kiosque restore, then the next import, bring it back.
	if err := Run(context.Background(), []string{"restore", "-data", data, gone}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	ingestFeed(t, data, src.URL)
	eventually(t, 30*time.Second, "the article back through Varnish", func() bool {
		status, _, _ := throughVarnish(t, cache, "/a/"+gone)
		return status == http.StatusOK
	})
	waitForPurges(t, logs)

	// With the way to Varnish cut, an import does not wait for it: the
	// server shows the edit at once, Varnish the old page; once Varnish
	// is reachable again, the purge is sent, and the edit shows there.
	again := articles[14]
	throughVarnish(t, cache, "/a/"+again.Slug)
	if _, _, hit := throughVarnish(t, cache, "/a/"+again.Slug); !hit {
		t.Fatalf("/a/%s is not a hit", again.Slug)
	}
	purges.down()
	articles[14].Title = again.Title + " (corrigé)"
	feed.SetBody(ingesttest.FeedOf(articles))
	ingestFeed(t, data, src.URL)
	eventually(t, 30*time.Second, "the edit at the server", func() bool {
		_, body := get(t, origin, "/a/"+again.Slug)
		return strings.Contains(body, "(corrigé)")
	})
	eventually(t, 30*time.Second, "a purge failed", func() bool {
		return strings.Contains(logs.String(), "purge failed; trying again")
	})
	if _, body, hit := throughVarnish(t, cache, "/a/"+again.Slug); !hit || strings.Contains(body, "(corrigé)") {
		t.Fatalf("with purges cut, Varnish answered afresh (hit %v)", hit)
	}
	if status, body := get(t, origin, "/healthz"); status != http.StatusOK {
		t.Errorf("with the cache out of reach, /healthz: %d %s", status, body)
	}
	purges.up()
	back := time.Now()
	eventually(t, 60*time.Second, "the edit through Varnish once purges reach it", func() bool {
		_, body, _ := throughVarnish(t, cache, "/a/"+again.Slug)
		return strings.Contains(body, "(corrigé)")
	})
	t.Logf("the purge reached Varnish %s after the way to it was back", time.Since(back).Round(time.Millisecond))
	metrics := between(logs.String(), `msg="serving the metrics" url=`, "\n")
	if metrics == "" {
		t.Fatal("the log names no metrics address")
	}
	for _, outcome := range []string{"sent", "retried"} {
		want := `kiosque_purges_total{cache="varnish http://` + purges.addr + `",outcome="` + outcome + `"} `
		if _, body := get(t, metrics, ""); !strings.Contains(body, want) {
			t.Errorf("/metrics at %q has no %s", metrics, want)
		}
	}

	// A takedown and an import while no server runs are purged by the
	// next to lead.
	waitForPurges(t, logs)
	down, later := articles[20].Slug, articles[25]
	// The article's JSON carries its key alone (its page also carries
	// the key of its related list, which a restart may purge).
	laterJSON := "/api/v1/articles/" + later.Slug
	for _, path := range []string{"/a/" + down, laterJSON} {
		throughVarnish(t, cache, path)
		if status, _, hit := throughVarnish(t, cache, path); status != http.StatusOK || !hit {
			t.Fatalf("%s: %d, hit %v", path, status, hit)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), []string{"remove", "-data", data, down}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	articles[25].Title = later.Title + " (revu)"
	feed.SetBody(ingesttest.FeedOf(articles))
	ingestFeed(t, data, src.URL)
	if status, _, hit := throughVarnish(t, cache, "/a/"+down); status != http.StatusOK || !hit {
		t.Fatalf("with no server, /a/%s through Varnish: %d, hit %v", down, status, hit)
	}
	if _, body, hit := throughVarnish(t, cache, laterJSON); !hit || strings.Contains(body, "(revu)") {
		t.Fatalf("with no server, %s through Varnish was answered afresh (hit %v)", laterJSON, hit)
	}
	_, _, stopAgain := serveWith(t, noEnv, "-addr", serverAddr, "-data", data, "-web", webDir,
		"-source", "feed:"+src.URL, "-purge", "varnish+http://"+purges.addr)
	defer stopAgain()
	eventually(t, 30*time.Second, "the takedown and the edit made while no server ran through Varnish", func() bool {
		status, _, _ := throughVarnish(t, cache, "/a/"+down)
		_, body, _ := throughVarnish(t, cache, laterJSON)
		return status == http.StatusNotFound && strings.Contains(body, "(revu)")
	})
}

// ingestFeed imports the feed at url into the store in data, as `kiosque
// ingest -feed` does.
func ingestFeed(t testing.TB, data, url string) {
	t.Helper()
	if err := Run(context.Background(), []string{"ingest", "-data", data, "-feed", url}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
}

// waitForPurges waits until the log shows no purge under way: a purge
// logged (debug) since the last change, and a quiet second after it.
func waitForPurges(t testing.TB, logs *syncBuffer) {
	t.Helper()
	last := ""
	eventually(t, 60*time.Second, "the purges sent", func() bool {
		now := logs.String()
		quiet := now == last
		last = now
		time.Sleep(time.Second)
		return quiet
	})
}

// -purge names each cache, from the command line or KIOSQUE_PURGE, with
// the API tokens of the environment; a cache it cannot name is refused
// with a readable message.
func TestPurgeFlagsAreChecked(t *testing.T) {
	c, err := parseServeFlags([]string{"-purge", "varnish+http://127.0.0.1:6081", "-purge", "varnish+http://127.0.0.1:6082"}, noEnv, io.Discard)
	if err != nil || len(c.caches) != 2 || c.caches[1].Name() != "varnish http://127.0.0.1:6082" {
		t.Errorf("two -purge: %v, %v", c.caches, err)
	}
	env := getenvOf(map[string]string{
		"KIOSQUE_PURGE":            "fastly://SU1Z0isxPaozGVKXdv0eY cloudflare://023e105f4ecef8ad9ca31a8372d0c353",
		"KIOSQUE_FASTLY_TOKEN":     "f",
		"KIOSQUE_CLOUDFLARE_TOKEN": "c",
	})
	if c, err = parseServeFlags(nil, env, io.Discard); err != nil || len(c.caches) != 2 || c.caches[0].Name() != "fastly SU1Z0isxPaozGVKXdv0eY" {
		t.Errorf("KIOSQUE_PURGE: %v, %v", c.caches, err)
	}
	for args, want := range map[string]string{
		"-purge fastly://SU1Z0isxPaozGVKXdv0eY":                "KIOSQUE_FASTLY_TOKEN",
		"-purge cloudflare://023e105f4ecef8ad9ca31a8372d0c353": "KIOSQUE_CLOUDFLARE_TOKEN",
		"-purge http://127.0.0.1:6081":                         "want varnish+http://HOST:PORT",
		"-purge varnish+http://127.0.0.1:6081/purge":           "scheme, host and port only",
	} {
		_, err := parseServeFlags(strings.Fields(args), noEnv, io.Discard)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "serve: -purge ") {
			t.Errorf("%s: %v, want an error that says %q", args, err, want)
		}
	}
}

// purgeRecorder stands for a Varnish: it records the keys of each PURGE.
type purgeRecorder struct {
	mu     sync.Mutex
	purges [][]string
}

func (p *purgeRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != "PURGE" || r.URL.Path != "/" || r.Header.Get("xkey") == "" {
		http.Error(w, "want PURGE / with xkey", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	p.purges = append(p.purges, strings.Fields(r.Header.Get("xkey")))
	p.mu.Unlock()
	io.WriteString(w, "Invalidated")
}

// times counts the PURGE requests that named key.
func (p *purgeRecorder) times(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, keys := range p.purges {
		if slices.Contains(keys, key) {
			n++
		}
	}
	return n
}

// Two servers on one PostgreSQL, both given -purge: the leader alone
// purges, once per change, a change made by `kiosque ingest` and
// `kiosque remove` from the command line too.
func TestReplicasPurgeOncePerChange(t *testing.T) {
	cluster := pgtest.Start(t)
	db := cluster.CreateDatabase(t, "kiosque")
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	articles = articles[:12]
	feed := ingesttest.NewFeed(ingesttest.FeedOf(articles), "application/rss+xml", false)
	src := httptest.NewServer(feed)
	defer src.Close()
	recorder := &purgeRecorder{}
	cache := httptest.NewServer(recorder)
	defer cache.Close()
	args := []string{"-store", db, "-web", webDir, "-source", "feed:" + src.URL, "-purge", "varnish+" + cache.URL, "-log-level", "debug"}

	a, aLog, stopA := serveWith(t, noEnv, append(args, "-data", t.TempDir())...)
	defer stopA()
	eventually(t, 60*time.Second, "A's import, with related lists", func() bool {
		status, _ := get(t, a, "/api/v1/articles/"+articles[0].Slug)
		return status == http.StatusOK && strings.Contains(aLog.String(), "related lists up to date")
	})
	_, bLog, stopB := serveWith(t, noEnv, append(args, "-data", t.TempDir())...)
	defer stopB()
	waitForPurges(t, aLog)
	recorder.mu.Lock()
	recorder.purges = nil // those of the first import
	recorder.mu.Unlock()

	edited := articles[3]
	articles[3].Title += " (mis à jour)"
	feed.SetBody(ingesttest.FeedOf(articles))
	if err := Run(context.Background(), []string{"ingest", "-store", db, "-feed", src.URL}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	gone := articles[7].Slug
	if err := Run(context.Background(), []string{"remove", "-store", db, gone}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{edited.Slug, gone} {
		key := server.ArticleKey(slug)
		eventually(t, 30*time.Second, "the purge of "+slug, func() bool { return recorder.times(key) > 0 })
	}
	waitForPurges(t, aLog)
	for _, slug := range []string{edited.Slug, gone} {
		if n := recorder.times(server.ArticleKey(slug)); n != 1 {
			t.Errorf("%s was purged %d times, want once", slug, n)
		}
	}
	if strings.Contains(bLog.String(), "msg=purged") || !strings.Contains(aLog.String(), "msg=purged") {
		t.Errorf("the purges came from the follower, or not from the leader:\nA: %s\nB: %s", aLog, bLog)
	}
}
