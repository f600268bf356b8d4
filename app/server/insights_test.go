package server

import (
	"bytes"
	"encoding/csv"
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

	"github.com/kiosque/kiosque/app/insights/interleave"
	"github.com/kiosque/kiosque/app/insights/limit"
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
			Baseline:   st,
			Interleave: interleaveShare,
			AdminToken: adminToken,
		}
	})
	return srv, st
}

// send posts an event as a widget's beacon does, and returns the answer.
func send(t *testing.T, srv *httptest.Server, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/events", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	req.Header.Set("User-Agent", browserAgent)
	for i := 0; i+1 < len(header); i += 2 {
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
	v := embeddedView(t, doc)
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
	for _, want := range []string{"presse.example", "colonne", "Al Omrane"} {
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
			for range 400 {
				a := all[r.IntN(len(all))]
				variant := 1 + r.IntN(interleave.Variants)
				view := widgetView(t, srv, "/embed?article="+a.Slug+"&variant="+strconv.Itoa(variant))
				preferred, _ := st.RelatedList(t.Context(), a.Slug)
				if better == "baseline" {
					preferred, _ = st.BaselineList(t.Context(), a.Slug)
				}
				mustTake(t, srv, `{"kind":"view","partner":"presse.example","article":"`+a.Slug+`","variant":`+strconv.Itoa(variant)+`}`)
				// A reader clicks the shown article the better ranker puts
				// first, most of the time, and any shown article otherwise.
				pick := r.IntN(len(view.Related))
				if r.Float64() < 0.8 {
					pick = bestShown(view.Related, preferred)
				}
				clicked := view.Related[pick]
				mustTake(t, srv, `{"kind":"click","partner":"presse.example","article":"`+clicked.Slug+`","from":"`+a.Slug+
					`","position":`+strconv.Itoa(pick+1)+`,"variant":`+strconv.Itoa(variant)+`,"ranker":"`+view.Interleaved[pick]+`"}`)
				k, b := 0, 0
				if view.Interleaved[pick] == store.RankerKiosque {
					k = 1
				} else {
					b = 1
				}
				mustTake(t, srv, `{"kind":"outcome","partner":"presse.example","article":"`+a.Slug+`","variant":`+strconv.Itoa(variant)+
					`,"kiosque":`+strconv.Itoa(k)+`,"baseline":`+strconv.Itoa(b)+`}`)
			}
			res, body := webtest.Get(t, srv.URL+"/insights?lang=en", "Authorization", "Bearer "+adminToken)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("/insights: %s", res.Status)
			}
			doc := parsePage(t, body)
			verdict := text(elements(doc, hasClass("insights-verdict"))[0])
			want := map[string]string{"kiosque": "Kiosque’s ranker beats the baseline.", "baseline": "The baseline beats Kiosque’s ranker."}[better]
			if verdict != want {
				rk := embeddedView(t, doc).Insights.Ranking
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
