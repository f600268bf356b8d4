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
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// testKiosque is a server over a temporary SQLite store with the sample,
// with its background work running (it leads: the store is its own) and
// its related lists up to date.
func testKiosque(t *testing.T) (*kiosque, *sqlite.Store, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := fillWithSample(ctx, st, log); err != nil {
		t.Fatal(err)
	}
	k, err := newKiosque(log, st, serveConfig{dataDir: dir, webDir: "web", site: "Kiosque", frameAncestors: "*"})
	if err != nil {
		t.Fatal(err)
	}
	runKiosque(t, k)
	return k, st, dir
}

// Another writer (a second process in real life) changes the store; the
// leader's keeper brings the stored lists up to date, and the kept answers
// go.
func TestListsFollowOtherWriters(t *testing.T) {
	ctx := context.Background()
	k, st, dir := testKiosque(t)
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
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
	keepOne(t, k.answers)
	if err := other.Put(ctx, twin); err != nil {
		t.Fatal(err)
	}
	gone := articles[len(articles)-1].Slug
	if err := other.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}

	listed := func() bool {
		list, err := st.RelatedList(ctx, seed.Slug)
		return err == nil && slices.Contains(list, twin.Slug)
	}
	for deadline := time.Now().Add(5 * time.Second); !listed(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			list, _ := st.RelatedList(ctx, seed.Slug)
			t.Fatalf("the new article never joined its twin's stored list: %v", list)
		}
	}
	if s := k.answers.Stats(); s.Answers != 0 {
		t.Errorf("%d answers still kept after the store changed", s.Answers)
	}
	lists, err := st.RelatedLists(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := lists[gone]; ok {
		t.Error("the removed article still has a stored list")
	}
	for slug, list := range lists {
		if slices.Contains(list, gone) {
			t.Errorf("%s still lists the removed article", slug)
		}
	}
	if len(lists) != len(articles) {
		t.Errorf("%d lists stored for %d articles", len(lists), len(articles))
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

// The server drops nothing while the store does not change.
func TestAnswersStayWhileNothingChanges(t *testing.T) {
	ctx := context.Background()
	k, st, _ := testKiosque(t)
	time.Sleep(1500 * time.Millisecond) // the lists' own writes are followed
	keepOne(t, k.answers)
	drops := k.answers.Stats().Drops
	for range 3 {
		if _, err := st.Articles(ctx, store.Query{Limit: 5}); err != nil { // reads are no change
			t.Fatal(err)
		}
		time.Sleep(time.Second)
	}
	if s := k.answers.Stats(); s.Answers != 1 || s.Drops != drops {
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
// the kept answers before the poller goes on (nothing follows the store's
// changes here).
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
	k, err := newKiosque(log, st, serveConfig{dataDir: data, webDir: "web", site: "Kiosque", frameAncestors: "*"})
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
		k.imported(ctx)
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
