package storetest

import (
	"maps"
	"slices"
	"testing"

	"github.com/kiosque/kiosque/app/store"
)

func insightTests() []test {
	return []test{
		{"AddedCountsSum", testInsightsAddedCountsSum},
		{"TotalsOfAPeriodOnly", testInsightsTotalsOfAPeriodOnly},
		{"TotalsByEachDimension", testInsightsTotalsByEachDimension},
		{"AddingIsNoChangeForTheWriter", testInsightsAddingIsNoChange},
		{"CountsOutliveTheirArticle", testInsightsOutliveTheirArticle},
		{"RankedInTheStore", testInsightsRanked},
		{"DeletedBeforeAnHour", testInsightsDeletedBefore},
	}
}

func baselineTests() []test {
	return []test{
		{"PutThenRead", testBaselinePutThenRead},
		{"ApartFromTheRankersLists", testBaselineApartFromRankers},
		{"GoesWithItsArticle", testBaselineGoesWithItsArticle},
	}
}

// hour0 is an hour of May 2026, as insight keys count hours.
const hour0 int64 = 493_000

func count(hour int64, partner, placement, article, kind string, position int, ranker string, n int64) store.InsightCount {
	return store.InsightCount{InsightKey: store.InsightKey{Hour: hour, Partner: partner, Placement: placement,
		Article: article, Kind: kind, Position: position, Ranker: ranker}, N: n}
}

func addInsights(t *testing.T, st Store, counts ...store.InsightCount) {
	t.Helper()
	if err := st.AddInsights(t.Context(), counts); err != nil {
		t.Fatalf("add insights: %v", err)
	}
}

func insightTotals(t *testing.T, st Store, from, to int64, by ...store.InsightDimension) []store.InsightCount {
	t.Helper()
	totals, err := st.InsightTotals(t.Context(), store.InsightQuery{From: from, To: to, By: by})
	if err != nil {
		t.Fatalf("insight totals: %v", err)
	}
	return totals
}

func sameTotals(t *testing.T, what string, got, want []store.InsightCount) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// Counts added twice to one key sum, whichever handle adds them; every
// field of the key is kept.
func testInsightsAddedCountsSum(t *testing.T, open Open) {
	st, another := open(t)
	other := another(t)
	view := count(hour0, "news.example", "sidebar", "a", store.InsightView, 0, "", 3)
	click := count(hour0, "news.example", "sidebar", "b", store.InsightClick, 2, store.RankerKiosque, 1)
	addInsights(t, st, view, click)
	addInsights(t, other, view, click)
	addInsights(t, st, count(hour0, "news.example", "sidebar", "a", store.InsightView, 0, "", 4))
	got := insightTotals(t, other, hour0, hour0+1, store.ByDay, store.ByPartner, store.ByPlacement, store.ByArticle, store.ByPosition)
	day := hour0 / 24 * 24
	sameTotals(t, "totals", got, []store.InsightCount{
		count(day, "news.example", "sidebar", "a", store.InsightView, 0, "", 10),
		count(day, "news.example", "sidebar", "b", store.InsightClick, 2, store.RankerKiosque, 2),
	})
	if got := insightTotals(t, st, 0, hour0); len(got) != 0 {
		t.Errorf("totals before the first count: %+v", got)
	}
	if err := st.AddInsights(t.Context(), nil); err != nil {
		t.Errorf("adding no counts: %v", err)
	}
}

func testInsightsTotalsOfAPeriodOnly(t *testing.T, open Open) {
	st, _ := open(t)
	for h := int64(-2); h <= 2; h++ {
		addInsights(t, st, count(hour0+h, "", "", "a", store.InsightView, 0, "", 1+h+2))
	}
	sameTotals(t, "hours [0, 2)", insightTotals(t, st, hour0, hour0+2),
		[]store.InsightCount{count(0, "", "", "", store.InsightView, 0, "", 3+4)})
	sameTotals(t, "no hour", insightTotals(t, st, hour0, hour0), nil)
}

// Each dimension groups on its own, and the kinds and rankers are always
// apart; the order is the grouped fields', byte by byte.
func testInsightsTotalsByEachDimension(t *testing.T, open Open) {
	st, _ := open(t)
	day := hour0 / 24 * 24
	addInsights(t, st,
		count(day+1, "b.example", "", "x", store.InsightView, 0, "", 5),
		count(day+2, "a.example", "top", "x", store.InsightView, 0, store.RankerInterleaved, 2),
		count(day+25, "Z.example", "top", "y", store.InsightClick, 3, store.RankerBaseline, 1),
		count(day+26, "a.example", "", "é", store.InsightClick, 1, store.RankerKiosque, 7),
		count(day+27, "a.example", "", "", store.InsightWin, 0, store.RankerKiosque, 1),
		count(day+27, "a.example", "", "", store.InsightTie, 0, "", 1),
	)
	from, to := day, day+48
	sameTotals(t, "by day", insightTotals(t, st, from, to, store.ByDay), []store.InsightCount{
		count(day, "", "", "", store.InsightView, 0, "", 5),
		count(day, "", "", "", store.InsightView, 0, store.RankerInterleaved, 2),
		count(day+24, "", "", "", store.InsightClick, 0, store.RankerBaseline, 1),
		count(day+24, "", "", "", store.InsightClick, 0, store.RankerKiosque, 7),
		count(day+24, "", "", "", store.InsightTie, 0, "", 1),
		count(day+24, "", "", "", store.InsightWin, 0, store.RankerKiosque, 1),
	})
	sameTotals(t, "by partner", insightTotals(t, st, from, to, store.ByPartner), []store.InsightCount{
		count(0, "Z.example", "", "", store.InsightClick, 0, store.RankerBaseline, 1),
		count(0, "a.example", "", "", store.InsightClick, 0, store.RankerKiosque, 7),
		count(0, "a.example", "", "", store.InsightTie, 0, "", 1),
		count(0, "a.example", "", "", store.InsightView, 0, store.RankerInterleaved, 2),
		count(0, "a.example", "", "", store.InsightWin, 0, store.RankerKiosque, 1),
		count(0, "b.example", "", "", store.InsightView, 0, "", 5),
	})
	sameTotals(t, "by placement", insightTotals(t, st, from, to, store.ByPlacement), []store.InsightCount{
		count(0, "", "", "", store.InsightClick, 0, store.RankerKiosque, 7),
		count(0, "", "", "", store.InsightTie, 0, "", 1),
		count(0, "", "", "", store.InsightView, 0, "", 5),
		count(0, "", "", "", store.InsightWin, 0, store.RankerKiosque, 1),
		count(0, "", "top", "", store.InsightClick, 0, store.RankerBaseline, 1),
		count(0, "", "top", "", store.InsightView, 0, store.RankerInterleaved, 2),
	})
	sameTotals(t, "by article and position", insightTotals(t, st, from, to, store.ByPosition, store.ByArticle), []store.InsightCount{
		count(0, "", "", "", store.InsightTie, 0, "", 1),
		count(0, "", "", "", store.InsightWin, 0, store.RankerKiosque, 1),
		count(0, "", "", "x", store.InsightView, 0, "", 5),
		count(0, "", "", "x", store.InsightView, 0, store.RankerInterleaved, 2),
		count(0, "", "", "y", store.InsightClick, 3, store.RankerBaseline, 1),
		count(0, "", "", "é", store.InsightClick, 1, store.RankerKiosque, 7),
	})
	if _, err := st.InsightTotals(t.Context(), store.InsightQuery{From: from, To: to, By: []store.InsightDimension{99}}); err == nil {
		t.Error("totals by an unknown dimension: no error")
	}
}

// A server flushes its counts every few seconds: that must not drop the
// answers it keeps, which it does on every change it sees.
func testInsightsAddingIsNoChange(t *testing.T, open Open) {
	st, _ := open(t)
	threeArticles(t, st)
	before := changeCount(t, st)
	for i := range 3 {
		addInsights(t, st, count(hour0+int64(i), "news.example", "", "a", store.InsightView, 0, "", 1))
	}
	if after := changeCount(t, st); after != before {
		t.Errorf("adding insight counts changed the writer's change count from %d to %d", before, after)
	}
	// It still sees others' changes.
	put(t, st, article("d", 4, "Sport", "fr"))
	if after := changeCount(t, st); after == before {
		t.Error("a put after insight counts did not change the change count")
	}
}

func testInsightsOutliveTheirArticle(t *testing.T, open Open) {
	st, _ := open(t)
	threeArticles(t, st)
	addInsights(t, st, count(hour0, "", "", "a", store.InsightClick, 1, "", 2))
	if err := st.Delete(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	sameTotals(t, "after the article went", insightTotals(t, st, hour0, hour0+1, store.ByArticle),
		[]store.InsightCount{count(0, "", "", "a", store.InsightClick, 0, "", 2)})
}

func ranking(t *testing.T, st Store, q store.InsightRanking) []store.InsightRow {
	t.Helper()
	rows, err := st.RankInsights(t.Context(), q)
	if err != nil {
		t.Fatalf("rank insights %+v: %v", q, err)
	}
	return rows
}

// Partners and placements rank by views, then clicks, then name byte by
// byte; articles by clicks on carousel cards; within the period, and
// the limit's number only.
func testInsightsRanked(t *testing.T, open Open) {
	st, _ := open(t)
	addInsights(t, st,
		count(hour0, "b.example", "top", "x", store.InsightView, 0, "", 5),
		count(hour0+1, "b.example", "top", "y", store.InsightClick, 2, store.RankerKiosque, 1),
		count(hour0, "a.example", "side", "x", store.InsightView, 0, "", 5),
		count(hour0, "a.example", "side", "y", store.InsightClick, 1, "", 3),
		count(hour0, "a.example", "side", "x", store.InsightClick, 0, "", 9), // the featured card: no recommendation
		count(hour0, "Z.example", "side", "z", store.InsightView, 0, "", 5),
		count(hour0, "c.example", "", "z", store.InsightWin, 0, store.RankerKiosque, 50),
		count(hour0+2, "late.example", "late", "w", store.InsightView, 0, "", 100), // past the period
		count(hour0+2, "late.example", "late", "w", store.InsightClick, 1, "", 100),
	)
	row := func(name string, views, clicks int64) store.InsightRow {
		return store.InsightRow{Name: name, Views: views, Clicks: clicks}
	}
	q := store.InsightRanking{From: hour0, To: hour0 + 2, By: store.ByPartner, Limit: 10}
	if got, want := ranking(t, st, q), []store.InsightRow{row("a.example", 5, 12), row("b.example", 5, 1), row("Z.example", 5, 0)}; !slices.Equal(got, want) {
		t.Errorf("partners:\n got %+v\nwant %+v", got, want)
	}
	q.Limit = 2
	if got := ranking(t, st, q); len(got) != 2 || got[1].Name != "b.example" {
		t.Errorf("the top 2 partners: %+v", got)
	}
	q.By, q.Limit = store.ByPlacement, 10
	if got, want := ranking(t, st, q), []store.InsightRow{row("side", 10, 12), row("top", 5, 1)}; !slices.Equal(got, want) {
		t.Errorf("placements:\n got %+v\nwant %+v", got, want)
	}
	q.By = store.ByArticle
	if got, want := ranking(t, st, q), []store.InsightRow{row("y", 0, 4)}; !slices.Equal(got, want) {
		t.Errorf("articles:\n got %+v\nwant %+v", got, want)
	}
	for _, bad := range []store.InsightRanking{{From: hour0, To: hour0 + 1, By: store.ByDay, Limit: 1}, {From: hour0, To: hour0 + 1, By: store.ByPartner}} {
		if _, err := st.RankInsights(t.Context(), bad); err == nil {
			t.Errorf("ranking %+v: no error", bad)
		}
	}
}

// Counts past the retention go, the others stay; deleting is no change
// readers see.
func testInsightsDeletedBefore(t *testing.T, open Open) {
	st, _ := open(t)
	threeArticles(t, st)
	for h := range int64(4) {
		addInsights(t, st, count(hour0+h, "news.example", "", "a", store.InsightView, 0, "", 1), count(hour0+h, "", "", "b", store.InsightClick, 1, "", 1))
	}
	before := changeCount(t, st)
	n, err := st.DeleteInsightsBefore(t.Context(), hour0+2)
	if err != nil || n != 4 {
		t.Fatalf("delete before the third hour: %d deleted, %v; want 4", n, err)
	}
	sameTotals(t, "what is left", insightTotals(t, st, 0, hour0+10, store.ByDay),
		[]store.InsightCount{count(hour0/24*24, "", "", "", store.InsightClick, 0, "", 2), count(hour0/24*24, "", "", "", store.InsightView, 0, "", 2)})
	if n, err := st.DeleteInsightsBefore(t.Context(), hour0+2); err != nil || n != 0 {
		t.Errorf("deleting again: %d deleted, %v", n, err)
	}
	if after := changeCount(t, st); after != before {
		t.Errorf("deleting insight counts changed the change count from %d to %d", before, after)
	}
}

func putBaseline(t *testing.T, st Store, lists map[string][]string) {
	t.Helper()
	if err := st.PutBaselineLists(t.Context(), lists); err != nil {
		t.Fatal(err)
	}
}

func baselineLists(t *testing.T, st Store) map[string][]string {
	t.Helper()
	lists, err := st.BaselineLists(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return lists
}

func testBaselinePutThenRead(t *testing.T, open Open) {
	st, another := open(t)
	threeArticles(t, st)
	if list, err := st.BaselineList(t.Context(), "a"); list != nil || err != nil {
		t.Errorf("baseline list before any was stored: %q, %v", list, err)
	}
	putBaseline(t, st, map[string][]string{"a": {"c", "b"}, "b": {}, "gone": {"a"}})
	putBaseline(t, st, map[string][]string{"c": {"a"}, "b": nil})
	other := another(t)
	if list, err := other.BaselineList(t.Context(), "a"); err != nil || !slices.Equal(list, []string{"c", "b"}) {
		t.Errorf("baseline list of a: %q, %v", list, err)
	}
	if got, want := baselineLists(t, other), map[string][]string{"a": {"c", "b"}, "c": {"a"}}; !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("baseline lists: got %q, want %q", got, want)
	}
}

// The baseline's lists and the ranker's are kept apart: writing one never
// touches the other.
func testBaselineApartFromRankers(t *testing.T, open Open) {
	st, _ := open(t)
	threeArticles(t, st)
	putLists(t, st, map[string][]string{"a": {"b"}})
	putBaseline(t, st, map[string][]string{"a": {"c"}, "b": {"a"}})
	putLists(t, st, map[string][]string{"b": nil})
	if got, want := relatedLists(t, st), map[string][]string{"a": {"b"}}; !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("ranker's lists: got %q, want %q", got, want)
	}
	if got, want := baselineLists(t, st), map[string][]string{"a": {"c"}, "b": {"a"}}; !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("baseline lists: got %q, want %q", got, want)
	}
}

func testBaselineGoesWithItsArticle(t *testing.T, open Open) {
	st, _ := open(t)
	threeArticles(t, st)
	putBaseline(t, st, map[string][]string{"a": {"b"}, "b": {"a"}})
	if err := st.Delete(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	if got, want := baselineLists(t, st), map[string][]string{"b": {"a"}}; !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("baseline lists after a was deleted: got %q, want %q", got, want)
	}
}
