package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/htmltest"
	"github.com/kiosque/kiosque/app/news"
	"golang.org/x/net/html"
)

// FuzzPrerenderedText: whatever an imported article or section holds, a
// browser reading the prerendered card and carousel reads it back exactly,
// in attributes (the link, the picture's text, the carousel's name) and in
// text, but for what HTML itself cannot carry (asHTMLReads).
func FuzzPrerenderedText(f *testing.F) {
	for _, seed := range []string{
		"", "plain", "Économie", "قد يعجبك", hostile, `a "b" 'c'`, `a\b\\c`, "x & y &amp; &#34; &lt;",
		"true", "false", " true", "\u200c\u200d\u200e\u202e", "tab\there", "cr\rlf\r\n", "nul\x00",
		"bad\xffutf8\xc3", "\u0080\u0085\u009f", "\ufffe\uffff", "\U0010ffff", "}}{{", "<!-- x -->", "]]>",
		"javascript:alert(1)", "/a/x?q=\"><script>window.pwned=1</script>",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := testArticle("x", news.French)
		a.Title, a.Image.Alt = s, s
		doc := parse(t, &Card{Article: a, Lang: news.French, Href: s})
		imgs, links := htmltest.All(doc, tagIs("img")), htmltest.All(doc, htmltest.Class("card-link"))
		if len(imgs) != 1 || len(links) != 1 {
			t.Fatalf("%q: %d pictures and %d links, want one each", s, len(imgs), len(links))
		}
		same(t, "the picture's alt", attrOf(imgs[0], "alt"), s, asHTMLReads(s, false))
		same(t, "the link's href", attrOf(links[0], "href"), s, asHTMLReads(s, false))
		same(t, "the title", textOf(links[0]), s, asHTMLReads(s, true))

		doc = parse(t, &Carousel{ID: "c", Label: s, Lang: news.French, Articles: []news.Article{a}})
		tracks := htmltest.All(doc, htmltest.Class("carousel-track"))
		headings := htmltest.All(doc, htmltest.Class("carousel-heading"))
		if len(tracks) != 1 || len(headings) != 1 {
			t.Fatalf("%q: %d tracks and %d headings, want one each", s, len(tracks), len(headings))
		}
		same(t, "the carousel's aria-label", attrOf(tracks[0], "aria-label"), s, asHTMLReads(s, false))
		same(t, "the carousel's heading", textOf(headings[0]), s, asHTMLReads(s, true))
		if scripts := htmltest.All(doc, tagIs("script")); len(scripts) > 0 {
			t.Fatalf("%q made a script element", s)
		}
	})
}

func same(t *testing.T, what, got, in, want string) {
	t.Helper()
	if got != want {
		t.Fatalf("%s of %q reads %q, want %q", what, in, got, want)
	}
}

// asHTMLReads is s as a browser reads it back from HTML written to carry
// it: what HTML cannot carry is replaced the way browsers replace it.
func asHTMLReads(s string, text bool) string {
	if text {
		// The parser reads every line break as \n and drops NULs in text
		// (go-app writes text with html.EscapeString, which keeps both).
		// Bytes that are not UTF-8 are left to the browser's decoder.
		return strings.NewReplacer("\r\n", "\n", "\r", "\n", "\x00", "").Replace(s)
	}
	// attr writes bytes that are not UTF-8 as U+FFFD, and go-app trims
	// attribute values, in the browser too.
	s = strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 0:
			// A NUL is never read from HTML, written or referred to.
			b.WriteRune('\uFFFD')
		case r >= 0x80 && r <= 0x9f:
			// Go's quoting escapes a C1 control, and HTML reads its
			// character reference as the Windows-1252 character of that
			// byte, as browsers do.
			b.WriteString(html.UnescapeString(fmt.Sprintf("&#%d;", r)))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
