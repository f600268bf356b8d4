package related

import (
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/cases"

	"github.com/kiosque/kiosque/app/news"
)

// document is what the index keeps of an article: no text, only what
// ranking needs.
type document struct {
	slug      string
	lang      news.Lang
	category  string   // case-folded
	tags      []string // case-folded, sorted, unique
	published time.Time
	// fingerprint identifies the version indexed, to skip unchanged re-puts.
	fingerprint uint64

	counts   sparseVector // sublinear term counts, kept to re-weigh on a rebuild
	expanded sparseVector // unit tf-idf vector smoothed by feedback

	rawPosted      []uint32 // terms under which the plain vector is posted
	expandedPosted []uint32 // terms under which the expanded vector is posted

	neighbours []neighbour // best first, by rank key
	inbound    []uint32    // documents whose neighbour lists hold this one
}

// neighbour is one entry of a precomputed neighbour list.
type neighbour struct {
	doc       uint32
	relevance float32
	key       float64
}

// analysedArticle is an article's text turned into terms, done before the
// index lock is taken because it is the slow part of adding an article.
type analysedArticle struct {
	article news.Article
	lang    news.Lang
	// terms in order of first appearance, which keeps term numbering and so
	// every result deterministic, and their counts, a title word counting
	// TitleWeight times.
	terms  []string
	counts []float32
}

// analyzers keeps one analyzer per language, so that their caches of
// stemmed words serve a whole batch of articles.
type analyzers map[news.Lang]*analyzer

func (as *analyzers) analyse(a news.Article, titleWeight float64) analysedArticle {
	lang := a.Lang
	if _, ok := stemmers[lang]; !ok {
		lang = detectLanguage(a.Title + " " + a.Excerpt + " " + strings.Join(a.Body, " "))
	}
	if *as == nil {
		*as = make(analyzers)
	}
	an := (*as)[lang]
	if an == nil {
		an = newAnalyzer(lang)
		(*as)[lang] = an
	}
	aa := analysedArticle{article: a, lang: lang}
	index := make(map[string]int)
	count := func(term string, weight float32) {
		i, ok := index[term]
		if !ok {
			i = len(aa.terms)
			index[term] = i
			aa.terms = append(aa.terms, term)
			aa.counts = append(aa.counts, 0)
		}
		aa.counts[i] += weight
	}
	for _, t := range an.terms(nil, a.Title) {
		count(t, float32(titleWeight))
	}
	body := an.terms(nil, a.Excerpt)
	for _, p := range a.Body {
		body = an.terms(body, p)
	}
	for _, t := range body {
		count(t, 1)
	}
	return aa
}

// newDocument makes the document for an analysed article, numbering its
// terms in vocab.
func newDocument(aa analysedArticle, vocab *vocabulary) *document {
	fold := cases.Fold()
	a := aa.article
	var tags []string
	for _, t := range a.Tags {
		if t = fold.String(strings.TrimSpace(t)); t != "" {
			tags = append(tags, t)
		}
	}
	slices.Sort(tags)
	return &document{
		slug:        a.Slug,
		lang:        aa.lang,
		category:    fold.String(strings.TrimSpace(a.Category)),
		tags:        slices.Compact(tags),
		published:   a.Published,
		fingerprint: fingerprint(a),
		counts:      vocab.termCounts(aa.terms, aa.counts),
	}
}

// fingerprint hashes the fields of an article that ranking reads.
func fingerprint(a news.Article) uint64 {
	h := fnv.New64a()
	field := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	field(a.Title)
	field(a.Excerpt)
	for _, p := range a.Body {
		field(p)
	}
	field("\x01" + a.Category)
	for _, t := range a.Tags {
		field(t)
	}
	field("\x01" + string(a.Lang))
	field(a.Published.UTC().Format(time.RFC3339Nano))
	return h.Sum64()
}
