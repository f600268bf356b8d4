package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/store"
)

func importTests() []test {
	return []test{
		{"UpdatesByIdentityAndKeepsSlug", testImportUpdatesByIdentity},
		{"RemovesOnlyMissingItemsOfItsOrigin", testImportRemovesOnlyMissingItems},
		{"RemovesWithdrawnItems", testImportRemovesWithdrawnItems},
		{"SuffixesTakenSlugs", testImportSuffixesTakenSlugs},
		{"FindsASlugForATitleRepeatedWithoutEnd", testImportFindsASlugForATitleRepeatedWithoutEnd},
		{"TakesADailyColumnPastItsHundredthIssue", testImportTakesADailyColumnPastItsHundredthIssue},
		{"RecreatedPostKeepsItsSlug", testImportRecreatedPostKeepsItsSlug},
		{"CountsAnItemListedTwiceOnce", testImportCountsAnItemListedTwiceOnce},
		{"IsAllOrNothing", testImportIsAllOrNothing},
		{"RefusesBadImports", testImportRefusesBadImports},
		{"SavesTheSourceState", testImportSavesTheSourceState},
		{"SourceStateRoundTrip", testSourceStateRoundTrip},
		{"ListsSourcesWithTheirArticles", testListsSourcesWithTheirArticles},
	}
}

func testImportUpdatesByIdentity(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	const origin = "wordpress:https://example.com"

	res, err := st.ApplyImport(ctx, store.Import{Origin: origin, Articles: []store.Imported{
		imported("1", "premier", "Premier"),
		imported("2", "second", "Second"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Added, []string{"premier", "second"}) || len(res.Updated) != 0 {
		t.Fatalf("first import: %+v", res)
	}
	first, err := st.Article(ctx, "second")
	if err != nil {
		t.Fatal(err)
	}

	// The same items again change nothing; an edited one (new title, new
	// wanted slug) is updated under its old slug and id.
	edited := imported("2", "second-edite", "Second, édité")
	res, err = st.ApplyImport(ctx, store.Import{Origin: origin, Articles: []store.Imported{imported("1", "premier", "Premier"), edited}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != 0 || !slices.Equal(res.Updated, []string{"second"}) || res.Unchanged != 1 || !res.Changed() {
		t.Fatalf("second import: %+v", res)
	}
	a, err := st.Article(ctx, "second")
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Second, édité" || a.ID != first.ID {
		t.Errorf("after update: title %q, id %d (was %d)", a.Title, a.ID, first.ID)
	}
	if got := storedSlugs(t, st); !slices.Equal(got, []string{"premier", "second"}) {
		t.Errorf("slugs = %v", got)
	}

	res, err = st.ApplyImport(ctx, store.Import{Origin: origin, Articles: []store.Imported{imported("1", "premier", "Premier"), edited}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed() || res.Unchanged != 2 {
		t.Errorf("third, unchanged, import: %+v", res)
	}
}

func testImportRemovesOnlyMissingItems(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	put(t, st, imported("", "a-la-main", "À la main").Article)
	if _, err := st.ApplyImport(ctx, store.Import{Origin: "feed:https://other.example/rss", Articles: []store.Imported{
		imported("https://other.example/1", "autre", "Autre"),
	}}); err != nil {
		t.Fatal(err)
	}
	const origin = "wordpress:https://example.com"
	if _, err := st.ApplyImport(ctx, store.Import{Origin: origin, Articles: []store.Imported{
		imported("1", "un", "Un"), imported("2", "deux", "Deux"), imported("3", "trois", "Trois"),
	}}); err != nil {
		t.Fatal(err)
	}

	// Post 2 is gone; post 3 is still there but unchanged, so only listed.
	res, err := st.ApplyImport(ctx, store.Import{
		Origin:        origin,
		Articles:      []store.Imported{imported("1", "un", "Un, modifié")},
		RemoveMissing: true,
		Present:       []string{"1", "3"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Removed, []string{"deux"}) || !slices.Equal(res.Updated, []string{"un"}) {
		t.Fatalf("result: %+v", res)
	}
	if got := storedSlugs(t, st); !slices.Equal(got, []string{"a-la-main", "autre", "trois", "un"}) {
		t.Errorf("slugs = %v", got)
	}

	// Without RemoveMissing (a feed), absent items stay.
	if _, err := st.ApplyImport(ctx, store.Import{Origin: origin}); err != nil {
		t.Fatal(err)
	}
	if got := storedSlugs(t, st); len(got) != 4 {
		t.Errorf("slugs after an empty import = %v", got)
	}
}

func testImportSuffixesTakenSlugs(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	put(t, st, imported("", "meteo", "Météo").Article)
	if _, err := st.ApplyImport(ctx, store.Import{Origin: "feed:a", Articles: []store.Imported{imported("x", "meteo", "Météo")}}); err != nil {
		t.Fatal(err)
	}
	res, err := st.ApplyImport(ctx, store.Import{Origin: "feed:b", Articles: []store.Imported{
		imported("x", "meteo", "Météo"), imported("y", "meteo", "Météo encore"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Added, []string{"meteo-3", "meteo-4"}) {
		t.Errorf("added %v, want meteo-3 and meteo-4", res.Added)
	}
	a, err := st.Article(ctx, "meteo")
	if err != nil || a.Source != "Example" || a.Title != "Météo" {
		t.Errorf("the hand-written article changed: %+v, %v", a, err)
	}

	// A long slug keeps its suffix within the 200 bytes a slug may have.
	long := imported("z", "", "Long")
	for len(long.Article.Slug) < 199 {
		long.Article.Slug += "ab-"
	}
	long.Article.Slug = long.Article.Slug[:199]
	put(t, st, long.Article)
	res, err = st.ApplyImport(ctx, store.Import{Origin: "feed:a", Articles: []store.Imported{long}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != 1 || len(res.Added[0]) > 200 || !store.ValidSlug(res.Added[0]) || res.Added[0][len(res.Added[0])-2:] != "-2" {
		t.Errorf("long slug suffixed as %q", res.Added)
	}
}

// A feed of 101 items of one title imports them all, each under a slug of
// its own.
func testImportFindsASlugForATitleRepeatedWithoutEnd(t *testing.T, open Open) {
	st, _ := open(t)
	var items []store.Imported
	for i := range 101 {
		items = append(items, imported(fmt.Sprintf("https://example.com/?p=%d", i), "revue-de-presse", "Revue de presse"))
	}
	res, err := st.ApplyImport(t.Context(), store.Import{Origin: "feed:https://example.com/rss", Articles: items})
	if err != nil {
		t.Fatal(err)
	}
	checkDistinctSlugs(t, res.Added, 101)
	if got := storedSlugs(t, st); len(got) != 101 {
		t.Errorf("%d articles stored, want 101", len(got))
	}
}

// A column of one title, imported one issue a day, still imports past
// its 100th issue; and an issue gets the same slug from its identity
// wherever the same items were imported before it.
func testImportTakesADailyColumnPastItsHundredthIssue(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	const origin = "wordpress:https://example.com"
	var added []string
	for day := range 110 {
		res, err := st.ApplyImport(ctx, store.Import{Origin: origin, Articles: []store.Imported{
			imported(strconv.Itoa(day), "revue-de-presse", "Revue de presse"),
		}})
		if err != nil {
			t.Fatalf("issue %d: %v", day+1, err)
		}
		added = append(added, res.Added...)
	}
	checkDistinctSlugs(t, added, 110)
	if !slices.Equal(added[:3], []string{"revue-de-presse", "revue-de-presse-2", "revue-de-presse-3"}) {
		t.Errorf("the first issues took %v, want the slug, then numbered ones", added[:3])
	}
	// The same issues in another store take the same slugs: they come from
	// the items, not from the order of some lookups.
	again, _ := open(t)
	var items []store.Imported
	for day := range 110 {
		items = append(items, imported(strconv.Itoa(day), "revue-de-presse", "Revue de presse"))
	}
	res, err := again.ApplyImport(ctx, store.Import{Origin: origin, Articles: items})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Added, added) {
		t.Errorf("the same issues imported at once took other slugs:\n%v\nthan one a day:\n%v", res.Added, added)
	}
}

// checkDistinctSlugs checks that slugs are n valid slugs, all different.
func checkDistinctSlugs(t *testing.T, slugs []string, n int) {
	t.Helper()
	seen := map[string]bool{}
	for _, slug := range slugs {
		if !store.ValidSlug(slug) || seen[slug] {
			t.Errorf("slug %q: invalid, or given twice", slug)
		}
		seen[slug] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct slugs, want %d: %v", len(seen), n, slugs)
	}
}

// A post deleted and created again under the same slug (a new id at the
// source) keeps the slug, so that its old URL still answers: the import
// removes before it inserts.
func testImportRecreatedPostKeepsItsSlug(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	const origin = "wordpress:https://example.com"
	if _, err := st.ApplyImport(ctx, store.Import{Origin: origin, Articles: []store.Imported{
		imported("1", "meteo", "Météo"), imported("2", "sport", "Sport"),
	}}); err != nil {
		t.Fatal(err)
	}
	res, err := st.ApplyImport(ctx, store.Import{
		Origin:        origin,
		Articles:      []store.Imported{imported("3", "meteo", "Météo, de nouveau")},
		RemoveMissing: true,
		Present:       []string{"2", "3"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Added, []string{"meteo"}) || !slices.Equal(res.Removed, []string{"meteo"}) {
		t.Errorf("added %v and removed %v, want meteo both times", res.Added, res.Removed)
	}
	if got := storedSlugs(t, st); !slices.Equal(got, []string{"meteo", "sport"}) {
		t.Errorf("slugs = %v, want [meteo sport]", got)
	}
	if a, err := st.Article(ctx, "meteo"); err != nil || a.Title != "Météo, de nouveau" {
		t.Errorf("meteo is %q, %v; want the new post", a.Title, err)
	}
}

func testImportCountsAnItemListedTwiceOnce(t *testing.T, open Open) {
	st, _ := open(t)
	res, err := st.ApplyImport(t.Context(), store.Import{Origin: "feed:x", Articles: []store.Imported{
		imported("1", "premier", "Premier"), imported("1", "premier-bis", "Premier bis"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Added, []string{"premier"}) {
		t.Errorf("added %v, want the first listing only", res.Added)
	}
	if got := storedSlugs(t, st); !slices.Equal(got, []string{"premier"}) {
		t.Errorf("slugs = %v", got)
	}
}

func testImportIsAllOrNothing(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	const origin = "wordpress:https://example.com"
	if _, err := st.ApplyImport(ctx, store.Import{Origin: origin, Articles: []store.Imported{imported("1", "un", "Un")},
		State: store.SourceState{Key: origin, ETag: `"v1"`}}); err != nil {
		t.Fatal(err)
	}

	bad := imported("3", "trois", "")
	_, err := st.ApplyImport(ctx, store.Import{
		Origin:        origin,
		Articles:      []store.Imported{imported("1", "un", "Un, modifié"), imported("2", "deux", "Deux"), bad},
		RemoveMissing: true,
		State:         store.SourceState{Key: origin, ETag: `"v2"`},
	})
	if !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	if got := storedSlugs(t, st); !slices.Equal(got, []string{"un"}) {
		t.Errorf("slugs = %v, want only un", got)
	}
	if a, _ := st.Article(ctx, "un"); a.Title != "Un" {
		t.Errorf("title = %q: the failed import was half-applied", a.Title)
	}
	state, err := st.SourceState(ctx, origin)
	if err != nil {
		t.Fatal(err)
	}
	if state.ETag != `"v1"` {
		t.Errorf("ETag = %s: saved by a failed import", state.ETag)
	}
}

func testImportRefusesBadImports(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	badSlug := imported("2", "Pas Un Slug", "Deux")
	for name, imp := range map[string]store.Import{
		"no origin":          {Articles: []store.Imported{imported("1", "un", "Un")}},
		"state of another":   {Origin: "feed:a", State: store.SourceState{Key: "feed:b"}, Articles: []store.Imported{imported("1", "un", "Un")}},
		"item without an id": {Origin: "feed:a", Articles: []store.Imported{imported("1", "un", "Un"), imported("", "deux", "Deux")}},
		"bad slug":           {Origin: "feed:a", Articles: []store.Imported{imported("1", "un", "Un"), badSlug}},
	} {
		if _, err := st.ApplyImport(ctx, imp); err == nil {
			t.Errorf("%s: import applied", name)
		}
	}
	for _, imp := range []store.Import{
		{Origin: "feed:a", Articles: []store.Imported{imported("", "deux", "Deux")}},
		{Origin: "feed:a", Articles: []store.Imported{badSlug}},
	} {
		if _, err := st.ApplyImport(ctx, imp); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("import of %q: got %v, want ErrInvalid", imp.Articles[0].Article.Slug, err)
		}
	}
	if got := storedSlugs(t, st); len(got) != 0 {
		t.Errorf("refused imports stored %v", got)
	}
	for _, key := range []string{"feed:a", "feed:b"} {
		if state, err := st.SourceState(ctx, key); err != nil || state != (store.SourceState{Key: key}) {
			t.Errorf("refused imports saved the state of %s: %+v, %v", key, state, err)
		}
	}
	if err := st.SaveSourceState(ctx, store.SourceState{ETag: "x"}); err == nil {
		t.Error("saved the state of a source without a key")
	}
}

func testImportSavesTheSourceState(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	const origin = "feed:https://example.com/rss"
	cursor := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	// The state's key may be left out: it is the origin's.
	if _, err := st.ApplyImport(ctx, store.Import{Origin: origin, State: store.SourceState{ETag: `"v3"`, Cursor: cursor}}); err != nil {
		t.Fatal(err)
	}
	got, err := st.SourceState(ctx, origin)
	if err != nil {
		t.Fatal(err)
	}
	if got != (store.SourceState{Key: origin, ETag: `"v3"`, Cursor: cursor}) {
		t.Errorf("state after import: %+v", got)
	}
}

func testSourceStateRoundTrip(t *testing.T, open Open) {
	ctx := t.Context()
	st, another := open(t)
	zero, err := st.SourceState(ctx, "feed:https://example.com/rss")
	if err != nil || zero != (store.SourceState{Key: "feed:https://example.com/rss"}) {
		t.Fatalf("unknown source: %+v, %v", zero, err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	want := store.SourceState{
		Key: "feed:https://example.com/rss", Endpoint: "https://example.com/?feed=rss2", ETag: `W/"abc"`, LastModified: "Mon, 04 Mar 2024 10:00:00 GMT",
		Cursor: now.Add(-time.Hour), FullSync: now.Add(-time.Minute), LastAttempt: now, LastSuccess: now.Add(-2 * time.Hour),
		LastError: "fetch: 500", Failures: 3,
	}
	for range 2 { // insert, then update
		if err := st.SaveSourceState(ctx, want); err != nil {
			t.Fatal(err)
		}
	}
	got, err := another(t).SourceState(ctx, want.Key)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}

	// A success clears the error and the failures, and times go back to
	// zero when the state says so.
	cleared := store.SourceState{Key: want.Key, LastAttempt: now, LastSuccess: now}
	if err := st.SaveSourceState(ctx, cleared); err != nil {
		t.Fatal(err)
	}
	if got, err := st.SourceState(ctx, want.Key); err != nil || got != cleared {
		t.Errorf("after clearing: got %+v, %v\nwant %+v", got, err, cleared)
	}
}

func testListsSourcesWithTheirArticles(t *testing.T, open Open) {
	ctx := t.Context()
	st, another := open(t)
	if list, err := st.Sources(ctx); err != nil || len(list) != 0 {
		t.Fatalf("sources of an empty store: %+v, %v", list, err)
	}
	const wp, feed = "wordpress:https://example.com", "feed:https://example.org/rss"
	now := time.Now().UTC().Truncate(time.Millisecond)
	if _, err := st.ApplyImport(ctx, store.Import{Origin: wp, Articles: []store.Imported{
		imported("1", "premier", "Premier"), imported("2", "second", "Second"),
	}, State: store.SourceState{Key: wp, Endpoint: "https://example.com/wp-json/", LastAttempt: now, LastSuccess: now}}); err != nil {
		t.Fatal(err)
	}
	failing := store.SourceState{Key: feed, LastAttempt: now, LastError: "fetch: 502", Failures: 2}
	if err := st.SaveSourceState(ctx, failing); err != nil {
		t.Fatal(err)
	}
	list, err := another(t).Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.SourceSummary{
		{SourceState: failing},
		{SourceState: store.SourceState{Key: wp, Endpoint: "https://example.com/wp-json/", LastAttempt: now, LastSuccess: now}, Articles: 2},
	}
	if !slices.Equal(list, want) {
		t.Errorf("got %+v\nwant %+v", list, want)
	}
}

// An item the source withdrew (a post now password-protected) is removed
// at once, without a full listing, and even when listed as present.
func testImportRemovesWithdrawnItems(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	const origin = "wordpress:https://example.com"
	if _, err := st.ApplyImport(ctx, store.Import{Origin: origin, Articles: []store.Imported{
		imported("1", "un", "Un"), imported("2", "deux", "Deux"), imported("3", "trois", "Trois"),
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyImport(ctx, store.Import{Origin: "feed:https://example.com/feed", Articles: []store.Imported{
		imported("2", "deux-du-fil", "Deux"),
	}}); err != nil {
		t.Fatal(err)
	}
	res, err := st.ApplyImport(ctx, store.Import{Origin: origin,
		Articles:  []store.Imported{imported("3", "trois", "Trois, modifié"), imported("4", "quatre", "Quatre")},
		Withdrawn: []string{"2", "3", "9"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != 1 || res.Added[0] != "quatre" || len(res.Updated) != 0 || !slices.Equal(res.Removed, []string{"deux", "trois"}) {
		t.Errorf("result: %+v", res)
	}
	if got := storedSlugs(t, st); !slices.Equal(got, []string{"deux-du-fil", "quatre", "un"}) {
		t.Errorf("slugs = %v", got)
	}
	res, err = st.ApplyImport(ctx, store.Import{Origin: origin, RemoveMissing: true, Present: []string{"1", "2", "4"}, Withdrawn: []string{"4"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Removed, []string{"quatre"}) {
		t.Errorf("withdrawn while listed present: %+v", res)
	}
}
