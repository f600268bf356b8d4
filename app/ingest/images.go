package ingest

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/sanitize"
	"github.com/kiosque/kiosque/app/store"
)

// selfHosted points the articles' images (the illustration and the <img>
// of the body) at mediakey.Path of their URL: the pages' CSP lets images come
// from Kiosque's own server only, which fetches them on first request. It
// returns the articles changed, their HTML as the store keeps it, and the
// media they now point at, each once.
func selfHosted(articles []store.Imported) ([]store.Imported, []store.Media) {
	seen := make(map[string]bool)
	var found []store.Media
	localize := func(src string) string {
		if !strings.HasPrefix(src, "https://") && !strings.HasPrefix(src, "http://") {
			return src // sanitized URLs are absolute: this one is already local
		}
		key := mediakey.Of(src)
		if !seen[key] {
			seen[key] = true
			found = append(found, store.Media{Key: key, URL: src})
		}
		return mediakey.Prefix + key
	}
	out := make([]store.Imported, len(articles))
	for i, it := range articles {
		if it.Article.Image != nil {
			img := *it.Article.Image // a copy: the pull's article is left as it was
			img.Src = localize(img.Src)
			it.Article.Image = &img
		}
		// The store keeps the HTML as it is given: what goes to it passes
		// the allow-list as stored articles do, now that its images are
		// local (see store.Writer).
		it.Article.HTML = sanitize.Stored(rewriteImages(it.Article.HTML, localize))
		out[i] = it
	}
	return out, found
}

// rewriteImages returns safe (sanitized HTML) with the src of each <img>
// replaced by rewrite(src). Everything else is copied byte for byte.
func rewriteImages(safe string, rewrite func(string) string) string {
	if !strings.Contains(safe, "<img") {
		return safe
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(safe))
	for {
		switch z.Next() {
		case html.ErrorToken: // the end: sanitized HTML holds nothing the tokenizer chokes on
			return b.String()
		case html.StartTagToken, html.SelfClosingTagToken:
			raw := string(z.Raw()) // before Token, which may change what Raw returns
			t := z.Token()
			if t.DataAtom != atom.Img {
				b.WriteString(raw)
				continue
			}
			for i, a := range t.Attr {
				if a.Namespace == "" && a.Key == "src" {
					t.Attr[i].Val = rewrite(a.Val)
				}
			}
			b.WriteString(t.String())
		default:
			b.Write(z.Raw())
		}
	}
}
