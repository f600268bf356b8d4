package server

import (
	"context"
	"fmt"

	"github.com/kiosque/kiosque/app/insights/interleave"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
	"github.com/kiosque/kiosque/app/store"
)

// interleaved is a's carousel of at most limit articles merged from the
// ranker's list and the baseline's, as variant merges them, and the
// ranker credited with each. An answer per variant is kept, like any
// other (its query names the variant): the draw of a variant for a page
// view is the loader's, so that kept answers, and a CDN's, still serve
// every reader. Without a stored baseline list (the leader computes them
// within seconds) it is the ranker's list alone.
func (s *server) interleaved(ctx context.Context, a news.Article, limit, variant int) ([]news.Article, []string, error) {
	ranked, err := s.related(ctx, a, params.MaxEmbedLimit)
	if err != nil {
		return nil, nil, err
	}
	slugs, err := s.Insights.Baseline.BaselineList(ctx, a.Slug)
	if err != nil {
		return nil, nil, fmt.Errorf("baseline related to %q: %w", a.Slug, err)
	}
	if slugs == nil {
		return news.Summaries(ranked[:min(limit, len(ranked))]), nil, nil
	}
	baseline, err := s.Store.ArticlesBySlug(ctx, slugs)
	if err != nil {
		return nil, nil, fmt.Errorf("baseline related to %q: %w", a.Slug, err)
	}
	bySlug := map[string]news.Article{}
	for _, b := range append(ranked, baseline...) {
		bySlug[b.Slug] = b
	}
	merged, teams := interleave.Merge(slugsOf(ranked), slugsOf(baseline), limit, variant)
	articles := make([]news.Article, len(merged))
	credits := make([]string, len(merged))
	for i, slug := range merged {
		articles[i] = bySlug[slug]
		credits[i] = store.RankerKiosque
		if teams[i] == interleave.B {
			credits[i] = store.RankerBaseline
		}
	}
	return news.Summaries(articles), credits, nil
}

func slugsOf(articles []news.Article) []string {
	out := make([]string, len(articles))
	for i, a := range articles {
		out[i] = a.Slug
	}
	return out
}
