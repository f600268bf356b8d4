package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

func versionTests() []test {
	return []test{
		{"AreContentHashes", testVersionsAreContentHashes},
		{"ChangeWithContentNotUpdateTime", testVersionsChangeWithContent},
		{"AreTheHashOfWhatIsReadBack", testVersionsAreTheHashOfWhatIsReadBack},
	}
}

// An article read back and written again is no change: its version is the
// hash of what a reader gets, whatever form it was written in.
func testVersionsAreTheHashOfWhatIsReadBack(t *testing.T, open Open) {
	st, _ := open(t)
	a := article("a", 1, "Sport", news.Lang("fr-MA"))
	a.Updated, a.Body, a.Tags = time.Time{}, nil, nil
	a.Published = a.Published.Add(123456 * time.Nanosecond).In(time.FixedZone("Casablanca", 3600))
	put(t, st, a)
	back, err := st.Article(t.Context(), a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if v := versions(t, st)["a"]; v != store.ContentHash(back) {
		t.Errorf("version %s, but the article read back hashes to %s", v, store.ContentHash(back))
	}
	before := versions(t, st)["a"]
	put(t, st, back)
	if after := versions(t, st)["a"]; after != before {
		t.Errorf("writing back what was read changed the version: %s, then %s", before, after)
	}
	if back.Lang != news.French {
		t.Errorf("language stored as %q, want fr", back.Lang)
	}
	page, err := st.Articles(t.Context(), store.Query{Lang: news.French, Limit: 5})
	if err != nil || len(page.Articles) != 1 {
		t.Errorf("listing French articles: %d, %v; want the article written as fr-MA", len(page.Articles), err)
	}
}

// versions reads the versions or fails the test.
func versions(t *testing.T, st Store) map[string]string {
	t.Helper()
	v, err := st.Versions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func testVersionsAreContentHashes(t *testing.T, open Open) {
	st, _ := open(t)
	a, b := article("a", 1, "Sport", news.French), article("b", 2, "Culture", news.Arabic)
	put(t, st, a, b)
	item := imported("1", "importe", "Importé")
	if _, err := st.ApplyImport(t.Context(), store.Import{Origin: "feed:x", Articles: []store.Imported{item}}); err != nil {
		t.Fatal(err)
	}
	got := versions(t, st)
	want := map[string]string{"a": store.ContentHash(a), "b": store.ContentHash(b), "importe": store.ContentHash(item.Article)}
	if len(got) != len(want) {
		t.Errorf("versions of %d articles, want %d: %v", len(got), len(want), got)
	}
	for slug, hash := range want {
		if got[slug] != hash {
			t.Errorf("version of %s = %q, want its content hash %q", slug, got[slug], hash)
		}
	}
}

// A server notices another's edit by its version, even an edit that left
// the update time as it was (an RSS item without an update date keeps
// its publication's): the server reads versions on a handle of its own,
// the writer (`kiosque ingest`) writes on another. A write that changes
// nothing changes no version.
func testVersionsChangeWithContent(t *testing.T, open Open) {
	ctx := t.Context()
	st, another := open(t)
	server := another(t)
	a := article("a", 1, "Sport", news.French)
	a.Updated = a.Published
	put(t, st, a, article("b", 2, "Sport", news.French))
	first := versions(t, server)

	put(t, st, a)
	if again := versions(t, server); again["a"] != first["a"] || again["b"] != first["b"] {
		t.Errorf("an unchanged put changed versions: %v, then %v", first, again)
	}

	a.Excerpt = "Corrected excerpt"
	put(t, st, a)
	edited := versions(t, server)
	if edited["a"] == first["a"] {
		t.Errorf("an edit kept the version %q", edited["a"])
	}
	if edited["b"] != first["b"] {
		t.Errorf("an edit of a changed the version of b")
	}

	imp := store.Import{Origin: "feed:x", Articles: []store.Imported{imported("1", "importe", "Importé")}}
	if _, err := st.ApplyImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	before := versions(t, server)["importe"]
	imp.Articles[0].Article.Title = "Importé, corrigé" // Updated stays zero: Published, as before
	res, err := st.ApplyImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Updated, []string{"importe"}) {
		t.Errorf("the imported edit updated %v, want importe", res.Updated)
	}
	back, err := server.Article(ctx, "importe")
	if err != nil {
		t.Fatal(err)
	}
	if after := versions(t, server)["importe"]; after == before || after != store.ContentHash(back) {
		t.Errorf("version after an imported edit that kept the update time = %q (was %q)", after, before)
	}
	if !back.Updated.Equal(back.Published) {
		t.Errorf("the edit's update time %v is not its publication's %v", back.Updated, back.Published)
	}
}
