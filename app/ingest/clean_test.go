package ingest

import (
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
)

func TestTrimMore(t *testing.T) {
	for in, want := range map[string]string{
		"Un résumé. […]":                                     "Un résumé.",
		"Un résumé [...]":                                    "Un résumé",
		"Un résumé… Continue reading “Le titre”":             "Un résumé…",
		"Un résumé. Lire la suite »":                         "Un résumé.",
		"Students read more books than ever, a survey finds": "Students read more books than ever, a survey finds",
	} {
		if got := trimMore(in); got != want {
			t.Errorf("trimMore(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSlugFor(t *testing.T) {
	for _, tc := range []struct {
		raw  Raw
		want string
	}{
		{Raw{Slug: "mon-article", Link: "https://example.ma/autre/"}, "mon-article"},
		{Raw{Link: "https://example.ma/2024/03/04/le-titre-du-lien/"}, "le-titre-du-lien"},
		{Raw{Link: "https://example.ma/news/article.html"}, "le-titre"},
		{Raw{Link: "https://example.ma/?p=123"}, "le-titre"},
		{Raw{Link: "https://example.ma/2024/12345"}, "le-titre"},
		{Raw{Slug: "%d8%a7%d9%84%d9%85%d8%ba%d8%b1%d8%a8"}, "المغرب"},
	} {
		if got := slugFor(tc.raw, "Le titre"); got != tc.want {
			t.Errorf("slugFor(%+v) = %q, want %q", tc.raw, got, tc.want)
		}
	}
	if got := slugFor(Raw{ID: "x"}, "!!!"); !strings.HasPrefix(got, "article-") {
		t.Errorf("slug of an unsluggable title = %q", got)
	}
	long := slugFor(Raw{}, strings.Repeat("économie marocaine ", 20))
	if len(long) > slugLength || strings.HasSuffix(long, "-") {
		t.Errorf("long slug %q (%d bytes)", long, len(long))
	}
}

func TestArticleSkipsWhatCannotBeAnArticle(t *testing.T) {
	c := NewCleaner(news.French)
	date := time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)
	for reason, raw := range map[string]Raw{
		"no identity (guid, link or id)": {Title: "T", Published: date},
		"no title":                       {ID: "1", Title: "<script>x</script>", Published: date},
		"no publication date":            {ID: "1", Title: "T"},
	} {
		if _, skipped := c.Article(raw, ""); skipped == nil || skipped.Reason != reason {
			t.Errorf("%+v: skipped %+v, want %q", raw, skipped, reason)
		}
	}
	imported, skipped := c.Article(Raw{ID: "1", Title: "Sans catégorie", Published: date, Content: "Le texte est là."}, "")
	if skipped != nil || imported.Article.Category != "Actualités" || imported.Article.Excerpt != "Le texte est là." {
		t.Errorf("defaults: %+v %+v", imported.Article, skipped)
	}
}
