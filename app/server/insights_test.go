package server

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/htmltest"
	"github.com/kiosque/kiosque/app/insights/dashpage"
	"github.com/kiosque/kiosque/app/insights/interleave"
	"github.com/kiosque/kiosque/app/insights/limit"
	"github.com/kiosque/kiosque/app/insights/report"
	"github.com/kiosque/kiosque/app/insights/tally"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
	"github.com/kiosque/kiosque/app/related"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
	"github.com/kiosque/kiosque/app/ui"
	"github.com/kiosque/kiosque/app/webtest"
	"golang.org/x/net/html"
)

// A reader's browser, as the beacon's user agent.
const browserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"

const adminToken = "le-jeton-de-l-editeur"

// verdictRate is the replica's: each client weighs in the verdict five
// times an hour.
var verdictRate = limit.Options{Rate: 5.0 / 3600, Burst: 5}

// insightsServer is a test server that counts insights, with the
// baseline's lists stored and interleave the share of views interleaved.
func insightsServer(t *testing.T, interleaveShare float64, rate limit.Options) (*httptest.Server, *sqlite.Store) {
	t.Helper()
	var st *sqlite.Store
	srv := newTestServerWith(t, func(c *Config) {
		st = c.Store.(*sqlite.Store)
		all, err := st.All(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		index := related.NewIndex(related.DefaultOptions())
		index.Put(all...)
		var slugs []string
		for _, a := range all {
			slugs = append(slugs, a.Slug)
		}
		if err := st.PutBaselineLists(t.Context(), index.BaselineLists(slugs)); err != nil {
			t.Fatal(err)
		}
		if rate.Rate == 0 {
			rate = limit.Options{Rate: 1000, Burst: 1000}
		}
		// The tests stand for a proxy on this machine, trusted to say
		// whom it forwards for.
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
		c.Insights = &Insights{
			Tally:      tally.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), 0),
			Store:      st,
			Limiter:    limit.New(rate),
			Verdicts:   limit.New(verdictRate),
			Baseline:   st,
			Interleave: interleaveShare,
			AdminToken: adminToken,
		}
	})
	return srv, st
}

// send posts an event as a widget's beacon does, and returns the answer;
// header sets headers, or removes those given "".
func send(t *testing.T, srv *httptest.Server, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/events", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	req.Header.Set("User-Agent", browserAgent)
	// As the widget's frame, on this server's origin, sends it.
	req.Header.Set("Origin", srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(res.Body)
	return res, answer
}

func mustTake(t *testing.T, srv *httptest.Server, body string, header ...string) {
	t.Helper()
	if res, answer := send(t, srv, body, header...); res.StatusCode != http.StatusNoContent {
		t.Fatalf("%s: %s %s", body, res.Status, answer)
	}
}

// insightsCSV reads the publisher's CSV: each measure by table and key.
func insightsCSV(t *testing.T, srv *httptest.Server, query string) map[string]string {
	t.Helper()
	res, body := webtest.Get(t, srv.URL+"/insights.csv?"+query, "Authorization", "Bearer "+adminToken)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("CSV: %s %s", res.Status, body)
	}
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range records {
		out[r[0]+"|"+r[1]+"|"+r[2]] = r[3]
	}
	return out
}

func TestEventsAreCountedAndShownToThePublisherAlone(t *testing.T) {
	srv, _ := insightsServer(t, 0, limit.Options{})
	view := `{"kind":"view","partner":"presse.example","placement":"colonne","article":"` + seedSlug + `"}`
	for range 3 {
		mustTake(t, srv, view)
	}
	mustTake(t, srv, `{"kind":"click","partner":"presse.example","placement":"colonne","article":"`+alOmraneSlug+`","from":"`+seedSlug+`","position":2}`)

	for _, tc := range []struct {
		name   string
		header []string
	}{
		{"no token", nil},
		{"a wrong token", []string{"Authorization", "Bearer pas-le-bon"}},
		{"a wrong password", []string{"Authorization", "Basic " + basic("editeur", "pas-le-bon")}},
		{"a token in the query", nil},
		{"a cookie", []string{"Cookie", "token=" + adminToken}},
	} {
		for _, path := range []string{"/insights", "/insights.csv", "/insights?days=7"} {
			if tc.name == "a token in the query" {
				path += "?token=" + adminToken
			}
			res, body := webtest.Get(t, srv.URL+path, tc.header...)
			if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("%s, %s: %s %q", path, tc.name, res.Status, res.Header.Get("WWW-Authenticate"))
			}
			if s := string(body); strings.Contains(s, "presse.example") || strings.Contains(s, "colonne") || strings.Contains(s, seedSlug) {
				t.Errorf("%s, %s: the 401 tells of the counts: %s", path, tc.name, s)
			}
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s, %s: Cache-Control %q", path, tc.name, cc)
			}
		}
	}

	// With the token, as a browser sends it once asked (Basic), the page
	// shows the counts just made: this server flushes before it reads.
	res, body := webtest.Get(t, srv.URL+"/insights?lang=en", "Authorization", "Basic "+basic("", adminToken))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/insights with the token: %s %s", res.Status, body)
	}
	for name, want := range map[string]string{"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
		if got := res.Header.Get(name); got != want {
			t.Errorf("/insights: %s %q, want %q", name, got, want)
		}
	}
	doc := parsePage(t, body)
	if title := text(elements(doc, htmltest.Tag("title"))[0]); title != "Widget audience — Kiosque Test" {
		t.Errorf("the dashboard's title is %q", title)
	}
	v := embeddedDashboard(t, doc)
	if v.Insights == nil || v.Insights.Total.Views != 3 || v.Insights.Total.Clicks != 1 {
		t.Fatalf("the dashboard's view: %+v", v.Insights)
	}
	figures := text(elements(doc, hasClass("insights-totals"))[0])
	for _, want := range []string{"Views3", "Clicks1", "Click-through rate33.3%"} {
		if !strings.Contains(figures, want) {
			t.Errorf("the totals say %q, want %q in them", figures, want)
		}
	}
	page := text(doc)
	for _, want := range []string{"presse.example", "colonne", "Al Omrane", "These counts are not authenticated"} {
		if !strings.Contains(page, want) {
			t.Errorf("the dashboard does not show %q", want)
		}
	}
	if n := len(elements(doc, func(n *html.Node) bool {
		return n.Data == "svg" && attribute(n, "role") == "img" && attribute(n, "aria-label") != ""
	})); n != 3 {
		t.Errorf("%d charts named as images, want 3", n)
	}
	if got := attribute(elements(doc, func(n *html.Node) bool { return n.Data == "html" })[0], "data-wasm"); got != "off" {
		t.Errorf("the dashboard's app starts (%q): its links would not carry the token", got)
	}

	// A script sends it as a Bearer token; the CSV has the same numbers.
	numbers := insightsCSV(t, srv, "days=7")
	for key, want := range map[string]string{
		"total||views": "3", "total||clicks": "1", "partner|presse.example|views": "3", "placement|colonne|clicks": "1",
		"article|" + alOmraneSlug + "|clicks": "1", "position|2|clicks": "1", "position|1|clicks": "0",
	} {
		if got := numbers[key]; got != want {
			t.Errorf("CSV %s = %q, want %q", key, got, want)
		}
	}
	res, _ = webtest.Get(t, srv.URL+"/insights.csv", "Authorization", "Bearer "+adminToken)
	if ct, cd := res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" || !strings.HasPrefix(cd, "attachment; ") {
		t.Errorf("CSV: Content-Type %q, Content-Disposition %q", ct, cd)
	}
	if res, _ := webtest.Get(t, srv.URL+"/insights?days=8", "Authorization", "Bearer "+adminToken); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a period the picker does not offer: %s", res.Status)
	}
}

func basic(user, password string) string {
	req, _ := http.NewRequest(http.MethodGet, "http://x/", nil)
	req.SetBasicAuth(user, password)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}

// Without a token configured, nobody may see the dashboard.
func TestNoTokenNoDashboard(t *testing.T) {
	srv := newTestServerWith(t, func(c *Config) {
		st := c.Store.(*sqlite.Store)
		c.Insights = &Insights{Tally: tally.New(st, slog.Default(), 0), Store: st, Limiter: limit.New(limit.Options{Rate: 1, Burst: 1}), Baseline: st}
	})
	for _, auth := range []string{"", "Bearer ", "Basic " + basic("", "")} {
		if res, _ := webtest.Get(t, srv.URL+"/insights", "Authorization", auth); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("no token configured, Authorization %q: %s", auth, res.Status)
		}
	}
}

func TestBadEventsGetProblemsAndCountNothing(t *testing.T) {
	srv, _ := insightsServer(t, 0, limit.Options{})
	for _, tc := range []struct {
		name, body string
		header     []string
		status     int
		param      string
	}{
		{"malformed", `{"kind":"view"`, nil, http.StatusBadRequest, ""},
		{"unknown field", `{"kind":"view","visitor":"a1b2c3"}`, nil, http.StatusBadRequest, "visitor"},
		{"bad kind", `{"kind":"hover"}`, nil, http.StatusBadRequest, "kind"},
		{"bad position", `{"kind":"click","article":"` + seedSlug + `","position":40}`, nil, http.StatusBadRequest, "position"},
		{"unknown article", `{"kind":"view","article":"pas-un-article"}`, nil, http.StatusUnprocessableEntity, "article"},
		{"unknown source", `{"kind":"click","article":"` + seedSlug + `","from":"pas-un-article","position":1}`, nil, http.StatusUnprocessableEntity, "from"},
		{"not a slug", `{"kind":"view","article":"../../etc"}`, nil, http.StatusUnprocessableEntity, "article"},
		{"oversized", `{"kind":"view","placement":"` + strings.Repeat("x", 2000) + `"}`, nil, http.StatusRequestEntityTooLarge, ""},
		{"a form", `kind=view`, []string{"Content-Type", "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType, ""},
	} {
		res, body := send(t, srv, tc.body, tc.header...)
		if res.StatusCode != tc.status || !isProblem(res) {
			t.Errorf("%s: %s %s, want %d problem+json", tc.name, res.Status, res.Header.Get("Content-Type"), tc.status)
			continue
		}
		if p := decode[Problem](t, body); p.Param != tc.param || p.Status != tc.status {
			t.Errorf("%s: problem %+v, want param %q", tc.name, p, tc.param)
		}
	}
	for _, method := range []string{http.MethodGet, http.MethodPut} {
		res, _ := webtest.Raw(t, method, srv.URL+"/api/v1/events")
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "POST" {
			t.Errorf("%s: %s, Allow %q", method, res.Status, res.Header.Get("Allow"))
		}
	}
	// Bots are answered as readers are, and not counted.
	for _, ua := range []string{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.5.0", ""} {
		res, _ := send(t, srv, `{"kind":"view","article":"`+seedSlug+`"}`, "User-Agent", ua)
		if res.StatusCode != http.StatusNoContent {
			t.Errorf("a bot (%q): %s", ua, res.Status)
		}
	}
	if got := insightsCSV(t, srv, "")["total||views"]; got != "0" {
		t.Errorf("%s views counted from bad events and bots", got)
	}
}

// One client cannot inflate the counts: past its burst it is refused,
// while another client, through the same proxy, is not.
func TestEachClientIsHeldToItsRate(t *testing.T) {
	srv, _ := insightsServer(t, 0, limit.Options{Rate: 0.001, Burst: 3})
	view := `{"kind":"view","article":"` + seedSlug + `"}`
	one, other := []string{"X-Forwarded-For", "198.51.100.7"}, []string{"X-Forwarded-For", "198.51.100.7, 203.0.113.9"}
	for range 3 {
		mustTake(t, srv, view, one...)
	}
	res, _ := send(t, srv, view, one...)
	if res.StatusCode != http.StatusTooManyRequests || !isProblem(res) || res.Header.Get("Retry-After") == "" {
		t.Errorf("a fourth event at once: %s, Retry-After %q", res.Status, res.Header.Get("Retry-After"))
	}
	mustTake(t, srv, view, other...) // the last address is the one the proxy saw
	if got := insightsCSV(t, srv, "")["total||views"]; got != "4" {
		t.Errorf("%s views counted, want 4", got)
	}
}

func TestNoCookieIsEverSet(t *testing.T) {
	srv, _ := insightsServer(t, 1, limit.Options{})
	check := func(what string, res *http.Response) {
		t.Helper()
		if c := res.Header.Values("Set-Cookie"); len(c) > 0 {
			t.Errorf("%s sets a cookie: %q", what, c)
		}
	}
	res, _ := send(t, srv, `{"kind":"view","article":"`+seedSlug+`"}`)
	check("an event", res)
	res, _ = send(t, srv, `{"kind":"view"`)
	check("a bad event", res)
	for _, path := range []string{"/embed?article=" + seedSlug, "/embed?article=" + seedSlug + "&variant=3", "/embed.js", "/insights", "/insights.csv"} {
		res, _ := webtest.Get(t, srv.URL+path, "Authorization", "Bearer "+adminToken)
		check(path, res)
		res, _ = webtest.Get(t, srv.URL+path)
		check(path+" without the token", res)
	}
}

// With insights off, the widget's documents say nothing of them (their
// script sends no event), and neither the endpoint nor the dashboard
// exist.
func TestInsightsOffSendNothing(t *testing.T) {
	srv := newTestServer(t)
	_, body := webtest.Get(t, srv.URL+"/embed?article="+seedSlug)
	if bytes.Contains(body, []byte("data-insights")) {
		t.Error("a widget of a server without insights is marked to send them")
	}
	res, _ := send(t, srv, `{"kind":"view","article":"`+seedSlug+`"}`)
	if res.StatusCode == http.StatusNoContent {
		t.Error("a server without insights took an event")
	}
	for _, path := range []string{"/insights", "/insights.csv"} {
		if res, _ := webtest.Get(t, srv.URL+path, "Authorization", "Bearer "+adminToken); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s without insights: %s", path, res.Status)
		}
	}
	// With them on, the widget is marked, and only the widget.
	on, _ := insightsServer(t, 0, limit.Options{})
	if _, body := webtest.Get(t, on.URL+"/embed?article="+seedSlug); !bytes.Contains(body, []byte("data-insights")) {
		t.Error("a widget of a server with insights is not marked to send them")
	}
	if _, body := webtest.Get(t, on.URL+"/a/"+seedSlug); bytes.Contains(body, []byte("data-insights")) {
		t.Error("the site's own article page is marked to send insights")
	}
}

// An interleaved widget merges the ranker's list and the baseline's, one
// way per variant, and says which ranker each slot is credited to; its
// answer is kept per variant, as any other.
func TestInterleavedWidgetsMergeBothLists(t *testing.T) {
	srv, st := insightsServer(t, 0.5, limit.Options{})
	ranker, _ := st.RelatedList(t.Context(), seedSlug)
	baseline, _ := st.BaselineList(t.Context(), seedSlug)
	if slices.Equal(ranker[:6], baseline[:6]) {
		t.Fatal("the test needs an article whose two lists differ")
	}
	plain := widgetView(t, srv, "/embed?article="+seedSlug)
	if plain.Interleaved != nil || !slices.Equal(slugsOf(plain.Related), ranker[:6]) {
		t.Errorf("the widget without a variant: %q credited %q, want the ranker's %q", slugsOf(plain.Related), plain.Interleaved, ranker[:6])
	}
	seen := map[string]bool{}
	for v := 1; v <= interleave.Variants; v++ {
		path := "/embed?article=" + seedSlug + "&variant=" + strconv.Itoa(v)
		view := widgetView(t, srv, path)
		got := slugsOf(view.Related)
		want, teams := interleave.Merge(ranker, baseline, 6, v)
		if !slices.Equal(got, want) || len(view.Interleaved) != len(got) {
			t.Errorf("variant %d: %q credited %q, want %q", v, got, view.Interleaved, want)
		}
		for i, team := range teams {
			if credit := map[interleave.Team]string{interleave.A: "kiosque", interleave.B: "baseline"}[team]; i < len(view.Interleaved) && view.Interleaved[i] != credit {
				t.Errorf("variant %d, slot %d credited %q, want %q", v, i+1, view.Interleaved[i], credit)
			}
		}
		seen[strings.Join(got, " ")] = true
		// Asked again, the same answer: kept, not drawn again.
		if again := widgetView(t, srv, path); !slices.Equal(slugsOf(again.Related), got) {
			t.Errorf("variant %d asked twice gave two lists", v)
		}
	}
	if len(seen) < 2 {
		t.Errorf("the variants merged the lists %d ways", len(seen))
	}
	// The loader draws variants for the share of views the server says
	// (its minifier writes 0.5 as .5).
	_, loader := webtest.Get(t, srv.URL+"/embed.js")
	_, plainLoader := webtest.Get(t, srv.URL+"/web/embed.js")
	if bytes.Equal(loader, plainLoader) || !bytes.Contains(loader, []byte("=.5,")) {
		t.Errorf("the loader does not say the share of views to interleave:\n%.400s", loader)
	}
	if res, _ := webtest.Get(t, srv.URL+"/embed?category=sport&variant=2"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a section's widget with a variant: %s", res.Status)
	}
	if params.MaxVariant != interleave.Variants {
		t.Errorf("params.MaxVariant %d, interleave.Variants %d", params.MaxVariant, interleave.Variants)
	}
}

func widgetView(t *testing.T, srv *httptest.Server, path string) ui.View {
	t.Helper()
	res, body := webtest.Get(t, srv.URL+path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s", path, res.Status)
	}
	return embeddedView(t, parsePage(t, body))
}

// Readers who click the articles of the better ranker make the dashboard
// name it; the simulated readers see the interleaved widgets the server
// makes and send the beacons a widget sends.
func TestTheVerdictFindsTheRankerReadersPrefer(t *testing.T) {
	for _, better := range []string{"kiosque", "baseline"} {
		t.Run(better, func(t *testing.T) {
			srv, st := insightsServer(t, 0.1, limit.Options{})
			all, err := st.All(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(7, 11))
			for i := range 400 {
				reader := []string{"X-Forwarded-For", fmt.Sprintf("198.51.%d.%d", i>>8, i&255)}
				a := all[r.IntN(len(all))]
				variant := 1 + r.IntN(interleave.Variants)
				view := widgetView(t, srv, "/embed?article="+a.Slug+"&variant="+strconv.Itoa(variant))
				preferred, _ := st.RelatedList(t.Context(), a.Slug)
				if better == "baseline" {
					preferred, _ = st.BaselineList(t.Context(), a.Slug)
				}
				mustTake(t, srv, `{"kind":"view","partner":"presse.example","article":"`+a.Slug+`","variant":`+strconv.Itoa(variant)+`}`, reader...)
				// A reader clicks the shown article the better ranker puts
				// first, most of the time, and any shown article otherwise.
				pick := r.IntN(len(view.Related))
				if r.Float64() < 0.8 {
					pick = bestShown(view.Related, preferred)
				}
				clicked := view.Related[pick]
				mustTake(t, srv, `{"kind":"click","partner":"presse.example","article":"`+clicked.Slug+`","from":"`+a.Slug+
					`","position":`+strconv.Itoa(pick+1)+`,"variant":`+strconv.Itoa(variant)+`,"ranker":"`+view.Interleaved[pick]+`"}`, reader...)
				k, b := 0, 0
				if view.Interleaved[pick] == store.RankerKiosque {
					k = 1
				} else {
					b = 1
				}
				mustTake(t, srv, `{"kind":"outcome","partner":"presse.example","article":"`+a.Slug+`","variant":`+strconv.Itoa(variant)+
					`,"kiosque":`+strconv.Itoa(k)+`,"baseline":`+strconv.Itoa(b)+`}`, reader...)
			}
			res, body := webtest.Get(t, srv.URL+"/insights?lang=en", "Authorization", "Bearer "+adminToken)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("/insights: %s", res.Status)
			}
			doc := parsePage(t, body)
			verdict := text(elements(doc, hasClass("insights-verdict"))[0])
			want := map[string]string{"kiosque": "Kiosque’s ranker beats the baseline.", "baseline": "The baseline beats Kiosque’s ranker."}[better]
			if verdict != want {
				rk := embeddedDashboard(t, doc).Insights.Ranking
				t.Errorf("readers who prefer the %s's articles: the dashboard says %q (%+v)", better, verdict, rk)
			}
		})
	}
}

// bestShown is the index of the shown article that preferred ranks
// first; the first shown when it ranks none.
func bestShown(shown []news.Article, preferred []string) int {
	best, bestRank := 0, len(preferred)
	for i, a := range shown {
		if r := slices.Index(preferred, a.Slug); r >= 0 && r < bestRank {
			best, bestRank = i, r
		}
	}
	return best
}

// A beacon is taken only as the widget's frame sends it: from this
// server's origin, same-origin; or from the opaque origin of a sandbox
// (WordPress's frames), cross-site. A page elsewhere that makes its
// readers' browsers send beacons is refused, as is a request with no
// Origin, which no browser's POST lacks.
func TestBeaconsComeFromTheWidgetsFrame(t *testing.T) {
	srv, _ := insightsServer(t, 0, limit.Options{})
	view := `{"kind":"view","article":"` + seedSlug + `"}`
	for _, tc := range []struct {
		origin, site string
		status       int
	}{
		{srv.URL, "same-origin", http.StatusNoContent},
		{srv.URL, "", http.StatusNoContent}, // browsers that send no Sec-Fetch-Site
		{strings.Replace(srv.URL, "http:", "https:", 1), "same-origin", http.StatusNoContent},
		{"null", "cross-site", http.StatusNoContent},
		{"null", "", http.StatusNoContent},
		{"", "", http.StatusForbidden},
		{"", "same-origin", http.StatusForbidden},
		{"https://evil.example", "cross-site", http.StatusForbidden},
		{"https://evil.example", "", http.StatusForbidden},
		{srv.URL, "cross-site", http.StatusForbidden},
		{srv.URL, "none", http.StatusForbidden},
		{srv.URL, "same-site", http.StatusForbidden},
		{"null", "same-origin", http.StatusNoContent}, // a frame of ours with no referrer
		{"null", "same-site", http.StatusForbidden},
		{"null", "none", http.StatusForbidden},
		{"not a url", "", http.StatusForbidden},
	} {
		res, body := send(t, srv, view, "Origin", tc.origin, "Sec-Fetch-Site", tc.site)
		if res.StatusCode != tc.status || (tc.status != http.StatusNoContent && !isProblem(res)) {
			t.Errorf("Origin %q, Sec-Fetch-Site %q: %s %s, want %d", tc.origin, tc.site, res.Status, body, tc.status)
		}
	}
	if got := insightsCSV(t, srv, "")["total||views"]; got != "6" {
		t.Errorf("%s views counted, want the 6 taken", got)
	}
}

// A server that interleaves no carousel takes no outcome and no ranker's
// credit: none could come from its widgets.
func TestNoInterleavingNoVerdict(t *testing.T) {
	srv, _ := insightsServer(t, 0, limit.Options{})
	for _, body := range []string{
		`{"kind":"outcome","article":"` + seedSlug + `","variant":2,"kiosque":0,"baseline":1}`,
		`{"kind":"click","article":"` + alOmraneSlug + `","from":"` + seedSlug + `","position":1,"variant":2,"ranker":"baseline"}`,
		`{"kind":"view","article":"` + seedSlug + `","variant":2}`,
	} {
		res, answer := send(t, srv, body)
		if res.StatusCode != http.StatusUnprocessableEntity || decode[Problem](t, answer).Param != "variant" {
			t.Errorf("%s with -interleave 0: %s %s, want 422 naming variant", body, res.Status, answer)
		}
	}
	numbers := insightsCSV(t, srv, "")
	for _, key := range []string{"total||views", "total||clicks", "ranking||baseline wins", "ranking||baseline clicks"} {
		if got := numbers[key]; got != "0" && got != "" {
			t.Errorf("%s = %s", key, got)
		}
	}
}

// embeddedDashboard is the view the dashboard's page embeds.
func embeddedDashboard(t *testing.T, doc *html.Node) dashpage.View {
	t.Helper()
	var v dashpage.View
	decodeEmbedded(t, doc, &v)
	return v
}

// verdictOf is what the dashboard says of the rankers.
func verdictOf(t *testing.T, srv *httptest.Server) report.Ranking {
	t.Helper()
	res, body := webtest.Get(t, srv.URL+"/insights?lang=en", "Authorization", "Bearer "+adminToken)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/insights: %s", res.Status)
	}
	return embeddedDashboard(t, parsePage(t, body)).Insights.Ranking
}

// Readers from forty addresses find the ranker better; fifty outcomes
// forged from one address weigh five of them, and the verdict stands.
// Past its five, the address's clicks count without their credit.
func TestOneClientCannotTurnTheVerdict(t *testing.T) {
	srv, _ := insightsServer(t, 0.1, limit.Options{})
	outcome := func(k, b int) string {
		return fmt.Sprintf(`{"kind":"outcome","article":"%s","variant":3,"kiosque":%d,"baseline":%d}`, seedSlug, k, b)
	}
	for i := range 40 {
		k, b := 1, 0
		if i%4 == 0 {
			k, b = 0, 1
		}
		mustTake(t, srv, outcome(k, b), "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
	}
	before := verdictOf(t, srv)
	if before.Verdict != report.VerdictBetter {
		t.Fatalf("30 wins of 40: %+v", before)
	}
	forger := []string{"X-Forwarded-For", "203.0.113.66"}
	taken := 0
	for range 50 {
		if res, _ := send(t, srv, outcome(0, 1), forger...); res.StatusCode == http.StatusNoContent {
			taken++
		} else if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("a forged outcome past the bound: %s, Retry-After %q", res.Status, res.Header.Get("Retry-After"))
		}
	}
	after := verdictOf(t, srv)
	t.Logf("50 forged outcomes from one address: %d taken; the verdict %s (%d:%d) before, %s (%d:%d) after",
		taken, before.Verdict, before.RankerWins, before.BaselineWins, after.Verdict, after.RankerWins, after.BaselineWins)
	if taken != 5 || after.Verdict != before.Verdict {
		t.Errorf("50 forged outcomes from one address: %d taken, the verdict %q, want 5 taken and %q", taken, after.Verdict, before.Verdict)
	}
	// A click of the same address counts, without its credit.
	mustTake(t, srv, `{"kind":"click","article":"`+alOmraneSlug+`","from":"`+seedSlug+`","position":1,"variant":3,"ranker":"baseline"}`, forger...)
	numbers := insightsCSV(t, srv, "")
	if numbers["total||clicks"] != "1" || numbers["ranking||baseline clicks"] != "0" {
		t.Errorf("a click past the bound: %s clicks, %s credited to the baseline; want 1 and 0", numbers["total||clicks"], numbers["ranking||baseline clicks"])
	}
}

// Behind a trusted proxy, the client is the last address of the last
// X-Forwarded-For line: what the proxy nearest the server wrote (nginx's
// $remote_addr, replacing the client's header or added after it), not
// what the client sent. An IPv6 client is its /64; and a ceiling holds
// all clients together.
func TestTheClientIsWhomTheProxySaw(t *testing.T) {
	srv, _ := insightsServer(t, 0, limit.Options{Rate: 0.001, Burst: 3})
	view := `{"kind":"view","article":"` + seedSlug + `"}`
	burst := func(header func(i int) http.Header) int {
		taken := 0
		for i := range 1000 {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/events", strings.NewReader(view))
			req.Header = header(i)
			req.Header.Set("User-Agent", browserAgent)
			req.Header.Set("Origin", srv.URL)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusNoContent {
				taken++
			}
		}
		return taken
	}
	for _, tc := range []struct {
		name   string
		header func(i int) http.Header
	}{
		// $proxy_add_x_forwarded_for: the client's own values, then the
		// proxy's on the same line.
		{"rotating values before the proxy's", func(i int) http.Header {
			return http.Header{"X-Forwarded-For": {fmt.Sprintf("10.0.%d.%d, 198.51.100.7", i>>8, i&255)}}
		}},
		// A client's own lines before the proxy's.
		{"rotating lines before the proxy's", func(i int) http.Header {
			return http.Header{"X-Forwarded-For": {fmt.Sprintf("10.1.%d.%d", i>>8, i&255), "198.51.100.8"}}
		}},
		{"1,000 addresses of one /64", func(i int) http.Header {
			return http.Header{"X-Forwarded-For": {fmt.Sprintf("2001:db8:7:7:%x::%x", i, i)}}
		}},
	} {
		if got := burst(tc.header); got != 3 {
			t.Errorf("%s: %d of 1,000 beacons taken at once, want the burst of 3", tc.name, got)
		}
	}
}

func TestTheCeilingHoldsAllClientsTogether(t *testing.T) {
	srv := newTestServerWith(t, func(c *Config) {
		st := c.Store.(*sqlite.Store)
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		c.Insights = &Insights{Tally: tally.New(st, slog.Default(), 0), Store: st, Baseline: st,
			Limiter: limit.New(limit.Options{Rate: 2, Burst: 60}), Ceiling: limit.NewCeiling(limit.Options{Rate: 0.001, Burst: 10})}
	})
	taken := 0
	for i := range 100 {
		res, _ := send(t, srv, `{"kind":"view","article":"`+seedSlug+`"}`, "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
		switch res.StatusCode {
		case http.StatusNoContent:
			taken++
		case http.StatusServiceUnavailable:
			if res.Header.Get("Retry-After") == "" || !isProblem(res) {
				t.Fatalf("past the ceiling: %s, Retry-After %q", res.Status, res.Header.Get("Retry-After"))
			}
		default:
			t.Fatalf("a beacon: %s", res.Status)
		}
	}
	if taken != 10 {
		t.Errorf("100 clients: %d beacons taken, want the ceiling's burst of 10", taken)
	}
}

// The partners and placements folded past the hour's bound show as
// others, in the reader's language.
func TestFoldedNamesShowAsOthers(t *testing.T) {
	srv, st := insightsServer(t, 0, limit.Options{})
	hour := store.HourOf(time.Now())
	if err := st.AddInsights(t.Context(), []store.InsightCount{
		{InsightKey: store.InsightKey{Hour: hour, Partner: report.Other, Placement: report.Other, Article: seedSlug, Kind: store.InsightView}, N: 7},
	}); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"en": "(others)7", "fr": "(autres)7", "ar": "(أخرى)7"} {
		_, body := webtest.Get(t, srv.URL+"/insights?lang="+lang, "Authorization", "Bearer "+adminToken)
		doc := parsePage(t, body)
		for _, id := range []string{"partners", "placements"} {
			section := elements(doc, func(n *html.Node) bool { return n.Data == "section" && attribute(n, "aria-labelledby") == id })
			if len(section) != 1 {
				t.Fatalf("%s: %d sections of %s", lang, len(section), id)
			}
			if got := text(section[0]); !strings.Contains(got, want) {
				t.Errorf("%s, %s: %q does not show %q", lang, id, got, want)
			}
		}
	}
}

// With a public URL, the frame's origin is the public URL's, whatever
// port it writes: browsers leave a default port out of Origin.
func TestBeaconsFromThePublicOrigin(t *testing.T) {
	srv := newTestServerWith(t, func(c *Config) {
		st := c.Store.(*sqlite.Store)
		c.PublicURL = "https://Widget.example:443"
		c.Insights = &Insights{Tally: tally.New(st, slog.Default(), 0), Store: st, Baseline: st, Limiter: limit.New(limit.Options{Rate: 100, Burst: 100})}
	})
	view := `{"kind":"view","article":"` + seedSlug + `"}`
	for origin, want := range map[string]int{
		"https://widget.example":      http.StatusNoContent,
		"http://widget.example":       http.StatusNoContent, // hosts are compared
		"https://widget.example:8443": http.StatusForbidden,
		srv.URL:                       http.StatusForbidden, // the request's own host is not the public one
	} {
		if res, body := send(t, srv, view, "Origin", origin); res.StatusCode != want {
			t.Errorf("Origin %s with -public-url https://Widget.example:443: %s %s, want %d", origin, res.Status, body, want)
		}
	}
}
