//go:build !wasm

package main

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/related"
	"github.com/kiosque/kiosque/app/sample"
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
	index := related.NewIndex(related.DefaultOptions())
	index.Put(articles...)
	seen, err := st.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w := &storeWatcher{st: st, index: index, log: slog.New(slog.NewTextHandler(io.Discard, nil)), seen: seen}

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

	if err := w.sync(ctx); err != nil {
		t.Fatal(err)
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
