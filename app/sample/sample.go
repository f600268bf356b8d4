// Package sample holds the articles Kiosque ships with: a small French,
// Arabic and English news site, so that a fresh install shows a working
// widget before any feed or WordPress site is connected.
package sample

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/sanitize"
	"github.com/kiosque/kiosque/app/store"
)

//go:embed articles.json
var articlesJSON []byte

// Articles decodes the bundled articles, oldest first. Each call returns a
// fresh slice that the caller may change. Their URLs are empty: the server
// fills in canonical ones.
func Articles() ([]news.Article, error) {
	dec := json.NewDecoder(bytes.NewReader(articlesJSON))
	dec.DisallowUnknownFields() // a misspelt field would otherwise vanish silently
	var articles []news.Article
	if err := dec.Decode(&articles); err != nil {
		return nil, fmt.Errorf("decode sample articles: %w", err)
	}
	return articles, nil
}

// Fill puts the sample articles into st when it holds none, and says how
// many it put.
func Fill(ctx context.Context, st store.Store) (int, error) {
	page, err := st.Articles(ctx, store.Query{Limit: 1})
	if err != nil {
		return 0, fmt.Errorf("fill the store with the sample: %w", err)
	}
	if len(page.Articles) > 0 {
		return 0, nil
	}
	articles, err := Articles()
	if err != nil {
		return 0, err
	}
	for i := range articles { // the store keeps HTML as it is given (store.Writer)
		articles[i].HTML = sanitize.Stored(articles[i].HTML)
	}
	if err := st.Put(ctx, articles...); err != nil {
		return 0, fmt.Errorf("fill the store with the sample: %w", err)
	}
	return len(articles), nil
}

// SiteName is the name of the site the sample makes: a publisher's own
// site is never called that.
const SiteName = "Kiosque Démo"

// Stored returns the sample articles st still holds: those of the bundled
// slugs that still come from the sample's source.
func Stored(ctx context.Context, st store.Reader) ([]news.Article, error) {
	bundled, err := Articles()
	if err != nil {
		return nil, err
	}
	source := map[string]string{}
	slugs := make([]string, 0, len(bundled))
	for _, a := range bundled {
		source[a.Slug] = a.Source
		slugs = append(slugs, a.Slug)
	}
	found, err := st.ArticlesBySlug(ctx, slugs)
	if err != nil {
		return nil, fmt.Errorf("look for sample articles: %w", err)
	}
	var stored []news.Article
	for _, a := range found {
		if a.Source == source[a.Slug] {
			stored = append(stored, a)
		}
	}
	return stored, nil
}

// Clear removes the sample articles st still holds, so that they never
// mix with a publisher's own, and says how many it removed.
func Clear(ctx context.Context, st store.Store) (int, error) {
	stored, err := Stored(ctx, st)
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, a := range stored {
		err := st.Delete(ctx, a.Slug)
		if errors.Is(err, store.ErrNotFound) { // another server was first
			continue
		}
		if err != nil {
			return removed, fmt.Errorf("remove sample article %s: %w", a.Slug, err)
		}
		removed++
	}
	return removed, nil
}
