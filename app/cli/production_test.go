//go:build !wasm

package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/store/sqlite"
	"github.com/kiosque/kiosque/app/webtest"
)

// getenvOf is an environment holding only vars.
func getenvOf(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

// get fetches path with the request headers given in pairs, and returns
// the status and the body.
func get(t testing.TB, base, path string, header ...string) (int, string) {
	t.Helper()
	res, body := webtest.Get(t, base+path, header...)
	return res.StatusCode, string(body)
}

// The binary carries its web files and the wasm: copied alone into an
// empty folder, it serves the pages, the widget, the wasm and the service
// worker, and keeps its store in ./data.
func TestTheBinaryAloneServesEverything(t *testing.T) {
	built := buildBinary(t)
	dir := t.TempDir()
	binary, err := os.ReadFile(built)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kiosque"), binary, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("./kiosque", "serve", "-addr", "127.0.0.1:0")
	cmd.Dir, cmd.Env = dir, []string{"PATH=/usr/bin:/bin", "HOME=" + dir}
	k := startProcess(t, cmd, "alone")

	for _, tc := range []struct{ path, contentType, holds string }{
		{"/", "text/html", sample.SiteName},
		{"/a/" + seedSlug, "text/html", "Hammouchi"},
		{"/embed?article=" + seedSlug + "&lang=fr", "text/html", "Vous aimerez aussi"},
		{"/web/app.wasm", "application/wasm", "\x00asm"},
		{"/app-worker.js", "javascript", "fetch"},
		{"/manifest.webmanifest", "manifest+json", sample.SiteName},
		{"/embed.js", "javascript", "kiosque"},
	} {
		res, err := http.Get(k.url + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), tc.contentType) || !strings.Contains(string(body), tc.holds) {
			t.Errorf("%s: %d %q, %d bytes; want 200 %s holding %q", tc.path, res.StatusCode, res.Header.Get("Content-Type"), len(body), tc.contentType, tc.holds)
		}
		if tc.path == "/web/app.wasm" && len(body) < 1<<20 {
			t.Errorf("app.wasm is %d bytes: not the built wasm", len(body))
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "data", sqlite.FileName)); err != nil {
		t.Errorf("no store in the folder's ./data: %v", err)
	}

	res, err := http.Head(k.url + "/web/app.wasm")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var out bytes.Buffer
	version := exec.Command(filepath.Join(dir, "kiosque"), "version")
	version.Stdout = &out
	if err := version.Run(); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^go-app +v10\.\d+\.\d+$`).MatchString(out.String()) || !regexp.MustCompile(`(?m)^go +go1\.\d+`).MatchString(out.String()) {
		t.Errorf("kiosque version printed %q; want go-app's and Go's versions", out.String())
	}
	if want := "release " + Release + "+" + strings.Trim(res.Header.Get("ETag"), `"`) + "\n"; !strings.HasPrefix(out.String(), want) {
		t.Errorf("kiosque version printed %q; want it to begin with %q, the release the server names", out.String(), want)
	}
}

// Every flag of serve may come from the environment; a flag given wins.
func TestTheEnvironmentConfiguresAndFlagsWin(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{
		"KIOSQUE_DATA":        data,
		"KIOSQUE_WEB":         webDir,
		"KIOSQUE_SITE":        "Le Courrier du Souss",
		"KIOSQUE_LANG":        "en",
		"KIOSQUE_DESCRIPTION": "News from the south, every morning.",
	}
	base, _, stop := serveWith(t, getenvOf(env))
	_, home := get(t, base, "/")
	if !strings.Contains(home, "<title>Le Courrier du Souss") || !strings.Contains(home, `lang="en"`) ||
		!strings.Contains(home, "News from the south, every morning.") {
		t.Errorf("the home page does not follow KIOSQUE_SITE, KIOSQUE_LANG and KIOSQUE_DESCRIPTION:\n%.1500s", home)
	}
	_, manifest := get(t, base, "/manifest.webmanifest")
	var m struct{ Name, Description, Lang string }
	if err := json.Unmarshal([]byte(manifest), &m); err != nil {
		t.Fatal(err)
	}
	if m.Name != "Le Courrier du Souss" || m.Description != "News from the south, every morning." || m.Lang != "en" {
		t.Errorf("manifest: %+v", m)
	}
	_, oembed := get(t, base, "/oembed?url="+url.QueryEscape(base+"/a/"+seedSlug))
	if !strings.Contains(oembed, `"provider_name":"Le Courrier du Souss"`) {
		t.Errorf("oEmbed does not name the site: %s", oembed)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	base, _, stop = serveWith(t, getenvOf(env), "-site", "La Gazette")
	defer stop()
	if _, home := get(t, base, "/"); !strings.Contains(home, "<title>La Gazette") || !strings.Contains(home, `lang="en"`) {
		t.Errorf("-site does not win over KIOSQUE_SITE, or KIOSQUE_LANG was lost:\n%.600s", home)
	}

	// A value the environment gets wrong is named with its variable.
	env["KIOSQUE_POLL"] = "often"
	err := Run(context.Background(), []string{"serve"}, getenvOf(env), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `KIOSQUE_POLL="often"`) {
		t.Errorf("a bad KIOSQUE_POLL: %v", err)
	}
	// A list in the environment is separated by spaces.
	c, err := parseServeFlags(nil, getenvOf(map[string]string{
		"KIOSQUE_SOURCE":          "feed:https://a.example/rss wordpress:https://b.example",
		"KIOSQUE_TRUSTED_PROXIES": "10.0.0.0/8,192.168.1.1",
	}), io.Discard)
	if err != nil || len(c.sources) != 2 || c.trustedProxies.String() != "10.0.0.0/8,192.168.1.1/32" {
		t.Errorf("lists from the environment: %v, %q, %q", err, c.sources, c.trustedProxies.String())
	}
}

// A publisher's server, given a source, never shows the sample: not while
// the first import runs, not after. A store that shows the sample (asked
// for with -sample) loses it when the source's first import succeeds.
func TestASourceOnAnEmptyStoreNeverShowsTheSample(t *testing.T) {
	bundled, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	const title = "Le premier article de notre propre journal"
	feed := httptest.NewServer(ingesttest.NewFeed(ingesttest.FreshFeed(title), "application/rss+xml", false))
	defer feed.Close()

	base, _, stop := serveWith(t, noEnv, "-data", t.TempDir(), "-web", webDir, "-source", "feed:"+feed.URL)
	start := time.Now()
	for {
		_, list := get(t, base, "/api/v1/articles?limit=50")
		_, home := get(t, base, "/")
		if strings.Contains(list, bundled[0].Slug) || strings.Contains(home, sample.SiteName) {
			t.Fatalf("a publisher's server shows the sample:\n%.600s\n%.600s", list, home)
		}
		if strings.Contains(list, title) {
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("the source's article did not show within 20 s: %s", list)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()

	base, log, stop := serveWith(t, noEnv, "-data", t.TempDir(), "-web", webDir, "-sample", "-source", "feed:"+feed.URL)
	defer stop()
	eventually(t, 20*time.Second, "the sample goes when the source's articles come", func() bool {
		return countArticles(t, base) == 1 && webtest.Shows(t, base, title, "/api/v1/articles")
	})
	if !strings.Contains(log.String(), "removed the sample articles") {
		t.Errorf("the log does not say the sample was removed:\n%s", log)
	}
	if _, home := get(t, base, "/"); strings.Contains(home, sample.SiteName) {
		t.Errorf("a server with a source is named after the sample:\n%.400s", home)
	}
	stop()

	// kiosque ingest into a store that shows the sample removes it too.
	data := t.TempDir()
	base, _, stop = serveWith(t, noEnv, "-data", data, "-web", webDir)
	if n := countArticles(t, base); n != len(bundled) {
		t.Fatalf("a server without a source shows %d articles, want the sample's %d", n, len(bundled))
	}
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"ingest", "-data", data, "-feed", feed.URL}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), fmt.Sprintf("Removed the %d sample articles", len(bundled))) {
		t.Errorf("ingest does not say it removed the sample: %q", out.String())
	}
	eventually(t, 10*time.Second, "the server shows only the imported article", func() bool { return countArticles(t, base) == 1 })
	stop()
}

// Forwarded headers name the server in oEmbed answers and discovery links
// only when they come from a trusted proxy; -public-url overrides them.
func TestForwardedHeadersCountOnlyFromTrustedProxies(t *testing.T) {
	data := t.TempDir()
	forwarded := []string{"X-Forwarded-Proto", "https", "X-Forwarded-Host", "attacker.example"}
	// ask asks for the article's oEmbed answer (its URL as the server is
	// seen at origin) and its page, with the forwarded headers.
	ask := func(base, origin string) (oembed, page string) {
		page = "/a/" + seedSlug
		_, oembed = get(t, base, "/oembed?url="+url.QueryEscape(origin+page), forwarded...)
		_, page = get(t, base, page, forwarded...)
		return oembed, page
	}

	base, log, stop := serveWith(t, noEnv, "-data", data, "-web", webDir, "-addr", "0.0.0.0:0")
	oembed, page := ask(base, base)
	for _, answer := range []string{oembed, page} {
		if strings.Contains(answer, "attacker.example") {
			t.Errorf("a client's forwarded headers shaped an answer:\n%.800s", answer)
		}
	}
	if host := strings.TrimPrefix(base, "http://"); !strings.Contains(oembed, `http://`+host) && !strings.Contains(oembed, `http:\/\/`+host) {
		t.Errorf("oEmbed does not name the server by the request's own host %s:\n%s", host, oembed)
	}
	if !strings.Contains(log.String(), "neither -public-url nor -trusted-proxies") {
		t.Errorf("no warning for a server beyond loopback that believes no proxy:\n%s", log)
	}
	stop()

	base, log, stop = serveWith(t, noEnv, "-data", data, "-web", webDir, "-trusted-proxies", "127.0.0.1/32,::1")
	oembed, page = ask(base, "https://attacker.example")
	if !strings.Contains(oembed, "https://attacker.example") || !strings.Contains(page, "https://attacker.example") {
		t.Errorf("a trusted proxy's forwarded headers were ignored:\n%s\n%.800s", oembed, page)
	}
	if strings.Contains(log.String(), "neither -public-url") {
		t.Errorf("a warning on loopback:\n%s", log)
	}
	stop()

	base, _, stop = serveWith(t, noEnv, "-data", data, "-web", webDir, "-trusted-proxies", "127.0.0.1/32", "-public-url", "https://widget.example")
	defer stop()
	oembed, _ = ask(base, "https://widget.example")
	if strings.Contains(oembed, "attacker.example") || !strings.Contains(oembed, "https://widget.example") {
		t.Errorf("-public-url does not override forwarded headers:\n%s", oembed)
	}
}

// /metrics is served on -metrics-addr only, and counts requests, kept
// answers, imports and what the store holds.
func TestMetricsAreServedOnlyOnTheMetricsAddress(t *testing.T) {
	feed := httptest.NewServer(ingesttest.NewFeed(ingesttest.FreshFeed("Un article à compter"), "application/rss+xml", false))
	defer feed.Close()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-metrics-addr", "127.0.0.1:0", "-data", t.TempDir(),
			"-web", webDir, "-source", "feed:" + feed.URL}, noEnv, stdout, stderr)
	}()
	defer func() { cancel(); <-done }()
	var base, metrics string
	for start := time.Now(); base == "" || metrics == ""; time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-done:
			done <- err // for the deferred wait
			t.Fatalf("serve ended: %v\n%s", err, stderr)
		default:
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("the server and its metrics do not listen:\n%s\n%s", stdout, stderr)
		}
		base, _ = loggedURL(stderr.String(), "serving")
		metrics, _ = loggedURL(stderr.String(), "serving the metrics")
	}
	eventually(t, 20*time.Second, "the source is imported", func() bool { return countArticles(t, base) == 1 })
	for range 3 {
		get(t, base, "/")
	}
	if status, _ := get(t, base, "/metrics"); status != http.StatusNotFound {
		t.Errorf("/metrics on the site's address: %d, want 404", status)
	}
	status, text := get(t, strings.TrimSuffix(metrics, "/metrics"), "/metrics")
	if status != http.StatusOK {
		t.Fatalf("/metrics on -metrics-addr: %d", status)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`kiosque_http_request_duration_seconds_count\{route="/",status="200"\} 3\n`),
		regexp.MustCompile(`kiosque_http_request_duration_seconds_count\{route="other",status="404"\} 1\n`),
		regexp.MustCompile(`kiosque_kept_answer_hits_total [1-9]`),
		regexp.MustCompile(`kiosque_kept_answer_misses_total [1-9]`),
		regexp.MustCompile(`kiosque_imports_total\{outcome="changed",source="feed:` + regexp.QuoteMeta(feed.URL) + `"\} 1\n`),
		regexp.MustCompile(`kiosque_articles_stored 1\n`),
		regexp.MustCompile(`kiosque_related_lists \d+\n`),
		regexp.MustCompile(`kiosque_store_up 1\n`),
		regexp.MustCompile(`kiosque_build_info\{go="go1\.[^"]+",goapp="[^"]+",release="` + regexp.QuoteMeta(Release) + `\+[0-9a-z]+"\} 1\n`),
		regexp.MustCompile(`kiosque_leader 1\n`), // alone, it leads: it imported the source
	} {
		if !want.MatchString(text) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", text)
	}
}

// kiosque sources shows each source's health and articles.
func TestSourcesShowsEachSourcesHealth(t *testing.T) {
	data := t.TempDir()
	if err := Run(context.Background(), []string{"sources", "-data", data}, noEnv, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "no store at") {
		t.Errorf("sources of a folder with no store: %v", err)
	}
	good := httptest.NewServer(ingesttest.NewFeed(ingesttest.FreshFeed("Un article"), "application/rss+xml", false))
	defer good.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	defer bad.Close()
	if err := Run(context.Background(), []string{"ingest", "-data", data, "-feed", good.URL}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), []string{"ingest", "-data", data, "-feed", bad.URL}, noEnv, io.Discard, io.Discard); err == nil {
		t.Fatal("ingest from a failing source succeeded")
	}
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"sources", "-data", data}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("sources printed %d lines, want a header and two sources:\n%s", len(lines), out.String())
	}
	goodLine := regexp.MustCompile(`^feed:` + regexp.QuoteMeta(good.URL) + ` +` + regexp.QuoteMeta(good.URL) + ` +1 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +0 +-$`)
	badLine := regexp.MustCompile(`^feed:` + regexp.QuoteMeta(bad.URL) + ` +- +0 +never +1 +.*503`)
	for _, want := range []*regexp.Regexp{goodLine, badLine} {
		found := false
		for _, l := range lines[1:] {
			found = found || want.MatchString(strings.TrimSpace(l))
		}
		if !found {
			t.Errorf("no line matches %s:\n%s", want, out.String())
		}
	}
}

// A backup taken while an import writes is a whole, consistent store:
// PRAGMA integrity_check says ok, and it holds the articles from before the
// import or from after, never part of them.
func TestABackupDuringAnImportIsConsistent(t *testing.T) {
	data, backups := t.TempDir(), t.TempDir()
	const posts = 1500
	wp := httptest.NewServer(ingesttest.NewWordPress(ingesttest.GeneratedPosts(t, posts)...))
	defer wp.Close()
	// The store exists before the import, empty.
	st, err := sqlite.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	var (
		wg       sync.WaitGroup
		imported = make(chan struct{})
	)
	wg.Go(func() {
		defer close(imported)
		if err := Run(context.Background(), []string{"ingest", "-data", data, "-wordpress", wp.URL}, noEnv, io.Discard, io.Discard); err != nil {
			t.Error(err)
		}
	})
	var files []string
	for done := false; !done; {
		select {
		case <-imported:
			done = true
		default:
		}
		file := filepath.Join(backups, "kiosque-"+time.Now().Format("150405.000000")+".db")
		var out bytes.Buffer
		if err := Run(context.Background(), []string{"backup", "-data", data, file}, noEnv, &out, io.Discard); err != nil {
			t.Fatalf("backup during the import: %v", err)
		}
		if !strings.Contains(out.String(), "Backed up") {
			t.Errorf("backup printed %q", out.String())
		}
		files = append(files, file)
	}
	wg.Wait()
	t.Logf("%d backups taken during the import", len(files))
	counts := map[int]int{}
	for _, f := range files {
		db, err := sql.Open("sqlite", "file:"+f+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		var check string
		var n int
		if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Errorf("%s: integrity_check %q, %v", filepath.Base(f), check, err)
		}
		if err := db.QueryRow("SELECT count(*) FROM articles").Scan(&n); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
		db.Close()
		counts[n]++
		if n != 0 && n != posts {
			t.Errorf("%s holds %d articles: part of an import of %d", filepath.Base(f), n, posts)
		}
	}
	// Backups were taken before the import committed and after: one at
	// least was under way while the import wrote, or just before.
	if counts[0] == 0 || counts[posts] == 0 {
		t.Errorf("backups hold %v articles: want some from before the import and some from after", counts)
	}

	// A backup never overwrites, and says what to do for PostgreSQL.
	err = Run(context.Background(), []string{"backup", "-data", data, files[0]}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("backup over an existing file: %v", err)
	}
	err = Run(context.Background(), []string{"backup", "-store", "postgres://kiosque@db/kiosque", "x.db"}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup of a PostgreSQL store: %v", err)
	}
}
