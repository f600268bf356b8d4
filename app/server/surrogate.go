package server

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/ui"
)

// surrogateKeys name what an answer shows, so that a CDN in front of
// Kiosque can purge by article or section: Fastly reads Surrogate-Key
// (keys apart by spaces), Cloudflare Cache-Tag (by commas). Every answer
// carries "kiosque"; lists of the newest articles carry "latest"; the
// answers that show an article's "you may also like" list carry its
// related key, so that a change of the list purges them alone, not every
// answer that shows the article.
type surrogateKeys []string

// The key of an article is "a" and the first 10 hex digits of the SHA-256
// of its slug, carried by every answer that shows it; a section's is "s"
// and those of its slug's, carried by the answers that list the section
// (not by every answer that shows one of its articles: a new article in
// it purges its lists, not the pages of its other articles). Short: a
// widget names a dozen articles, and every answer carries its keys twice.
func articleKey(slug string) string { return ArticleKey(slug) }
func sectionKey(slug string) string { return SectionKey(slug) }

// ArticleKey is the key a CDN purges an article's answers by.
func ArticleKey(slug string) string { return shortKey("a", slug) }

// SectionKey is the key of the answers that list a section's articles.
func SectionKey(slug string) string { return shortKey("s", slug) }

// RelatedKey is the key of the answers that show the article's "you may
// also like" list: its page, its widgets, its related articles.
func RelatedKey(slug string) string { return shortKey("r", slug) }

// LatestKey is the key of the answers that list the newest articles.
const LatestKey = latestKey

func shortKey(kind, slug string) string {
	sum := sha256.Sum256([]byte(slug))
	return kind + hex.EncodeToString(sum[:5])
}

const latestKey = "latest"

// keysOf names the articles given.
func keysOf(articles ...news.Article) surrogateKeys {
	var k surrogateKeys
	return k.with(articles...)
}

func (k surrogateKeys) with(articles ...news.Article) surrogateKeys {
	for _, a := range articles {
		k = append(k, articleKey(a.Slug))
	}
	return k
}

// viewKeys names what a page shows.
func viewKeys(v ui.View) surrogateKeys {
	var k surrogateKeys
	if v.Article != nil {
		k = append(k.with(*v.Article), RelatedKey(v.Article.Slug))
	}
	k = k.with(v.Related...).with(v.Articles...)
	if v.Category != nil {
		k = append(k, sectionKey(v.Category.Slug))
	}
	if v.Articles != nil || v.Categories != nil {
		k = append(k, latestKey)
	}
	return k
}

// set writes the keys, each once, after "kiosque".
func (k surrogateKeys) set(h http.Header) {
	seen := map[string]bool{"kiosque": true}
	all := []string{"kiosque"}
	for _, key := range k {
		if !seen[key] {
			seen[key] = true
			all = append(all, key)
		}
	}
	h.Set("Surrogate-Key", strings.Join(all, " "))
	h.Set("Cache-Tag", strings.Join(all, ","))
}
