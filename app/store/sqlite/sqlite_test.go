package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

func openTemp(t *testing.T, dir string) *Store {
	t.Helper()
	st, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func article(slug string, day int, category string, lang news.Lang) news.Article {
	return news.Article{
		Slug:      slug,
		Title:     "Title of " + slug,
		Excerpt:   "Excerpt of " + slug,
		Body:      []string{"First paragraph.", "Second paragraph."},
		Category:  category,
		Tags:      []string{"tag-" + slug},
		Author:    "Author",
		Published: time.Date(2026, 5, day, 10, 0, 0, 0, time.UTC),
		Lang:      lang,
		Image:     &news.Image{Src: "/web/images/x.svg", Alt: `An "image"`, Width: 1200, Height: 675},
		Source:    "Test",
	}
}

func TestPutThenReadBack(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, t.TempDir())
	want := article("hammouchi-a-vienne", 9, "International", news.French)
	want.HTML = "<p>First paragraph.</p>"
	if err := st.Put(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := st.Article(ctx, want.Slug)
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
}

func TestUnknownSlugIsNotFound(t *testing.T) {
	st := openTemp(t, t.TempDir())
	if _, err := st.Article(context.Background(), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
	if err := st.Delete(context.Background(), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete: got %v, want ErrNotFound", err)
	}
}

func TestPagesWalkEveryArticleNewestFirst(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, t.TempDir())
	var all []news.Article
	for day := 1; day <= 11; day++ {
		all = append(all, article(fmt.Sprintf("a%02d", day), day, "Sport", news.French))
	}
	all = append(all, article("same-day", 5, "Sport", news.French)) // ties are ordered by id
	if err := st.Put(ctx, all...); err != nil {
		t.Fatal(err)
	}
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		page, err := st.Articles(ctx, store.Query{Limit: 5, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Articles {
			seen = append(seen, a.Slug)
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	want := []string{"a11", "a10", "a09", "a08", "a07", "a06", "same-day", "a05", "a04", "a03", "a02", "a01"}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("pages gave %v, want %v", seen, want)
	}
}

func TestFiltersAndCategories(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, t.TempDir())
	err := st.Put(ctx,
		article("eco-1", 1, "Économie", news.French),
		article("eco-2", 2, "Économie", news.Arabic),
		article("sport-1", 3, "Sport", news.English),
	)
	if err != nil {
		t.Fatal(err)
	}
	page, err := st.Articles(ctx, store.Query{Category: "economie", Lang: news.Arabic, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Articles) != 1 || page.Articles[0].Slug != "eco-2" {
		t.Errorf("economie in arabic: got %v", page.Articles)
	}
	categories, err := st.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []news.Category{{Name: "Économie", Slug: "economie", Count: 2}, {Name: "Sport", Slug: "sport", Count: 1}}
	if fmt.Sprint(categories) != fmt.Sprint(want) {
		t.Errorf("categories: got %v, want %v", categories, want)
	}
}

func TestBadCursorIsRefused(t *testing.T) {
	st := openTemp(t, t.TempDir())
	for _, c := range []string{"%%%", "bm90LWEtY3Vyc29y", "MTIz"} {
		if _, err := st.Articles(context.Background(), store.Query{Limit: 5, Cursor: c}); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("cursor %q: got %v, want ErrBadCursor", c, err)
		}
	}
}

func TestInvalidArticleWritesNothing(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, t.TempDir())
	good := article("good", 1, "Sport", news.French)
	if err := st.Put(ctx, good); err != nil {
		t.Fatal(err)
	}
	changed := good
	changed.Title = "Changed"
	bad := article("Bad Slug!", 2, "Sport", news.French)
	if err := st.Put(ctx, changed, bad); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("got %v, want ErrInvalid", err)
	}
	got, err := st.Article(ctx, "good")
	if err != nil || got.Title != good.Title {
		t.Errorf("after a refused put the stored article is %q (%v), want it unchanged", got.Title, err)
	}
}

func TestReopenKeepsArticles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, article("kept", 1, "Culture", news.English)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	again := openTemp(t, dir)
	if _, err := again.Article(ctx, "kept"); err != nil {
		t.Errorf("after reopening: %v", err)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openTemp(t, dir)
	if _, err := st.db.ExecContext(ctx, "PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := Open(ctx, dir); err == nil {
		t.Errorf("opening %s with schema 999 succeeded, want an error", filepath.Join(dir, FileName))
	}
}

func TestArticlesBySlugKeepsOrder(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, t.TempDir())
	st.Put(ctx, article("a", 1, "Sport", news.French), article("b", 2, "Sport", news.French), article("c", 3, "Sport", news.French))
	got, err := st.ArticlesBySlug(ctx, []string{"c", "missing", "a", "c"})
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, a := range got {
		slugs = append(slugs, a.Slug)
	}
	if fmt.Sprint(slugs) != "[c a]" {
		t.Errorf("got %v, want [c a]", slugs)
	}
}

func TestArticleByURLIgnoresSchemeAndTrailingSlash(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, t.TempDir())
	a := article("by-url", 1, "Sport", news.French)
	a.URL = "https://publisher.example/2026/05/by-url/"
	if err := st.Put(ctx, a); err != nil {
		t.Fatal(err)
	}
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
