// Package sample holds the articles Kiosque ships with: a small French,
// Arabic and English news site, so that a fresh install shows a working
// widget before any feed or WordPress site is connected.
package sample

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/kiosque/kiosque/app/news"
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
	if err := st.Put(ctx, articles...); err != nil {
		return 0, fmt.Errorf("fill the store with the sample: %w", err)
	}
	return len(articles), nil
}
