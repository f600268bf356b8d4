//go:build !wasm

package cli

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/pgtest"
	"github.com/kiosque/kiosque/app/store/postgres"
)

// restarts is how many times TestEverythingWorksAtOnceAfterPostgreSQLRestarts
// restarts the database.
const restarts = 20

// After PostgreSQL restarts, every connection a pool kept is dead. Under a
// running server and a second store handle, the database restarts 20
// times; after each restart, a write, an import, a beacon flush, a lock,
// a read of the server, `kiosque remove` and `kiosque sources` each
// succeed at their first try.
func TestEverythingWorksAtOnceAfterPostgreSQLRestarts(t *testing.T) {
	cluster := pgtest.Start(t)
	db := cluster.CreateDatabase(t, "restarts")
	base, log, stop := serveWith(t, noEnv, "-store", db, "-data", t.TempDir(), "-web", webDir)
	defer stop()
	st, err := postgres.Open(t.Context(), db, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	article := func(slug string) news.Article {
		return news.Article{Slug: slug, Title: "Après le redémarrage " + slug, Excerpt: "Tout revient.", Body: []string{"Tout revient."},
			Category: "Société", Lang: news.French, Published: time.Now().UTC().Add(-time.Minute)}
	}
	// Each step is tried once: a failure is the test's.
	for i := range restarts {
		cluster.Stop(t)
		cluster.Restart(t)
		ctx := t.Context()
		written, importedSlug := fmt.Sprintf("ecrit-%d", i), fmt.Sprintf("importe-%d", i)
		steps := []struct {
			what string
			do   func() error
		}{
			{"a write", func() error { return st.Put(ctx, article(written)) }},
			{"an import", func() error {
				_, err := st.ApplyImport(ctx, store.Import{Origin: "feed:https://example.ma/rss",
					Articles: []store.Imported{{OriginID: importedSlug, Article: article(importedSlug)}}})
				return err
			}},
			{"a beacon flush", func() error {
				return st.AddInsights(ctx, []store.InsightCount{{InsightKey: store.InsightKey{
					Hour: time.Now().Unix() / 3600, Article: written, Kind: store.InsightView}, N: 1}})
			}},
			{"a lock", func() error {
				lock, ok, err := st.TryLock(ctx, "restart test")
				if err == nil && !ok {
					err = fmt.Errorf("lock held")
				}
				if ok {
					lock.Release()
				}
				return err
			}},
			{"a read of the server", func() error { return serverShows(base, written) }},
			{"kiosque remove", func() error {
				return Run(ctx, []string{"remove", "-store", db, importedSlug}, noEnv, io.Discard, io.Discard)
			}},
			{"kiosque sources", func() error {
				var out bytes.Buffer
				err := Run(ctx, []string{"sources", "-store", db}, noEnv, &out, io.Discard)
				if err == nil && !strings.Contains(out.String(), "feed:https://example.ma/rss") {
					err = fmt.Errorf("the source is not listed:\n%s", out.String())
				}
				return err
			}},
		}
		for _, step := range steps {
			if err := step.do(); err != nil {
				t.Errorf("restart %d of %d: %s failed: %v", i+1, restarts, step.what, err)
			}
		}
		if t.Failed() {
			break
		}
	}
	if n := strings.Count(log.String(), "request failed"); n > 0 {
		t.Errorf("the server logged %d failed requests:\n%s", n, log)
	}
}

// serverShows asks the server for the article with this slug until it has
// it: a change announced reaches its answers within moments. Any answer
// but 200, or a 404 before the change arrives, is a failure.
func serverShows(base, slug string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(base + "/api/v1/articles/" + slug)
		if err != nil {
			return err
		}
		res.Body.Close()
		switch {
		case res.StatusCode == http.StatusOK:
			return nil
		case res.StatusCode != http.StatusNotFound:
			return fmt.Errorf("GET /api/v1/articles/%s: %s", slug, res.Status)
		case time.Now().After(deadline):
			return fmt.Errorf("GET /api/v1/articles/%s: still 404 after 10 s", slug)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
