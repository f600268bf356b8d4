//go:build !wasm

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/pgtest"
	"github.com/kiosque/kiosque/app/store/postgres"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// relatedSlugs reads the related list the API gives for slug.
func relatedSlugs(t *testing.T, base, slug string) []string {
	t.Helper()
	status, body := get(t, base, "/api/v1/articles/"+slug+"/related")
	if status != http.StatusOK {
		t.Fatalf("related of %s: %d %s", slug, status, body)
	}
	var list struct{ Articles []struct{ Slug string } }
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, a := range list.Articles {
		slugs = append(slugs, a.Slug)
	}
	return slugs
}

// A takedown, by another process on the server's store, takes the article
// out of the API, its page, the widgets and the related lists of a running
// server, whose kept answers showed it; the next import does not bring it
// back; kiosque restore lets it come back.
func TestRemoveTakesAnArticleDownForGood(t *testing.T) {
	data := t.TempDir()
	// The sample's articles, as a publisher's feed: related lists to tell.
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	src := httptest.NewServer(ingesttest.NewFeed(ingesttest.FeedOf(articles), "application/rss+xml", false))
	defer src.Close()
	base, _, stop := serveWith(t, noEnv, "-data", data, "-web", webDir, "-source", "feed:"+src.URL)
	defer stop()

	gone := seedSlug
	var neighbour string

	eventually(t, 30*time.Second, "the import, with related lists naming the article", func() bool {
		for _, a := range articles {
			slug := a.Slug
			if slug == gone {
				continue
			}
			if status, _ := get(t, base, "/api/v1/articles/"+slug); status != http.StatusOK {
				return false
			}
			if slices.Contains(relatedSlugs(t, base, slug), gone) {
				neighbour = slug
				return true
			}
		}
		return false
	})
	shown := []string{"/api/v1/articles/" + gone, "/a/" + gone, "/api/v1/articles?limit=50",
		"/api/v1/articles/" + neighbour + "/related", "/embed?article=" + neighbour, "/a/" + neighbour}
	for range 2 { // kept, then answered from memory
		for _, path := range shown {
			if status, body := get(t, base, path); status != http.StatusOK || !strings.Contains(body, gone) {
				t.Fatalf("before the takedown, %s: %d, not showing %s", path, status, gone)
			}
		}
	}

	var out bytes.Buffer
	if err := Run(context.Background(), []string{"remove", "-data", data, gone}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Removed and blocked "+gone) {
		t.Errorf("remove printed %q", out.String())
	}
	isGone := func() bool {
		if status, _ := get(t, base, "/api/v1/articles/"+gone); status != http.StatusNotFound {
			return false
		}
		if status, _ := get(t, base, "/a/"+gone); status != http.StatusNotFound {
			return false
		}
		for _, path := range shown[2:] {
			if _, body := get(t, base, path); strings.Contains(body, gone) {
				return false
			}
		}
		return true
	}
	took := eventually(t, 10*time.Second, "the article leaves every answer", isGone)
	t.Logf("the takedown showed after %s", took.Round(time.Millisecond))

	// The next import does not bring it back, and says why.
	out.Reset()
	if err := Run(context.Background(), []string{"ingest", "-data", data, "-feed", src.URL}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "1 blocked") {
		t.Errorf("ingest does not say it skipped a blocked article: %q", out.String())
	}
	st, err := sqlite.OpenAsIs(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Article(context.Background(), gone)
	st.Close()
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after the next import, the store holds the article removed: %v", err)
	}
	if !isGone() {
		t.Fatal("the article came back with the next import")
	}
	out.Reset()
	if err := Run(context.Background(), []string{"remove", "-data", data, gone}, noEnv, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "removed and blocked already") {
		t.Errorf("removing it again: %v, %q", err, out.String())
	}
	if err := Run(context.Background(), []string{"remove", "-data", data, "no-such-article"}, noEnv, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "no article has the slug") {
		t.Errorf("removing an unknown slug: %v", err)
	}
	out.Reset()
	if err := Run(context.Background(), []string{"restore", "-data", data, "-list"}, noEnv, &out, io.Discard); err != nil || !strings.Contains(out.String(), gone) {
		t.Errorf("restore -list: %v\n%s", err, out.String())
	}

	// Restored, it comes back with the next import.
	out.Reset()
	if err := Run(context.Background(), []string{"restore", "-data", data, gone}, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if err := Run(context.Background(), []string{"ingest", "-data", data, "-feed", src.URL}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the restored article comes back", func() bool {
		status, _ := get(t, base, "/api/v1/articles/"+gone)
		return status == http.StatusOK
	})
	if err := Run(context.Background(), []string{"restore", "-data", data, gone}, noEnv, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "is not blocked") {
		t.Errorf("restoring what is not blocked: %v", err)
	}
}

// TestOperationsOnPostgreSQLOpenItAsItIs: sources, remove and restore,
// run beside servers on PostgreSQL, never prepare or migrate the database
// (an older server may still use it), and work on one a server prepared.
func TestOperationsOnPostgreSQLOpenItAsItIs(t *testing.T) {
	t.Parallel()
	cluster := pgtest.Start(t)
	db := cluster.CreateDatabase(t, "operations")
	err := Run(context.Background(), []string{"sources", "-store", db}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no Kiosque schema") {
		t.Errorf("sources on a database no server prepared: %v, want an error saying so", err)
	}
	conn, err := pgx.Connect(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var prepared bool
	if err := conn.QueryRow(t.Context(), "SELECT to_regclass('kiosque_schema') IS NOT NULL").Scan(&prepared); err != nil {
		t.Fatal(err)
	}
	if prepared {
		t.Error("sources prepared the database")
	}

	st, err := postgres.Open(t.Context(), db, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	articles, err := sample.Articles()
	if err == nil {
		articles = articles[:3]
		err = st.Put(t.Context(), articles...)
	}
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"remove", "-store", db, articles[0].Slug}, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("remove on PostgreSQL: %v", err)
	}
	var stored int
	if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM articles WHERE slug = $1", articles[0].Slug).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != 0 {
		t.Errorf("after remove, the article is still stored")
	}
	out.Reset()
	if err := Run(context.Background(), []string{"restore", "-store", db, "-list"}, noEnv, &out, io.Discard); err != nil || !strings.Contains(out.String(), articles[0].Slug) {
		t.Errorf("restore -list on PostgreSQL: %v\n%s", err, out.String())
	}
}
