//go:build !wasm

package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/related"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// Another writer (a second process in real life) changes the store; the
// watcher brings the index up to date.
func TestStoreWatcherFollowsOtherWriters(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, articles...); err != nil {
		t.Fatal(err)
	}
	w, err := newStoreWatcher(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	index := related.NewIndex(related.DefaultOptions())
	index.Put(articles...)
	kept := answers.NewCache(0)
	w.index, w.answers = index, kept
	keepOne(t, kept)

	other, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	seed := articles[0]
	for _, a := range articles {
		if a.Slug == "hammouchi-examine-a-vienne-les-defis-du-terrorisme" {
			seed = a
		}
	}
	// The same subject in other words: not a duplicate, which lists drop.
	twin := seed
	twin.Slug = "renseignement-cooperation-antiterroriste-renforcee"
	twin.Title = "Renseignement : la coopération antiterroriste avec les partenaires du Golfe renforcée"
	twin.Excerpt = "La DGSN et la DGST renforcent l’échange de renseignements sur Daech et Al-Qaïda."
	twin.Body = []string{
		"La direction générale de la sécurité nationale et la direction générale de la surveillance du territoire ont signé de nouveaux accords d’échange de renseignements avec leurs homologues du Golfe, pour suivre les organisations terroristes Daech et Al-Qaïda.",
		"Ces accords portent sur le financement du terrorisme, les méthodes de cryptage des fonds et la propagande en ligne, ainsi que sur l’évaluation des menaces sécuritaires régionales à court et moyen terme.",
		"Les services de sécurité marocains, présents dans les instances internationales de lutte contre le terrorisme, partagent leur expérience de la coopération sécuritaire avec leurs partenaires.",
	}
	twin.Published = seed.Published.Add(24 * time.Hour)
	if err := other.Put(ctx, twin); err != nil {
		t.Fatal(err)
	}
	gone := articles[len(articles)-1].Slug
	if err := other.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}

	if err := w.syncIfChanged(ctx); err != nil {
		t.Fatal(err)
	}
	if s := kept.Stats(); s.Answers != 0 {
		t.Errorf("%d answers still kept after the store changed", s.Answers)
	}
	if index.Len() != len(articles) {
		t.Errorf("index holds %d articles, the store %d", index.Len(), len(articles))
	}
	if got := index.Related(seed.Slug, 6); !slices.Contains(got, twin.Slug) {
		t.Errorf("the new article is not related to its twin: %v", got)
	}
	if got := index.Related(gone, 6); got != nil {
		t.Errorf("the removed article still has a list: %v", got)
	}
	for _, a := range articles {
		if slices.Contains(index.Related(a.Slug, 12), gone) {
			t.Errorf("%s still lists the removed article", a.Slug)
		}
	}
}

// keepOne puts an answer in the cache.
func keepOne(t *testing.T, kept *answers.Cache) {
	t.Helper()
	kept.Serve(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil), "k", func(context.Context) answers.Answer {
		return answers.Answer{Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("kept")}
	})
	if s := kept.Stats(); s.Answers != 1 {
		t.Fatalf("%d answers kept, want 1", s.Answers)
	}
}

// The watcher drops nothing while the store does not change.
func TestStoreWatcherKeepsAnswersWhileNothingChanges(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, err := newStoreWatcher(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	kept := answers.NewCache(0)
	w.index, w.answers = related.NewIndex(related.DefaultOptions()), kept
	keepOne(t, kept)
	for range 3 {
		if _, err := st.Articles(ctx, store.Query{Limit: 5}); err != nil { // reads are no change
			t.Fatal(err)
		}
		if err := w.syncIfChanged(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if s := kept.Stats(); s.Answers != 1 || s.Drops != 0 {
		t.Errorf("the answers were dropped with no change to the store: %+v", s)
	}
}

// freshFeed is an RSS feed of one article published now, titled title.
func freshFeed(title string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Le Quotidien</title><link>https://quotidien.example</link><description>Les nouvelles</description><language>fr-FR</language>
<item><title>` + title + `</title><link>https://quotidien.example/` + store.Slugify(title) + `/</link>
<pubDate>` + time.Now().UTC().Add(-time.Minute).Format(time.RFC1123Z) + `</pubDate><category>Société</category>
<guid isPermaLink="false">https://quotidien.example/?p=` + store.Slugify(title) + `</guid>
<description>Un résumé de la nouvelle.</description></item>
</channel></rss>`)
}

// shows reports whether the answers at every path show text.
func shows(t *testing.T, base, text string, paths ...string) bool {
	t.Helper()
	for _, p := range paths {
		res, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(body), text) {
			return false
		}
	}
	return true
}

// The pages, the widget and the API a running server keeps change when
// another process (here `kiosque ingest`, on its own connection to the
// store) imports an article: within the watcher's period of a second.
func TestAnImportByAnotherProcessShowsWithinASecondOrTwo(t *testing.T) {
	data := t.TempDir()
	base, stop := serveUntilCancelled(t, "-data", data, "-web", "web")
	defer stop()
	paths := []string{"/", "/embed?category=societe&lang=fr", "/api/v1/articles"}
	const title = "Une nouvelle arrivée par une autre porte"
	if shows(t, base, title, paths[:1]...) {
		t.Fatal("the article shows before its import")
	}
	for range 2 { // kept, and asked again from memory
		shows(t, base, title, paths...)
	}
	feed := httptest.NewServer(ingesttest.NewFeed(freshFeed(title), "application/rss+xml", false))
	defer feed.Close()
	if err := run(context.Background(), []string{"ingest", "-data", data, "-feed", feed.URL}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	imported := time.Now()
	for !shows(t, base, title, paths...) {
		if time.Since(imported) > 5*time.Second {
			t.Fatalf("5 s after the import, %v do not all show the new article", paths)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("the import showed after %s", time.Since(imported).Round(time.Millisecond))
}

// What this server's own poller imports shows at once: the import drops
// the kept answers before the poller goes on (no watcher runs here).
func TestAnImportByThisServerShowsAtOnce(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	st, err := sqlite.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := fillWithSample(ctx, st, log); err != nil {
		t.Fatal(err)
	}
	k, err := newKiosque(ctx, log, st, serveConfig{dataDir: data, webDir: "web", site: "Kiosque", frameAncestors: "*"})
	if err != nil {
		t.Fatal(err)
	}
	srv := serveSite(t, k.site)
	paths := []string{"/", "/embed?category=societe&lang=fr", "/api/v1/articles"}
	const first, second = "Une première nouvelle du fil", "Une seconde nouvelle du fil"
	source := ingesttest.NewFeed(freshFeed(first), "application/rss+xml", false)
	feed := httptest.NewServer(source)
	defer feed.Close()

	imported := make(chan struct{}, 4)
	poller, err := newPoller(log, st, []string{"feed:" + feed.URL}, 300*time.Millisecond, news.French, func(ctx context.Context, c ingest.Change) {
		if err := k.watcher.sync(ctx); err != nil {
			t.Error(err)
		}
		imported <- struct{}{}
	})
	if err != nil {
		t.Fatal(err)
	}
	pollCtx, stopPolling := context.WithCancel(ctx)
	defer stopPolling()
	go poller.Run(pollCtx)
	<-imported
	if !shows(t, srv.URL, first, paths...) {
		t.Fatalf("right after the first import, %v do not show it", paths)
	}
	source.SetBody(freshFeed(second))
	<-imported
	if !shows(t, srv.URL, second, paths...) {
		t.Fatalf("right after the second import, %v do not show it", paths)
	}
}
