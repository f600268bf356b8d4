package sample_test

import (
	"context"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/htmltest"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/sanitize"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// The sample fills an empty store only, and goes whole when asked, leaving
// a publisher's own articles, even one that shares a sample's slug.
func TestFillThenClearLeavesThePublishersArticles(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	n, err := sample.Fill(ctx, st)
	if err != nil || n == 0 {
		t.Fatalf("Fill on an empty store: %d, %v", n, err)
	}
	if again, err := sample.Fill(ctx, st); err != nil || again != 0 {
		t.Fatalf("Fill on a filled store: %d, %v; want 0", again, err)
	}
	bundled, _ := sample.Articles()
	// The publisher's own article under a sample's slug: edited in place,
	// as an import would.
	own := bundled[0]
	own.Source, own.Title, own.Updated = "La Gazette", "Notre propre article", own.Updated.Add(time.Hour)
	if err := st.Put(ctx, own); err != nil {
		t.Fatal(err)
	}

	stored, err := sample.Stored(ctx, st)
	if err != nil || len(stored) != n-1 {
		t.Fatalf("Stored: %d articles, %v; want %d", len(stored), err, n-1)
	}
	removed, err := sample.Clear(ctx, st)
	if err != nil || removed != n-1 {
		t.Fatalf("Clear: %d, %v; want %d", removed, err, n-1)
	}
	page, err := st.Articles(ctx, store.Query{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Articles) != 1 || page.Articles[0].Slug != own.Slug || page.Articles[0].Source != "La Gazette" {
		t.Fatalf("after Clear the store holds %v; want only the publisher's article", slugs(page.Articles))
	}
	if removed, err := sample.Clear(ctx, st); err != nil || removed != 0 {
		t.Errorf("Clear again: %d, %v; want 0", removed, err)
	}
}

func slugs(articles []news.Article) []string {
	var s []string
	for _, a := range articles {
		s = append(s, a.Slug)
	}
	return s
}

// Fill is a writer of the store: what it writes is HTML as the store keeps
// it (store.Writer), nothing that runs.
func TestFillWritesCleanHTML(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := sample.Fill(ctx, st); err != nil {
		t.Fatal(err)
	}
	all, err := st.All(ctx)
	if err != nil || len(all) == 0 {
		t.Fatalf("All: %d articles, %v", len(all), err)
	}
	for _, a := range all {
		if clean := sanitize.Stored(a.HTML); a.HTML != clean {
			t.Errorf("%s: stored\n %s\nthe sanitizer makes\n %s", a.Slug, a.HTML, clean)
		}
		if err := htmltest.CheckInert(a.HTML); err != nil {
			t.Errorf("%s: %v", a.Slug, err)
		}
	}
}
