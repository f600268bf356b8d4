package browsertest

// The publisher's insights in the browser: what a partner's page view
// counts, what its beacons say, and the dashboard.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"github.com/kiosque/kiosque/app/replica"
	"github.com/kiosque/kiosque/app/server"
)

const insightsToken = "le-jeton-de-l-editeur-pour-les-tests"

// otherSlug is another article of the sample.
const otherSlug = "al-omrane-inaugure-son-agence-renovee-a-paris"

// insightsSite is Kiosque counting insights, and a partner's page that
// embeds it twice, far apart, in two named placements.
type insightsSite struct {
	widget, host string
	beacons      *beaconLog
}

// beaconLog records what reaches the widget's server: the body of every
// event, and every request that carried a cookie.
type beaconLog struct {
	mu      sync.Mutex
	bodies  []string
	cookies []string
}

func (l *beaconLog) events() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.bodies)
}

// recordingSite is the real site, watched by a beaconLog: every request
// it serves (the browser's cookie jar is checked besides).
type recordingSite struct {
	*server.Server
	log *beaconLog
}

func (s recordingSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.log.mu.Lock()
	if c := r.Header.Get("Cookie"); c != "" {
		s.log.cookies = append(s.log.cookies, r.URL.Path+": "+c)
	}
	s.log.mu.Unlock()
	if r.Method == http.MethodPost && r.URL.Path == "/api/v1/events" {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.log.mu.Lock()
		s.log.bodies = append(s.log.bodies, string(body))
		s.log.mu.Unlock()
	}
	s.Server.ServeHTTP(w, r)
}

// insightsPage is the partner's page: each widget below a screenful and
// more of text, so that the page can scroll past one quickly.
var insightsPage = template.Must(template.New("insights").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Un site partenaire qui compte</title>
<style>body{margin:0;font:16px/1.5 sans-serif}main{max-width:760px;margin:0 auto;padding:8px 16px}.spacer{height:3000px;background:#eee}</style>
</head><body><main><h1>Un site partenaire</h1>
<div class="spacer"></div>
<div class="kiosque-embed" id="quick" data-article="{{.Other}}" data-placement="Passage rapide" data-target="_blank"><a href="{{.Widget}}/a/{{.Other}}">Un autre article</a></div>
<div class="spacer"></div>
<div class="kiosque-embed" id="held" data-article="{{.Article}}" data-placement="lecture" data-target="_blank"><a href="{{.Widget}}/a/{{.Article}}">Un article</a></div>
<div class="spacer"></div>
</main><script async src="{{.Widget}}/embed.js"></script></body></html>
`))

// sandboxPage frames the widget as WordPress does, in a sandbox: its
// beacons come from the opaque origin null.
var sandboxPage = template.Must(template.New("sandbox").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Un billet</title></head><body>
<iframe sandbox="allow-scripts" src="{{.Widget}}/embed?article={{.Article}}" width="600" height="600"></iframe>
</body></html>
`))

// startInsightsSite serves Kiosque, counting insights as in, and the
// partner's page (/page) on another site.
func startInsightsSite(t *testing.T, in replica.Insights) *insightsSite {
	t.Helper()
	data := t.TempDir()
	st := openSample(t, data)
	t.Cleanup(func() { st.Close() })
	r, err := replica.New(replica.Config{
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		Store:      st,
		Site:       server.Config{Web: os.DirFS(webDir), Site: "Kiosque Démo", FrameAncestors: "*"},
		CacheBytes: 64 << 20,
		Insights:   in,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-r.ListsReady():
	case <-time.After(30 * time.Second):
		t.Fatal("the server never led, or its related lists were never up to date")
	}
	s := &insightsSite{beacons: &beaconLog{}}
	kiosque := serveSite(t, recordingSite{Server: r.Site(), log: s.beacons})
	s.widget = strings.Replace(kiosque.URL, "127.0.0.1", "localhost", 1)
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page := insightsPage
		if r.URL.Path == "/sandbox" {
			page = sandboxPage
		}
		// Two articles: a frame is found by its address (frame, in the
		// harness), and the loader draws one variant for the page.
		page.Execute(w, struct{ Widget, Article, Other string }{s.widget, seedSlug, otherSlug})
	}))
	t.Cleanup(host.Close)
	s.host = host.URL
	return s
}

// counts reads the dashboard's CSV, as a publisher's script would: each
// number by its table, key and measure.
func (s *insightsSite) counts(t *testing.T) map[string]string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.widget+"/insights.csv", nil)
	req.Header.Set("Authorization", "Bearer "+insightsToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	records, err := csv.NewReader(res.Body).ReadAll()
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the insights' CSV: %s, %v", res.Status, err)
	}
	out := map[string]string{}
	for _, r := range records {
		out[r[0]+"|"+r[1]+"|"+r[2]] = r[3]
	}
	return out
}

// waitCount waits until the dashboard counts want for key.
func (s *insightsSite) waitCount(t *testing.T, key, want string) {
	t.Helper()
	got := ""
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if got = s.counts(t)[key]; got == want {
			return
		}
	}
	t.Fatalf("the dashboard counts %s = %q, want %q", key, got, want)
}

// A widget scrolled past in a moment counts no view; one in view for more
// than a second counts one, once; a click on its carousel's second card
// counts one click at position 2, credited to the ranker that put it
// there, and the view's outcome when the reader leaves. The beacons carry
// no identifier, and no cookie is set or sent.
func TestAPageViewCountsWhatTheReaderSaw(t *testing.T) {
	s := startInsightsSite(t, replica.Insights{AdminToken: insightsToken, Interleave: 1})
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(s.host+"/"))
	waitFor(t, b, `window.Kiosque !== undefined`)

	// The first widget is made just below the view, never in it...
	b.run(t, chromedp.Evaluate[chromedp.Void](`scrollTo(0, document.querySelector("#quick").offsetTop - innerHeight - 100)`))
	waitFor(t, b, `document.querySelector("#quick").dataset.kiosqueState === "ready"`)
	quick := frame(t, b, "#quick iframe")
	waitFor(t, quick, `document.readyState === "complete"`)
	// ...then scrolled past in a moment: in view for two frames.
	b.run(t, chromedp.Evaluate[chromedp.Void](`new Promise(done => {
		document.querySelector("#quick").scrollIntoView();
		requestAnimationFrame(() => requestAnimationFrame(() => {
			scrollTo(0, document.querySelector("#held").offsetTop - innerHeight - 100);
			done();
		}));
	})`, chromedp.EvalAwaitPromise))

	// The second widget is read: in view until it counts.
	waitFor(t, b, `document.querySelector("#held").dataset.kiosqueState === "ready"`)
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#held").scrollIntoView()`))
	s.waitCount(t, "placement|lecture|views", "1")
	if got := s.counts(t)["placement|passage-rapide|views"]; got != "" && got != "0" {
		t.Errorf("a widget scrolled past in a moment counted %s views", got)
	}

	// Out of view and back: still one view for this page view.
	b.run(t, chromedp.Evaluate[chromedp.Void](`scrollTo(0, 0)`))
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#held").scrollIntoView()`))
	held := frame(t, b, "#held iframe")
	variant := eval[int](t, held, `JSON.parse(document.getElementById("kiosque-view").textContent).embed.variant || 0`)
	if variant < 1 {
		t.Fatalf("with -interleave 1 the loader drew no variant: %s", eval[string](t, b, `document.querySelector("#held iframe").src`))
	}
	slide := `.carousel-slide:nth-child(2) .card-link`
	clicked := strings.TrimPrefix(eval[string](t, held, `document.querySelector("`+slide+`").dataset.go`), "/go/")
	credit := eval[string](t, held, `JSON.parse(document.getElementById("kiosque-view").textContent).interleaved[1]`)
	clickInFrame(t, b, held, "#held iframe", slide)
	s.waitCount(t, "position|2|clicks", "1")
	counts := s.counts(t)
	for key, want := range map[string]string{
		"article|" + clicked + "|clicks": "1", "placement|lecture|clicks": "1", "partner|127.0.0.1|clicks": "1",
		"ranking||interleaved views": "1", "ranking||" + map[string]string{"kiosque": "ranker", "baseline": "baseline"}[credit] + " clicks": "1",
	} {
		if got := counts[key]; got != want {
			t.Errorf("after the click: %s = %q, want %q", key, got, want)
		}
	}

	// The reader leaves: the view's outcome credits the ranker clicked.
	b.run(t, chromedp.Navigate("about:blank"))
	winner := map[string]string{"kiosque": "ranker", "baseline": "baseline"}[credit]
	s.waitCount(t, "ranking||"+winner+" wins", "1")
	if got := s.counts(t)["placement|lecture|views"]; got != "1" {
		t.Errorf("the widget read, left and read again counted %s views in one page view", got)
	}

	// What the beacons said: the fields of an event, no other, and no
	// value that could tell a reader from another.
	allowed := []string{"kind", "partner", "placement", "article", "from", "position", "variant", "ranker", "kiosque", "baseline"}
	beacons := s.beacons.events()
	if len(beacons) < 3 {
		t.Errorf("%d beacons: %q", len(beacons), beacons)
	}
	for _, body := range beacons {
		var event map[string]any
		if err := json.Unmarshal([]byte(body), &event); err != nil {
			t.Errorf("a beacon is not JSON: %q", body)
			continue
		}
		for key, value := range event {
			if !slices.Contains(allowed, key) {
				t.Errorf("a beacon says %s: %q", key, body)
			}
			if str, ok := value.(string); ok && key != "article" && key != "from" &&
				!slices.Contains([]string{"view", "click", "outcome", "127.0.0.1", "lecture", "passage-rapide", "kiosque", "baseline", ""}, str) {
				t.Errorf("a beacon's %s is %q: %s", key, str, body)
			}
		}
	}
	if len(s.beacons.cookies) > 0 {
		t.Errorf("requests carried cookies: %q", s.beacons.cookies)
	}
	if cookies := browserCookies(t, b); len(cookies) > 0 {
		t.Errorf("the browser holds cookies: %v", cookies)
	}
}

// The dashboard answers 401 without the token, and with it shows the
// counts just made, in each language, and passes axe.
func TestTheDashboardIsThePublishersAlone(t *testing.T) {
	axe := axeScript(t)
	s := startInsightsSite(t, replica.Insights{AdminToken: insightsToken})
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(s.host+"/"))
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#held").scrollIntoView()`))
	s.waitCount(t, "placement|lecture|views", "1")

	// Without the token: 401, whatever a page of another site tries.
	status, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`fetch(`+jsString(s.widget+"/insights.csv")+`, {credentials: "include"}).then(r => r.status).catch(() => 0)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if status != 0 && status != http.StatusUnauthorized {
		t.Errorf("another site's script fetched the dashboard: %d", status)
	}
	res, err := http.Get(s.widget + "/insights")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized || bytes.Contains(body, []byte("lecture")) || bytes.Contains(body, []byte("127.0.0.1")) {
		t.Errorf("/insights without the token: %s %s", res.Status, body)
	}

	// With it, as the browser sends it once the publisher has typed it.
	if _, err := chromedp.Call(b.ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": "Bearer " + insightsToken}}); err != nil {
		t.Fatal(err)
	}
	// A laptop's screen: every table shows whole.
	b.run(t, chromedp.EmulateViewport(1280, 800))
	for _, page := range []struct{ path, views, place, title, noClicks string }{
		{"/insights?lang=fr", "Vues1", "lecture", "Audience du widget — ", "Aucun article recommandé n’a été cliqué"},
		{"/insights", "Views1", "lecture", "Widget audience — ", "No recommended article was clicked"}, // the browser speaks English
		{"/insights?lang=ar&theme=dark&days=7", "المشاهدات1", "lecture", "جمهور الأداة — ", "لم يُنقر أي مقال مقترح"},
		{"/insights?lang=en&theme=light&days=90", "Views1", "lecture", "Widget audience — ", "No recommended article was clicked"},
	} {
		b.run(t, chromedp.Navigate(s.widget+page.path))
		waitFor(t, b, `document.readyState === "complete"`)
		if got := eval[string](t, b, `document.title`); !strings.HasPrefix(got, page.title) {
			t.Errorf("%s: the page's title is %q, want the dashboard's, %q…", page.path, got, page.title)
		}
		// One view, no click: the top articles say that none was clicked.
		if got := eval[string](t, b, `document.querySelector("#articles").parentElement.innerText`); !strings.Contains(got, page.noClicks) {
			t.Errorf("%s: the top articles read %q, want %q", page.path, got, page.noClicks)
		}
		// The grid lines of the views per day read 0, half the top, the top.
		grid := eval[[]string](t, b, `[...document.querySelectorAll(".chart-per-day .chart-label")].slice(0, 3).map(e => e.textContent)`)
		if len(grid) != 3 || grid[0] != "0" || grid[2] == "" || !halfOf(grid[1], grid[2]) {
			t.Errorf("%s: the grid lines of the views per day are labelled %q", page.path, grid)
		}
		if cut := eval[[]string](t, b, `[...document.querySelectorAll(".insights-table")].filter(e => e.scrollWidth > e.clientWidth).map(e => e.getAttribute("aria-label") + " " + e.scrollWidth + ">" + e.clientWidth)`); len(cut) > 0 {
			t.Errorf("%s: at 1280 px, tables are cut off: %q", page.path, cut)
		}
		if got := eval[string](t, b, `document.querySelector(".insights-totals").innerText.replace(/\s+/g, "")`); !strings.HasPrefix(got, page.views) {
			t.Errorf("%s: the totals read %q, want them to start with %q", page.path, got, page.views)
		}
		if !eval[bool](t, b, `document.body.innerText.includes(`+jsString(page.place)+`)`) {
			t.Errorf("%s: the placement %q is not shown", page.path, page.place)
		}
		if dir := eval[string](t, b, `document.documentElement.dir`); (dir == "rtl") != strings.Contains(page.path, "lang=ar") {
			t.Errorf("%s: the page runs %s", page.path, dir)
		}
		checkAxe(t, b, axe, page.path)
	}
	if cookies := browserCookies(t, b); len(cookies) > 0 {
		t.Errorf("after the dashboard the browser holds cookies: %v", cookies)
	}
}

// halfOf says whether the label half reads half the number of top.
func halfOf(half, top string) bool {
	h, err1 := strconv.Atoi(half)
	t, err2 := strconv.Atoi(top)
	return err1 == nil && err2 == nil && 2*h == t
}

// browserCookies are every cookie the browser holds, of any site.
func browserCookies(t *testing.T, b *browser) []*network.Cookie {
	t.Helper()
	res, err := chromedp.Call(b.ctx, storage.GetCookies, storage.GetCookiesParams{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Cookies
}

// A widget in a sandboxed frame (WordPress's) sends its beacons from the
// opaque origin null: they count.
func TestASandboxedFramesViewCounts(t *testing.T) {
	s := startInsightsSite(t, replica.Insights{AdminToken: insightsToken})
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(s.host+"/sandbox"))
	s.waitCount(t, "partner|127.0.0.1|views", "1")
}
