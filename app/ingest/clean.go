package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kiosque/kiosque/app/ingest/language"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/sanitize"
	"github.com/kiosque/kiosque/app/store"
)

// Raw is an item as a source gives it: HTML where the source has HTML,
// nothing cleaned yet.
type Raw struct {
	ID         string // identity at the source: GUID, link, post id
	Link       string // the canonical URL, maybe relative
	Slug       string // the source's own slug, if it has one (maybe %-encoded)
	Title      string // HTML
	Content    string // HTML, or plain text
	Excerpt    string // HTML
	Categories []string
	Tags       []string
	Author     string
	Published  time.Time
	Updated    time.Time
	Lang       string // as declared by the item or its site; maybe empty
	Image      *RawImage
	Source     string // the publication's name
}

// RawImage is an illustration as the source describes it.
type RawImage struct {
	URL           string
	Alt           string
	Width, Height int
}

// Limits of what is kept of an item.
const (
	excerptLength = 300 // characters
	titleLength   = 300
	slugLength    = 80 // bytes; the store may add a suffix
)

// Cleaner turns raw items into articles that are safe to store and show.
// It is safe for concurrent use.
type Cleaner struct {
	san      *sanitize.Sanitizer
	fallback news.Lang
}

// NewCleaner returns a Cleaner; fallback is the language of items whose
// language is neither declared nor recognisable.
func NewCleaner(fallback news.Lang) *Cleaner {
	if _, ok := news.ParseLang(string(fallback)); !ok {
		fallback = news.French
	}
	return &Cleaner{san: sanitize.New(), fallback: fallback}
}

// Sanitizer returns the sanitizer the cleaner uses.
func (c *Cleaner) Sanitizer() *sanitize.Sanitizer { return c.san }

// Article cleans r. base resolves relative links (the feed's or the site's
// URL). Items that cannot make an article are returned as Skipped.
func (c *Cleaner) Article(r Raw, base string) (store.Imported, *Skipped) {
	title := sanitize.Excerpt(c.san.Text(r.Title), titleLength)
	skip := func(reason string) (store.Imported, *Skipped) {
		return store.Imported{}, &Skipped{ID: r.ID, Title: title, Reason: reason}
	}
	if r.ID == "" {
		return skip("no identity (guid, link or id)")
	}
	if title == "" {
		return skip("no title")
	}
	if r.Published.IsZero() {
		return skip("no publication date")
	}
	link := sanitize.URL(r.Link, base)
	if link != "" {
		base = link // the post's own URL resolves its relative links
	}
	a := news.Article{
		URL:       link,
		Title:     title,
		HTML:      c.san.HTML(r.Content, base),
		Author:    c.san.Text(r.Author),
		Published: r.Published.UTC(),
		Updated:   r.Updated.UTC(),
		Source:    c.san.Text(r.Source),
	}
	if a.Updated.Before(a.Published) {
		a.Updated = a.Published
	}
	a.Body = sanitize.Paragraphs(a.HTML)
	a.Excerpt = sanitize.Excerpt(trimMore(c.san.Text(r.Excerpt)), excerptLength)
	if a.Excerpt == "" {
		a.Excerpt = sanitize.Excerpt(strings.Join(a.Body, " "), excerptLength)
	}
	a.Lang = language.Choose(r.Lang, a.Title+"\n"+a.Excerpt+"\n"+strings.Join(firstN(a.Body, 5), "\n"), c.fallback)
	categories := c.names(r.Categories)
	if len(categories) > 0 {
		a.Category = categories[0]
	} else {
		a.Category = defaultCategory(a.Lang)
	}
	a.Tags = dedupe(append(c.names(r.Tags), categories[min(1, len(categories)):]...))
	if r.Image != nil {
		if src := sanitize.URL(r.Image.URL, base); src != "" {
			a.Image = &news.Image{Src: src, Alt: c.san.Text(r.Image.Alt), Width: max(r.Image.Width, 0), Height: max(r.Image.Height, 0)}
		}
	}
	a.Slug = slugFor(r, title)
	return store.Imported{OriginID: r.ID, Article: a}, nil
}

func (c *Cleaner) names(raw []string) []string {
	var names []string
	for _, n := range raw {
		if n = c.san.Text(n); n != "" && store.Slugify(n) != "" {
			names = append(names, n)
		}
	}
	return names
}

// slugFor picks the wanted slug: the source's own, else the last segment of
// the link if it reads as words, else the title.
func slugFor(r Raw, title string) string {
	candidates := []string{r.Slug}
	if u, err := url.Parse(r.Link); err == nil {
		last := path.Base(strings.TrimRight(u.Path, "/"))
		last = strings.TrimSuffix(last, path.Ext(last))
		candidates = append(candidates, last)
	}
	candidates = append(candidates, title)
	for _, c := range candidates {
		if unescaped, err := url.PathUnescape(c); err == nil {
			c = unescaped // WordPress %-encodes Arabic slugs
		}
		if s := truncateSlug(store.Slugify(c)); readsAsWords(s) {
			return s
		}
	}
	sum := sha256.Sum256([]byte(r.ID))
	return "article-" + hex.EncodeToString(sum[:4])
}

// readsAsWords rejects slugs like "index", "12345" or "p", which make poor
// URLs.
func readsAsWords(s string) bool {
	if len([]rune(s)) < 3 || !store.ValidSlug(s) {
		return false
	}
	switch s {
	case "index", "article", "post", "story", "amp", "feed", "default":
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 && strings.Trim(s, "0123456789-") != ""
}

// truncateSlug keeps slugs short: cut at a dash when one is near the
// limit, else at a character boundary.
func truncateSlug(s string) string {
	if len(s) <= slugLength {
		return s
	}
	cut := s[:slugLength]
	for !utf8.ValidString(cut) {
		cut = cut[:len(cut)-1]
	}
	if i := strings.LastIndexByte(cut, '-'); i > slugLength/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, "-")
}

// trimMore removes the "[…]" and "Continue reading" WordPress and feeds
// append to excerpts.
func trimMore(s string) string {
	return strings.TrimSpace(moreMarker.ReplaceAllString(s, ""))
}

// moreMarker matches, at the very end, "[…]" or a "Continue reading" link
// (which themes follow with the post's title in quotes).
var moreMarker = regexp.MustCompile(`(?i)\s*(\[(…|\.\.\.)\]|(continue reading|lire la suite|read more)(\s+["“«].*["”»])?\s*[»→›…]*)\s*$`)

func defaultCategory(l news.Lang) string {
	switch l {
	case news.Arabic:
		return "أخبار"
	case news.English:
		return "News"
	}
	return "Actualités"
}

func dedupe(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := names[:0]
	for _, n := range names {
		if k := store.Slugify(n); !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func firstN(s []string, n int) []string { return s[:min(n, len(s))] }
