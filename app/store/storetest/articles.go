package storetest

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

func articleTests() []test {
	return []test{
		{"PutThenReadBack", testPutThenReadBack},
		{"PutUpdatesInPlace", testPutUpdatesInPlace},
		{"TimesRoundTripToTheMillisecondInUTC", testTimesRoundTrip},
		{"EmptyStoreHasNothing", testEmptyStore},
		{"UnknownSlugIsNotFound", testUnknownSlugIsNotFound},
		{"DeleteRemovesTheArticle", testDeleteRemovesTheArticle},
		{"PagesWalkEveryArticleNewestFirst", testPagesWalkEveryArticle},
		{"PagesWalkAFilteredListing", testPagesWalkAFilteredListing},
		{"CursorWorksOnAnotherHandle", testCursorWorksOnAnotherHandle},
		{"LimitsAtTheEdges", testLimitsAtTheEdges},
		{"BadCursorIsRefused", testBadCursorIsRefused},
		{"FiltersAndCategories", testFiltersAndCategories},
		{"CategoriesBreakTiesBySlug", testCategoriesBreakTiesBySlug},
		{"InvalidArticleWritesNothing", testInvalidArticleWritesNothing},
		{"TextNoStoreKeepsIsRefused", testTextNoStoreKeepsIsRefused},
		{"ArticlesBySlugKeepsOrder", testArticlesBySlugKeepsOrder},
		{"ArticleByURLIgnoresSchemeAndTrailingSlash", testArticleByURL},
	}
}

func testPutThenReadBack(t *testing.T, open Open) {
	st, _ := open(t)
	want := article("hammouchi-a-vienne", 9, "International", news.French)
	want.HTML = "<p>First paragraph.</p>"
	put(t, st, want)
	got, err := st.Article(t.Context(), want.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID == 0 || got.CategorySlug != "international" || got.Updated != want.Published {
		t.Errorf("stored fields: id %d, category slug %q, updated %v", got.ID, got.CategorySlug, got.Updated)
	}
	got.ID, got.CategorySlug, got.Updated = 0, "", time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back\n got %+v\nwant %+v", got, want)
	}

	// No image, no tags, no body: read back as none, not as null.
	bare := article("bare", 10, "Sport", news.English)
	bare.Image, bare.Tags, bare.Body = nil, nil, nil
	put(t, st, bare)
	got, err = st.Article(t.Context(), "bare")
	if err != nil {
		t.Fatal(err)
	}
	if got.Image != nil || len(got.Tags) != 0 || len(got.Body) != 0 {
		t.Errorf("bare article read back with image %v, tags %q, body %q", got.Image, got.Tags, got.Body)
	}
}

func testPutUpdatesInPlace(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	a := article("en-place", 3, "Sport", news.French)
	put(t, st, a)
	before, err := st.Article(ctx, a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	a.Title, a.Category = "Changed", "Culture"
	put(t, st, a)
	after, err := st.Article(ctx, a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if after.ID != before.ID || after.Title != "Changed" || after.CategorySlug != "culture" {
		t.Errorf("after an update: id %d (was %d), title %q, category %q", after.ID, before.ID, after.Title, after.CategorySlug)
	}
	if got := storedSlugs(t, st); !slices.Equal(got, []string{"en-place"}) {
		t.Errorf("slugs = %v", got)
	}
}

func testTimesRoundTrip(t *testing.T, open Open) {
	st, _ := open(t)
	casablanca := time.FixedZone("+01", 3600)
	a := article("heure", 1, "Sport", news.French)
	a.Published = time.Date(2026, 5, 1, 10, 0, 0, 123456789, casablanca)
	a.Updated = time.Date(2026, 5, 2, 23, 30, 0, 999999999, casablanca)
	put(t, st, a)
	got, err := st.Article(t.Context(), a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	wantPublished := time.Date(2026, 5, 1, 9, 0, 0, 123000000, time.UTC)
	wantUpdated := time.Date(2026, 5, 2, 22, 30, 0, 999000000, time.UTC)
	if got.Published != wantPublished || got.Updated != wantUpdated {
		t.Errorf("times read back as %v and %v, want %v and %v", got.Published, got.Updated, wantPublished, wantUpdated)
	}
}

func testEmptyStore(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	page, err := st.Articles(ctx, store.Query{Limit: 10})
	if err != nil || len(page.Articles) != 0 || page.Next != "" {
		t.Errorf("first page: %+v, %v", page, err)
	}
	if all, err := st.All(ctx); err != nil || len(all) != 0 {
		t.Errorf("all: %v, %v", all, err)
	}
	if c, err := st.Categories(ctx); err != nil || len(c) != 0 {
		t.Errorf("categories: %v, %v", c, err)
	}
	if v, err := st.Versions(ctx); err != nil || len(v) != 0 {
		t.Errorf("versions: %v, %v", v, err)
	}
	if got, err := st.ArticlesBySlug(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("articles by no slug: %v, %v", got, err)
	}
}

func testUnknownSlugIsNotFound(t *testing.T, open Open) {
	st, _ := open(t)
	if _, err := st.Article(t.Context(), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
	if err := st.Delete(t.Context(), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete: got %v, want ErrNotFound", err)
	}
}

func testDeleteRemovesTheArticle(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	put(t, st, article("gone", 1, "Sport", news.French), article("kept", 2, "Sport", news.French))
	if err := st.Delete(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Article(ctx, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after delete: got %v, want ErrNotFound", err)
	}
	if got := storedSlugs(t, st); !slices.Equal(got, []string{"kept"}) {
		t.Errorf("slugs = %v", got)
	}
	versions, err := st.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := versions["gone"]; ok || len(versions) != 1 {
		t.Errorf("versions after delete: %v", versions)
	}
	if err := st.Delete(ctx, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: got %v, want ErrNotFound", err)
	}
}

// walk reads every page of q and returns the slugs in order.
func walk(t *testing.T, st Store, q store.Query) []string {
	t.Helper()
	var seen []string
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("pagination does not end")
		}
		page, err := st.Articles(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, slugsOf(page.Articles)...)
		if page.Next == "" {
			return seen
		}
		q.Cursor = page.Next
	}
}

func testPagesWalkEveryArticle(t *testing.T, open Open) {
	st, _ := open(t)
	var all []news.Article
	for day := 1; day <= 11; day++ {
		all = append(all, article(fmt.Sprintf("a%02d", day), day, "Sport", news.French))
	}
	all = append(all, article("same-day", 5, "Sport", news.French)) // ties are ordered by id
	put(t, st, all...)
	want := []string{"a11", "a10", "a09", "a08", "a07", "a06", "same-day", "a05", "a04", "a03", "a02", "a01"}
	if seen := walk(t, st, store.Query{Limit: 5}); !slices.Equal(seen, want) {
		t.Errorf("pages gave %v, want %v", seen, want)
	}
	// A page as long as what is left has no next.
	if seen := walk(t, st, store.Query{Limit: 12}); !slices.Equal(seen, want) {
		t.Errorf("one page gave %v, want %v", seen, want)
	}
	everything, err := st.All(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := slugsOf(everything); !slices.Equal(got, want) {
		t.Errorf("all gave %v, want %v", got, want)
	}
}

func testPagesWalkAFilteredListing(t *testing.T, open Open) {
	st, _ := open(t)
	var all []news.Article
	for day := 1; day <= 9; day++ {
		category, lang := "Sport", news.French
		if day%3 == 0 {
			category = "Culture"
		}
		if day%2 == 0 {
			lang = news.Arabic
		}
		all = append(all, article(fmt.Sprintf("a%d", day), day, category, lang))
	}
	put(t, st, all...)
	if got, want := walk(t, st, store.Query{Category: "sport", Limit: 2}), []string{"a8", "a7", "a5", "a4", "a2", "a1"}; !slices.Equal(got, want) {
		t.Errorf("sport: got %v, want %v", got, want)
	}
	if got, want := walk(t, st, store.Query{Category: "sport", Lang: news.French, Limit: 2}), []string{"a7", "a5", "a1"}; !slices.Equal(got, want) {
		t.Errorf("sport in french: got %v, want %v", got, want)
	}
	if got, want := walk(t, st, store.Query{Lang: news.Arabic, Limit: 3}), []string{"a8", "a6", "a4", "a2"}; !slices.Equal(got, want) {
		t.Errorf("arabic: got %v, want %v", got, want)
	}
}

// A cursor given by one server is followed by another that shares the
// store: the next page may come from any replica.
func testCursorWorksOnAnotherHandle(t *testing.T, open Open) {
	ctx := t.Context()
	st, another := open(t)
	put(t, st, article("a1", 1, "Sport", news.French), article("a2", 2, "Sport", news.French), article("a3", 3, "Sport", news.French))
	first, err := st.Articles(ctx, store.Query{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if first.Next == "" {
		t.Fatal("no next page")
	}
	second, err := another(t).Articles(ctx, store.Query{Limit: 2, Cursor: first.Next})
	if err != nil {
		t.Fatal(err)
	}
	if got := slugsOf(second.Articles); !slices.Equal(got, []string{"a1"}) || second.Next != "" {
		t.Errorf("second page from another handle: %v, next %q", got, second.Next)
	}
}

func testLimitsAtTheEdges(t *testing.T, open Open) {
	st, _ := open(t)
	put(t, st, article("a1", 1, "Sport", news.French), article("a2", 2, "Sport", news.French))
	page, err := st.Articles(t.Context(), store.Query{Limit: 0})
	if err != nil {
		t.Fatal(err)
	}
	if got := slugsOf(page.Articles); !slices.Equal(got, []string{"a2"}) || page.Next == "" {
		t.Errorf("limit 0 gave %v, next %q; want [a2] and a next page", got, page.Next)
	}
	page, err = st.Articles(t.Context(), store.Query{Limit: math.MaxInt})
	if err != nil {
		t.Fatal(err)
	}
	if got := slugsOf(page.Articles); !slices.Equal(got, []string{"a2", "a1"}) || page.Next != "" {
		t.Errorf("the largest limit gave %v, next %q; want [a2 a1] and no next page", got, page.Next)
	}
}

func testBadCursorIsRefused(t *testing.T, open Open) {
	st, _ := open(t)
	for _, c := range []string{"%%%", "bm90LWEtY3Vyc29y", "MTIz", "MTIzLi0x", "YWJjLjE"} {
		if _, err := st.Articles(t.Context(), store.Query{Limit: 5, Cursor: c}); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("cursor %q: got %v, want ErrBadCursor", c, err)
		}
	}
}

func testFiltersAndCategories(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	put(t, st,
		article("eco-1", 1, "Économie", news.French),
		article("eco-2", 2, "Économie", news.Arabic),
		article("sport-1", 3, "Sport", news.English),
	)
	page, err := st.Articles(ctx, store.Query{Category: "economie", Lang: news.Arabic, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Articles) != 1 || page.Articles[0].Slug != "eco-2" {
		t.Errorf("economie in arabic: got %v", slugsOf(page.Articles))
	}
	categories, err := st.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []news.Category{{Name: "Économie", Slug: "economie", Count: 2}, {Name: "Sport", Slug: "sport", Count: 1}}
	if !slices.Equal(categories, want) {
		t.Errorf("categories: got %v, want %v", categories, want)
	}
}

// Categories of one size come by slug, byte by byte; names that make one
// slug are one category, named by the first of them byte by byte.
func testCategoriesBreakTiesBySlug(t *testing.T, open Open) {
	st, _ := open(t)
	put(t, st,
		article("s1", 1, "Sport", news.French),
		article("c1", 2, "Culture", news.French),
		article("e1", 3, "Économie", news.French),
		article("z1", 4, "Société", news.French),
		article("z2", 5, "societe", news.French),
		article("a1", 6, "Zoo", news.Arabic),
		article("a2", 7, "ثقافة", news.Arabic),
	)
	categories, err := st.Categories(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []news.Category{
		{Name: "Société", Slug: "societe", Count: 2},
		{Name: "Culture", Slug: "culture", Count: 1},
		{Name: "Économie", Slug: "economie", Count: 1},
		{Name: "Sport", Slug: "sport", Count: 1},
		{Name: "Zoo", Slug: "zoo", Count: 1},
		{Name: "ثقافة", Slug: "ثقافة", Count: 1},
	}
	if !slices.Equal(categories, want) {
		t.Errorf("categories:\n got %v\nwant %v", categories, want)
	}
}

func testInvalidArticleWritesNothing(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	good := article("good", 1, "Sport", news.French)
	put(t, st, good)
	changed := good
	changed.Title = "Changed"
	for _, bad := range []news.Article{
		article("Bad Slug!", 2, "Sport", news.French),
		article("no-lang", 2, "Sport", "xx"),
		article("no-category", 2, "", news.French),
	} {
		if err := st.Put(ctx, changed, article("new", 3, "Sport", news.French), bad); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("put with %q: got %v, want ErrInvalid", bad.Slug, err)
		}
	}
	got, err := st.Article(ctx, "good")
	if err != nil || got.Title != good.Title {
		t.Errorf("after a refused put the stored article is %q (%v), want it unchanged", got.Title, err)
	}
	if got := storedSlugs(t, st); !slices.Equal(got, []string{"good"}) {
		t.Errorf("slugs after refused puts = %v", got)
	}
}

func testArticlesBySlugKeepsOrder(t *testing.T, open Open) {
	st, _ := open(t)
	put(t, st, article("a", 1, "Sport", news.French), article("b", 2, "Sport", news.French), article("c", 3, "Sport", news.French))
	got, err := st.ArticlesBySlug(t.Context(), []string{"c", "missing", "a", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if slugs := slugsOf(got); !slices.Equal(slugs, []string{"c", "a"}) {
		t.Errorf("got %v, want [c a]", slugs)
	}
	if len(got) == 2 && (got[0].Title != "Title of c" || len(got[0].Body) != 2) {
		t.Errorf("articles by slug are not whole: %+v", got[0])
	}
}

func testArticleByURL(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	a := article("by-url", 1, "Sport", news.French)
	a.URL = "https://publisher.example/2026/05/by-url/"
	put(t, st, a)
	for _, u := range []string{
		"https://publisher.example/2026/05/by-url/",
		"https://publisher.example/2026/05/by-url",
		"http://publisher.example/2026/05/by-url#comments",
	} {
		got, err := st.ArticleByURL(ctx, u)
		if err != nil || got.Slug != "by-url" {
			t.Errorf("%s: got %q, %v", u, got.Slug, err)
		}
	}
	for _, u := range []string{"https://publisher.example/2026/05/other", "ftp://publisher.example/2026/05/by-url", ""} {
		if _, err := st.ArticleByURL(ctx, u); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: got %v, want ErrNotFound", u, err)
		}
	}
}

// Text that is not UTF-8, or that holds a NUL, is refused by every store
// (PostgreSQL could not keep it), with an error naming the field.
func testTextNoStoreKeepsIsRefused(t *testing.T, open Open) {
	st, _ := open(t)
	for name, spoil := range map[string]func(*news.Article){
		"title":       func(a *news.Article) { a.Title = "Un titre\x00caché" },
		"paragraph 1": func(a *news.Article) { a.Body = []string{"\xff\xfe"} },
		"image text":  func(a *news.Article) { a.Image.Alt = "\x00" },
	} {
		a := article("spoiled", 1, "Sport", news.French)
		spoil(&a)
		err := st.Put(t.Context(), a)
		if !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s spoiled: %v, want ErrInvalid naming it", name, err)
		}
	}
	if slugs := storedSlugs(t, st); len(slugs) != 0 {
		t.Errorf("refused articles were stored: %v", slugs)
	}
}
