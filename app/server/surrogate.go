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
// carries "kiosque"; lists of the newest articles carry "latest".
type surrogateKeys []string

// The key of an article is "a" and the first 10 hex digits of the SHA-256
// of its slug; a section's is "s" and those of its slug's. Short: a widget
// names a dozen articles, and every answer carries its keys twice.
func articleKey(slug string) string { return ArticleKey(slug) }
func sectionKey(slug string) string { return shortKey("s", slug) }

// ArticleKey is the key a CDN purges an article's answers by.
func ArticleKey(slug string) string { return shortKey("a", slug) }

func shortKey(kind, slug string) string {
	sum := sha256.Sum256([]byte(slug))
	return kind + hex.EncodeToString(sum[:5])
}

const latestKey = "latest"

// keysOf names the articles given and their sections.
func keysOf(articles ...news.Article) surrogateKeys {
	var k surrogateKeys
	return k.with(articles...)
}

func (k surrogateKeys) with(articles ...news.Article) surrogateKeys {
	for _, a := range articles {
		k = append(k, articleKey(a.Slug))
		if a.CategorySlug != "" {
			k = append(k, sectionKey(a.CategorySlug))
		}
	}
	return k
}

// viewKeys names what a page shows.
func viewKeys(v ui.View) surrogateKeys {
	var k surrogateKeys
	if v.Article != nil {
		k = k.with(*v.Article)
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
