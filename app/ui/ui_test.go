package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/htmltest"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"golang.org/x/net/html"
)

// hostile is text that breaks pages which do not escape it.
const hostile = `Tom "quoted" & <b>bold</b> \back\slash 'single' ` + "\u200c\u00a0zwnj" + ` </script><script>window.pwned=1</script>`

func testArticle(slug string, lang news.Lang) news.Article {
	return news.Article{
		Slug:         slug,
		Title:        "Title " + slug,
		Excerpt:      "Excerpt " + slug,
		Category:     "Économie",
		CategorySlug: "economie",
		Published:    time.Date(2026, 5, 9, 10, 30, 0, 0, time.UTC),
		Lang:         lang,
		Image:        &news.Image{Src: "/web/images/x.svg", Alt: "Alt " + slug, Width: 1200, Height: 675},
	}
}

// parse prerenders c and parses it as a browser would.
func parse(t *testing.T, c app.UI) *html.Node {
	t.Helper()
	doc, err := htmltest.Parse("<!DOCTYPE html><html><body>" + app.HTMLString(c) + "</body></html>")
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// Short names for the queries the tests make.
var (
	find   = htmltest.All
	attrOf = htmltest.Attr
	textOf = htmltest.Text
	tagIs  = htmltest.Tag
)

func TestHostileTextStaysInertWhenPrerendered(t *testing.T) {
	a := testArticle("hostile", news.French)
	a.Title = hostile
	a.Excerpt = hostile
	a.Image.Alt = hostile
	a.Image.Src = `/web/images/x.svg?"onerror="window.pwned=1`
	doc := parse(t, &Card{Article: a, Lang: news.French, Href: `/a/x?q="><script>window.pwned=1</script>`, Excerpt: true})

	if scripts := find(doc, tagIs("script")); len(scripts) > 0 {
		t.Errorf("the card made %d script elements", len(scripts))
	}
	imgs := find(doc, tagIs("img"))
	if len(imgs) != 1 {
		t.Fatalf("got %d images, want 1", len(imgs))
	}
	if got := attrOf(imgs[0], "alt"); got != hostile {
		t.Errorf("alt reads %q, want it as written: %q", got, hostile)
	}
	if got := attrOf(imgs[0], "src"); got != a.Image.Src {
		t.Errorf("src reads %q, want %q", got, a.Image.Src)
	}
	if attrOf(imgs[0], "onerror") != "" {
		t.Error("the image got an onerror attribute")
	}
	links := find(doc, tagIs("a"))
	if len(links) != 1 || attrOf(links[0], "href") != `/a/x?q="><script>window.pwned=1</script>` {
		t.Errorf("link href is not kept as written: %v", links)
	}
	if got := textOf(links[0]); got != hostile {
		t.Errorf("title reads %q, want %q", got, hostile)
	}
}

func TestAttrEscapesWhatGoQuotingWouldMangle(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":  "plain text",
		"Économie":    "Économie",
		"قد يعجبك":    "قد يعجبك",
		`a "b"`:       "a &#34;b&#34;",
		`a\b`:         "a&#92;b",
		"x & y":       "x &amp; y",
		"zw\u200cnj":  "zw&#8204;nj",
		"bad\xffutf8": "bad\uFFFDutf8",
		"true":        ariaTrue,
		" true\r\n":   ariaTrue,
		"\u00a0x\n":   "x",
	} {
		if got := attr(in); got != want {
			t.Errorf("attr(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWidgetSpeaksTheReadersLanguage(t *testing.T) {
	for _, tc := range []struct {
		lang            news.Lang
		dir, alsoLike   string
		slide, date     string
		previous, label string
	}{
		{news.French, "ltr", "Vous aimerez aussi", "1 sur 3", "9 mai 2026", "Précédent", "Économie"},
		{news.Arabic, "rtl", "قد يعجبك أيضا", "1 من 3", "9 مايو 2026", "السابق", "اقتصاد"},
		{news.English, "ltr", "You may also like", "1 of 3", "May 9, 2026", "Previous", "Economy"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			source := testArticle("source", news.French)
			v := View{
				Path: "/embed?article=source", Lang: tc.lang, Theme: params.ThemeDark,
				Embed:   &params.Embed{Article: "source", Limit: 3, Theme: params.ThemeDark, Layout: params.LayoutBoth, Target: "_top"},
				Article: &source,
				Related: []news.Article{testArticle("r1", news.French), testArticle("r2", news.Arabic), testArticle("r3", news.English)},
			}
			doc := parse(t, &Widget{View: v})
			roots := find(doc, func(n *html.Node) bool { return attrOf(n, "id") == "kiosque" })
			if len(roots) != 1 {
				t.Fatalf("got %d root elements", len(roots))
			}
			if attrOf(roots[0], "dir") != tc.dir || attrOf(roots[0], "lang") != string(tc.lang) || attrOf(roots[0], "data-theme") != "dark" {
				t.Errorf("root: dir %q lang %q theme %q", attrOf(roots[0], "dir"), attrOf(roots[0], "lang"), attrOf(roots[0], "data-theme"))
			}
			headings := find(doc, func(n *html.Node) bool {
				return n.Data == "h2" && strings.Contains(attrOf(n, "class"), "carousel-heading")
			})
			if len(headings) != 1 || textOf(headings[0]) != tc.alsoLike {
				t.Errorf("carousel heading: %v, want %q", headings, tc.alsoLike)
			}
			slides := find(doc, func(n *html.Node) bool { return attrOf(n, "aria-roledescription") == "slide" })
			if len(slides) != 3 || attrOf(slides[0], "aria-label") != tc.slide || attrOf(slides[0], "role") != "group" {
				t.Errorf("slides: got %d, first labelled %q, want 3 labelled %q", len(slides), attrOf(slides[0], "aria-label"), tc.slide)
			}
			cards := find(doc, tagIs("article"))
			if len(cards) != 4 {
				t.Fatalf("got %d cards, want the article and 3 related", len(cards))
			}
			if attrOf(cards[2], "dir") != "rtl" || attrOf(cards[2], "lang") != "ar" {
				t.Errorf("an Arabic card must be rtl whatever the reader's language")
			}
			times := find(doc, tagIs("time"))
			if textOf(times[0]) != tc.date || attrOf(times[0], "datetime") != "2026-05-09" {
				t.Errorf("date reads %q (%s), want %q", textOf(times[0]), attrOf(times[0], "datetime"), tc.date)
			}
			prev := find(doc, func(n *html.Node) bool { return strings.Contains(attrOf(n, "class"), "carousel-prev") })
			if len(prev) != 1 || attrOf(prev[0], "aria-label") != tc.previous || attrOf(prev[0], "type") != "button" {
				t.Errorf("previous button: %v", prev)
			}
			if !strings.Contains(textOf(doc), tc.label) {
				t.Errorf("section label %q missing", tc.label)
			}
			links := find(doc, tagIs("a"))
			for _, l := range links {
				if attrOf(l, "target") != "_top" || attrOf(l, "rel") != "noopener" {
					t.Errorf("widget link %s: target %q rel %q", attrOf(l, "href"), attrOf(l, "target"), attrOf(l, "rel"))
				}
			}
		})
	}
}

func TestWidgetLayouts(t *testing.T) {
	list := []news.Article{testArticle("a", news.French), testArticle("b", news.French), testArticle("c", news.French)}
	for layout, want := range map[params.Layout]struct{ grid, slides int }{
		params.LayoutCards:    {3, 0},
		params.LayoutCarousel: {0, 3},
		params.LayoutBoth:     {1, 2},
	} {
		v := View{Path: "/embed", Lang: news.French, Theme: params.ThemeAuto, Articles: list,
			Embed: &params.Embed{Limit: 3, Layout: layout, Theme: params.ThemeAuto, Target: "_blank"}}
		doc := parse(t, &Widget{View: v})
		grid := find(doc, func(n *html.Node) bool {
			return n.Data == "article" && n.Parent != nil && strings.Contains(attrOf(n.Parent, "class"), "card-grid")
		})
		slides := find(doc, func(n *html.Node) bool { return attrOf(n, "aria-roledescription") == "slide" })
		if len(grid) != want.grid || len(slides) != want.slides {
			t.Errorf("layout %s: %d cards in the grid and %d slides, want %d and %d", layout, len(grid), len(slides), want.grid, want.slides)
		}
	}
}

func TestCardWithoutImageKeepsItsShape(t *testing.T) {
	a := testArticle("bare", news.English)
	a.Image = nil
	doc := parse(t, &Card{Article: a, Lang: news.English, Href: "/a/bare"})
	if len(find(doc, tagIs("img"))) != 0 {
		t.Error("a card without image shows an img")
	}
	if len(find(doc, func(n *html.Node) bool { return strings.Contains(attrOf(n, "class"), "card-image-none") })) != 1 {
		t.Error("a card without image has no placeholder band")
	}
}

func TestImagesDeclareTheirSize(t *testing.T) {
	doc := parse(t, &Card{Article: testArticle("sized", news.French), Lang: news.French, Href: "/a/sized"})
	img := find(doc, tagIs("img"))[0]
	if attrOf(img, "width") != "1200" || attrOf(img, "height") != "675" || attrOf(img, "loading") != "lazy" {
		t.Errorf("img attributes: %v", img.Attr)
	}
}

func TestArticleHrefNeverLinksScripts(t *testing.T) {
	a := testArticle("safe", news.French)
	for _, u := range []string{"javascript:alert(1)", "data:text/html,x", "//evil.example/x", "", "ftp://x/y"} {
		a.URL = u
		if got := articleHref(a, true); got != "/a/safe" {
			t.Errorf("URL %q: links to %q, want our own page", u, got)
		}
	}
	a.URL = "https://publisher.example/2026/05/safe"
	if got := articleHref(a, true); got != a.URL {
		t.Errorf("got %q, want the publisher's page", got)
	}
}

// The prerendered page is what readers use until the app starts: its
// states must read as the app renders them (go-app's prerender writes
// disabled="false" and a bare aria-hidden).
func TestPrerenderedStatesReadAsRendered(t *testing.T) {
	articles := []news.Article{testArticle("a", news.French), testArticle("b", news.French), testArticle("c", news.French)}
	doc := parse(t, &Carousel{ID: "c", Label: "Liés", Lang: news.French, Articles: articles})
	for _, tc := range []struct {
		class    string
		disabled bool
	}{{"carousel-prev", true}, {"carousel-next", false}} {
		buttons := find(doc, func(n *html.Node) bool { return n.Data == "button" && strings.Contains(attrOf(n, "class"), tc.class) })
		if len(buttons) != 1 {
			t.Fatalf("%d %s buttons", len(buttons), tc.class)
		}
		if disabled := hasAttr(buttons[0], "disabled"); disabled != tc.disabled {
			t.Errorf("%s: disabled %v, want %v", tc.class, disabled, tc.disabled)
		}
	}
	for _, name := range []string{"aria-hidden", "aria-atomic"} {
		nodes := find(doc, func(n *html.Node) bool { return hasAttr(n, name) })
		if len(nodes) == 0 {
			t.Errorf("no %s in the carousel", name)
		}
		for _, n := range nodes {
			if v := attrOf(n, name); v != "true" {
				t.Errorf("<%s %s=%q>, want \"true\"", n.Data, name, v)
			}
		}
	}
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// In a frame of bounded height the widget takes its compact layout, and
// leaves out what would not fit.
func TestWidgetCompactLayouts(t *testing.T) {
	list := []news.Article{testArticle("a", news.French), testArticle("b", news.French), testArticle("c", news.French), testArticle("d", news.French)}
	for _, tc := range []struct {
		layout               params.Layout
		maxHeight            int
		grid, slides, excerp int
	}{
		{params.LayoutBoth, 750, 1, 3, 0},
		{params.LayoutBoth, 400, 1, 0, 0}, // the featured card alone
		{params.LayoutCards, 400, 2, 0, 0},
		{params.LayoutCards, 2000, 4, 0, 0},
		{params.LayoutCarousel, 400, 0, 4, 0},
		{params.LayoutBoth, 0, 1, 3, 1}, // not bounded: not compact
	} {
		v := View{Path: "/embed", Lang: news.French, Theme: params.ThemeLight, Articles: list,
			Embed: &params.Embed{Limit: 4, Layout: tc.layout, Theme: params.ThemeLight, Target: "_top", MaxHeight: tc.maxHeight}}
		doc := parse(t, &Widget{View: v})
		grid := find(doc, func(n *html.Node) bool {
			return n.Data == "article" && n.Parent != nil && strings.Contains(attrOf(n.Parent, "class"), "card-grid")
		})
		slides := find(doc, func(n *html.Node) bool { return attrOf(n, "aria-roledescription") == "slide" })
		excerpts := find(doc, func(n *html.Node) bool { return strings.Contains(attrOf(n, "class"), "card-excerpt") })
		compact := find(doc, func(n *html.Node) bool { return strings.Contains(attrOf(n, "class"), "widget-compact") })
		if len(grid) != tc.grid || len(slides) != tc.slides || len(excerpts) != tc.excerp || (len(compact) == 1) != (tc.maxHeight > 0) {
			t.Errorf("layout %s within %d px: %d cards, %d slides, %d excerpts, compact %v; want %d, %d, %d",
				tc.layout, tc.maxHeight, len(grid), len(slides), len(excerpts), len(compact) == 1, tc.grid, tc.slides, tc.excerp)
		}
	}
}
