package sample

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

// imagesDir is web/images, where the server serves /web/images/ from.
const imagesDir = "../../web/images"

func articles(t *testing.T) []news.Article {
	t.Helper()
	all, err := Articles()
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func TestArticlesCounts(t *testing.T) {
	all := articles(t)
	if len(all) < 30 {
		t.Errorf("got %d articles, want at least 30", len(all))
	}

	byLang := map[news.Lang]int{}
	byCategory := map[string]int{}
	for _, a := range all {
		byLang[a.Lang]++
		byCategory[a.Category]++
	}
	for lang, want := range map[news.Lang]int{news.French: 15, news.Arabic: 5, news.English: 5} {
		if byLang[lang] < want {
			t.Errorf("%d articles in %q, want at least %d", byLang[lang], lang, want)
		}
	}
	if len(byCategory) < 6 {
		t.Errorf("got %d categories %v, want at least 6", len(byCategory), byCategory)
	}
	// The site's French taxonomy is used for every language, and each
	// section needs a few articles for related-article ranking to show.
	for _, c := range []string{"International", "Politique", "Économie", "Société", "Sport", "Culture", "Technologie"} {
		if byCategory[c] < 3 {
			t.Errorf("category %q has %d articles, want at least 3", c, byCategory[c])
		}
	}
	if len(byCategory) != 7 {
		t.Errorf("categories %v: want exactly the site's seven", byCategory)
	}
}

func TestArticlesAreStorable(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range articles(t) {
		if err := store.Validate(a); err != nil {
			t.Errorf("store.Validate: %v", err)
		}
		if seen[a.Slug] {
			t.Errorf("slug %q is used twice", a.Slug)
		}
		seen[a.Slug] = true
	}
}

func TestArticlesFields(t *testing.T) {
	first := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	for _, a := range articles(t) {
		if !isASCIISlug(a.Slug) {
			t.Errorf("%s: slug is not lowercase ASCII words joined by dashes", a.Slug)
		}
		if a.ID != 0 || a.URL != "" {
			t.Errorf("%s: id %d, url %q: both must be left for the server", a.Slug, a.ID, a.URL)
		}
		if strings.TrimSpace(a.Excerpt) == "" {
			t.Errorf("%s: empty excerpt", a.Slug)
		}
		if len(a.Body) < 3 {
			t.Errorf("%s: %d body paragraphs, want at least 3", a.Slug, len(a.Body))
		}
		for i, p := range a.Body {
			if strings.TrimSpace(p) == "" || strings.ContainsAny(p, "<>\n") {
				t.Errorf("%s: paragraph %d is empty or not plain one-line text", a.Slug, i+1)
			}
		}
		if a.HTML != "" {
			t.Errorf("%s: sample bodies are plain text, got HTML", a.Slug)
		}
		if n := len(a.Tags); n < 2 || n > 4 {
			t.Errorf("%s: %d tags, want 2 to 4", a.Slug, n)
		}
		if a.Source != "Kiosque Démo" {
			t.Errorf("%s: source %q", a.Slug, a.Source)
		}
		if a.Published.Before(first) || !a.Published.Before(last) {
			t.Errorf("%s: published %v, outside 2026-03-01 … 2026-11-27", a.Slug, a.Published)
		}
		if a.Published.Location() != time.UTC || a.Updated.Location() != time.UTC {
			t.Errorf("%s: dates must be UTC", a.Slug)
		}
		if a.Updated.Before(a.Published) {
			t.Errorf("%s: updated %v before published %v", a.Slug, a.Updated, a.Published)
		}
		// Attribute values are prerendered without HTML escaping, and the
		// title goes into alt/title/aria-label attributes.
		if strings.Contains(a.Title, `"`) {
			t.Errorf("%s: title contains a double quote", a.Slug)
		}
		if a.Lang == news.Arabic && !hasArabic(a.Title+a.Excerpt+a.Body[0]) {
			t.Errorf("%s: marked Arabic but written in another script", a.Slug)
		}
		if a.Lang != news.Arabic && hasArabic(a.Title+a.Excerpt+strings.Join(a.Body, "")) {
			t.Errorf("%s: marked %q but contains Arabic script", a.Slug, a.Lang)
		}
		if a.Lang == news.French && strings.Contains(a.Title+a.Excerpt+strings.Join(a.Body, ""), "'") {
			t.Errorf("%s: French text uses a typewriter apostrophe, want ’", a.Slug)
		}
	}
}

func TestRequiredArticles(t *testing.T) {
	bySlug := map[string]news.Article{}
	for _, a := range articles(t) {
		bySlug[a.Slug] = a
	}
	tests := []struct {
		slug, category, title, firstWords string
		published                         string
		paragraphs                        []int // allowed paragraph counts
	}{
		{
			slug:       "hammouchi-examine-a-vienne-les-defis-du-terrorisme",
			category:   "International",
			title:      "Hammouchi examine à Vienne les défis du terrorisme et renforce la coordination sécuritaire internationale.",
			firstWords: "Abdelatif Hammouchi, directeur général de la sécurité nationale et de la surveillance du territoire, a effectué une visite de travail à Vienne",
			published:  "2026-05-09T10:30:00Z",
			paragraphs: []int{7},
		},
		{
			slug:       "al-omrane-inaugure-son-agence-renovee-a-paris",
			category:   "Économie",
			title:      "Le groupe Al Omrane inaugure son agence rénovée à Paris.",
			firstWords: "Hier, le groupe Al Omrane a inauguré son",
			published:  "2026-05-08T09:00:00Z",
			paragraphs: []int{5, 6},
		},
	}
	for _, tt := range tests {
		a, ok := bySlug[tt.slug]
		if !ok {
			t.Errorf("missing article %q", tt.slug)
			continue
		}
		if a.Title != tt.title || a.Category != tt.category || a.Lang != news.French {
			t.Errorf("%s: got %q in %q (%s), want %q in %q (fr)", tt.slug, a.Title, a.Category, a.Lang, tt.title, tt.category)
		}
		if got := a.Published.Format(time.RFC3339); got != tt.published {
			t.Errorf("%s: published %s, want %s", tt.slug, got, tt.published)
		}
		if len(a.Body) == 0 || !strings.HasPrefix(a.Body[0], tt.firstWords) {
			t.Errorf("%s: body does not start with %q", tt.slug, tt.firstWords)
		}
		okCount := false
		for _, n := range tt.paragraphs {
			okCount = okCount || len(a.Body) == n
		}
		if !okCount {
			t.Errorf("%s: %d paragraphs, want one of %v", tt.slug, len(a.Body), tt.paragraphs)
		}
	}
	if a := bySlug["hammouchi-examine-a-vienne-les-defis-du-terrorisme"]; len(a.Body) == 7 {
		if want := "Cette visite consacre la position du Maroc en tant que partenaire de confiance"; !strings.HasPrefix(a.Body[6], want) {
			t.Errorf("seed article's last paragraph does not start with %q", want)
		}
	}
}

func TestArticleImages(t *testing.T) {
	withImage, without := 0, 0
	files := map[string]bool{}
	for _, a := range articles(t) {
		if a.Image == nil {
			without++
			continue
		}
		withImage++
		img := a.Image
		file, ok := strings.CutPrefix(img.Src, "/web/images/")
		if !ok || file == "" || path.Base(file) != file || !strings.HasSuffix(file, ".svg") {
			t.Errorf("%s: image src %q, want /web/images/<name>.svg", a.Slug, img.Src)
			continue
		}
		if strings.TrimSpace(img.Alt) == "" {
			t.Errorf("%s: image has no alt text", a.Slug)
		}
		if (a.Lang == news.Arabic) != hasArabic(img.Alt) {
			t.Errorf("%s: alt text %q is not in the article's language", a.Slug, img.Alt)
		}
		w, h, err := svgSize(filepath.Join(imagesDir, file))
		if err != nil {
			t.Errorf("%s: %v", a.Slug, err)
			continue
		}
		if w != img.Width || h != img.Height {
			t.Errorf("%s: %s is %dx%d, article declares %dx%d", a.Slug, file, w, h, img.Width, img.Height)
		}
		files[file] = true
	}
	// The UI must cope with both, so the sample exercises both.
	if withImage == 0 || without == 0 {
		t.Errorf("%d articles with an image, %d without: want some of each", withImage, without)
	}
	if len(files) < 10 {
		t.Errorf("%d distinct image files, want at least 10", len(files))
	}
}

// TestImageFilesAreSelfContained checks every bundled SVG, used or not: small,
// and with nothing that loads or runs anything.
func TestImageFilesAreSelfContained(t *testing.T) {
	names, err := filepath.Glob(filepath.Join(imagesDir, "*.svg"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no SVG files in %s (err %v)", imagesDir, err)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > 4096 {
			t.Errorf("%s: %d bytes, want at most 4 KB", name, len(data))
		}
		if _, _, err := svgSize(name); err != nil {
			t.Error(err)
		}
	}
}

// svgSize parses the SVG file and returns the size its viewBox gives,
// after checking that its width and height attributes agree and that it
// holds no text, script, foreign content or external reference.
func svgSize(name string) (width, height int, err error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	root := true
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, 0, errorf(name, "not well-formed XML: %v", err)
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch el.Name.Local {
		case "script", "text", "image", "foreignObject", "use", "style", "a", "iframe":
			return 0, 0, errorf(name, "has a <%s> element", el.Name.Local)
		}
		for _, at := range el.Attr {
			l := strings.ToLower(at.Name.Local)
			if l == "href" || strings.HasPrefix(l, "on") || strings.Contains(strings.ToLower(at.Value), "url(") {
				return 0, 0, errorf(name, "<%s> has an external reference or handler: %s=%q", el.Name.Local, at.Name.Local, at.Value)
			}
		}
		if !root {
			continue
		}
		root = false
		if el.Name.Local != "svg" || el.Name.Space != "http://www.w3.org/2000/svg" {
			return 0, 0, errorf(name, "root element is {%s}%s, want an SVG", el.Name.Space, el.Name.Local)
		}
		attr := map[string]string{}
		for _, at := range el.Attr {
			attr[at.Name.Local] = at.Value
		}
		box := strings.Fields(attr["viewBox"])
		if len(box) != 4 || box[0] != "0" || box[1] != "0" {
			return 0, 0, errorf(name, "viewBox %q, want \"0 0 W H\"", attr["viewBox"])
		}
		var err1, err2 error
		width, err1 = strconv.Atoi(box[2])
		height, err2 = strconv.Atoi(box[3])
		if err1 != nil || err2 != nil || width <= 0 || height <= 0 {
			return 0, 0, errorf(name, "viewBox %q has no whole positive size", attr["viewBox"])
		}
		if attr["width"] != box[2] || attr["height"] != box[3] {
			return 0, 0, errorf(name, "width %q height %q differ from viewBox %q", attr["width"], attr["height"], attr["viewBox"])
		}
	}
	if root {
		return 0, 0, errorf(name, "has no root element")
	}
	return width, height, nil
}

func errorf(name, format string, args ...any) error {
	return fmt.Errorf("%s: %s", filepath.Base(name), fmt.Sprintf(format, args...))
}

func isASCIISlug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func hasArabic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Arabic, r) {
			return true
		}
	}
	return false
}
