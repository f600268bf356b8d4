// Package sanitize turns the HTML that feeds and WordPress send into what
// Kiosque stores: inert HTML under a strict allow-list, plain-text
// paragraphs, plain-text titles and excerpts, and safe absolute URLs.
package sanitize

import (
	"bytes"
	stdhtml "html"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/kiosque/kiosque/app/mediakey"
)

// Sanitizer holds the policies. It is safe for concurrent use.
type Sanitizer struct {
	body  *bluemonday.Policy // what an article body may keep
	strip *bluemonday.Policy // nothing: for titles and names
}

// New returns a Sanitizer.
func New() *Sanitizer {
	body := bluemonday.NewPolicy()
	body.AllowElements("p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
		"em", "strong", "i", "b", "small", "sub", "sup",
		"ul", "ol", "li", "blockquote", "figure", "figcaption")
	body.AllowAttrs("href").OnElements("a")
	body.AllowAttrs("src").OnElements("img")
	body.AllowAttrs("alt").OnElements("img")
	body.AllowAttrs("width", "height").Matching(bluemonday.Integer).OnElements("img")
	body.AllowURLSchemes("http", "https")
	body.RequireParseableURLs(true)
	// Relative URLs were made absolute before the policy runs (see HTML);
	// any left could not be resolved and are dropped.
	body.AllowRelativeURLs(false)
	body.RequireNoFollowOnLinks(true)
	// Adds target="_blank" and, with it, rel="noopener": inside the widget's
	// iframe a link must open outside it.
	body.AddTargetBlankToFullyQualifiedLinks(true)

	strip := bluemonday.StrictPolicy()
	strip.AddSpaceWhenStrippingTag(true)
	return &Sanitizer{body: body, strip: strip}
}

// HTML returns raw (an HTML fragment from a source) as safe HTML: relative
// links and images are resolved against base, headings start at h2 (the
// page's title is the h1), and everything outside the allow-list is
// dropped. Text without any markup is split into paragraphs on blank lines.
func (s *Sanitizer) HTML(raw, base string) string {
	raw = FixUTF8(raw)
	if strings.TrimSpace(raw) == "" {
		return ""
	}
	if !strings.Contains(raw, "<") {
		raw = textToHTML(raw)
	}
	nodes, err := parseFragment(raw)
	if err != nil {
		return ""
	}
	root := &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	baseURL, err := url.Parse(base)
	if err != nil || base == "" {
		baseURL = nil
	}
	prepare(root, baseURL)
	var buf bytes.Buffer
	for n := root.FirstChild; n != nil; n = n.NextSibling {
		if err := html.Render(&buf, n); err != nil {
			return ""
		}
	}
	return strings.TrimSpace(s.body.Sanitize(buf.String()))
}

// Stored returns html as a store keeps it: under the allow-list of HTML,
// with the images Kiosque serves itself (src="/media/…", as ingest points
// them) kept, but without HTML's other work (resolving URLs, making
// paragraphs of text). HTML's output, its images pointed at /media/, goes
// through unchanged; anything else loses what the allow-list refuses.
// Every writer of the store runs it before writing (stores keep the HTML
// they are given), so that no script is ever stored.
func (s *Sanitizer) Stored(html string) string {
	if html == "" {
		return ""
	}
	// The allow-list takes only absolute URLs: the local images cross it
	// under a name no site has, and come back.
	html = localImage.ReplaceAllString(FixUTF8(html), `src="`+localAbroad+mediakey.Prefix+`$1"`)
	html = s.body.Sanitize(html)
	return strings.TrimSpace(localImageAbroad.ReplaceAllString(html, `src="`+mediakey.Prefix+`$1"`))
}

// Stored is (*Sanitizer).Stored with a sanitizer built once (its policies
// are read-only after, and safe for concurrent use): what every writer of
// the store does to an article's HTML before writing it.
func Stored(html string) string { return stored().Stored(html) }

var stored = sync.OnceValue(New)

// localImage is the src of an image Kiosque serves itself: a path of
// mediakey's. Any other relative src is dropped. localImageAbroad is it
// while the allow-list runs, on a host no site has (.invalid is reserved).
const localAbroad = "https://local.kiosque.invalid"

var (
	localImage       = regexp.MustCompile(`src="` + mediakey.RefPattern + `"`)
	localImageAbroad = regexp.MustCompile(`src="` + regexp.QuoteMeta(localAbroad) + mediakey.RefPattern + `"`)
)

// Text returns the plain text of an HTML fragment (a title, a name): tags
// stripped, entities decoded, whitespace collapsed.
func (s *Sanitizer) Text(raw string) string {
	return collapseSpace(stdhtml.UnescapeString(s.strip.Sanitize(FixUTF8(raw))))
}

// Paragraphs returns the text of each block of safe (the output of HTML) as
// plain-text paragraphs.
func Paragraphs(safe string) []string {
	nodes, err := parseFragment(safe)
	if err != nil {
		return nil
	}
	var (
		paras []string
		buf   strings.Builder
	)
	flush := func() {
		// Two line breaks in a row end a paragraph; one is a space.
		for _, chunk := range blankLines.Split(buf.String(), -1) {
			if t := collapseSpace(chunk); t != "" {
				paras = append(paras, t)
			}
		}
		buf.Reset()
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			buf.WriteString(strings.ReplaceAll(n.Data, "\n", " "))
		case html.ElementNode:
			if n.DataAtom == atom.Br {
				buf.WriteByte('\n')
				return
			}
			block := isBlock(n.DataAtom)
			if block {
				flush()
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
			if block {
				flush()
			}
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	flush()
	return paras
}

// Excerpt cuts text to at most max characters, on a word boundary, marking
// the cut with an ellipsis.
func Excerpt(text string, max int) string {
	text = collapseSpace(text)
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	runes := []rune(text)
	cut := string(runes[:max])
	if i := strings.LastIndexFunc(cut, isCollapsibleSpace); i > max/2 {
		cut = cut[:i]
	}
	return strings.TrimRightFunc(cut, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) + "…"
}

// URL returns raw resolved against base as an absolute http(s) URL, or ""
// if it is anything else (javascript:, data:, unparseable).
func URL(raw, base string) string {
	b, err := url.Parse(base)
	if err != nil || base == "" {
		b = nil
	}
	return absolute(raw, b)
}

// absolute is URL with base parsed (nil for none).
func absolute(raw string, base *url.URL) string {
	raw = strings.TrimSpace(FixUTF8(raw))
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// FixUTF8 replaces invalid UTF-8 with U+FFFD and drops control characters
// other than tab and newlines, which have no business in an article.
func FixUTF8(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, isBadControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isBadControl(r) {
			return -1
		}
		return r
	}, s)
}

func isBadControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f
}

var blankLines = regexp.MustCompile(`\n[ \t\r]*\n\s*`)

func textToHTML(text string) string {
	var b strings.Builder
	for _, chunk := range blankLines.Split(strings.ReplaceAll(text, "\r\n", "\n"), -1) {
		if chunk = strings.TrimSpace(chunk); chunk != "" {
			b.WriteString("<p>")
			b.WriteString(chunk) // no "<" in it; entities stay entities
			b.WriteString("</p>")
		}
	}
	return b.String()
}

func parseFragment(s string) ([]*html.Node, error) {
	return html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"})
}

// prepare rewrites the parsed tree before the policy sees it: URLs made
// absolute, h1 demoted, images without a usable source removed (the policy
// would keep them as empty boxes), and layout containers (div, section,
// table cells…) turned into paragraphs or unwrapped, so that their texts
// don't run together once the policy strips them.
func prepare(n *html.Node, base *url.URL) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.H1:
			n.DataAtom, n.Data = atom.H2, "h2"
		case atom.A:
			resolveAttr(n, "href", base)
		case atom.Img:
			resolveAttr(n, "src", base)
		}
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case isImageWithoutSource(c, base):
			n.RemoveChild(c)
		case isContainer(c) && hasBlockChild(c):
			// Unwrap: its children take its place and are visited in turn.
			first := c.FirstChild
			for gc := c.FirstChild; gc != nil; {
				following := gc.NextSibling
				c.RemoveChild(gc)
				n.InsertBefore(gc, c)
				gc = following
			}
			n.RemoveChild(c)
			if first != nil {
				next = first
			}
		case isContainer(c):
			c.DataAtom, c.Data, c.Attr = atom.P, "p", nil
			prepare(c, base)
		default:
			prepare(c, base)
		}
		c = next
	}
}

// isContainer reports whether n is an element that only lays out blocks.
func isContainer(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	switch n.DataAtom {
	case atom.Div, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Main, atom.Aside,
		atom.Center, atom.Pre, atom.Address, atom.Details, atom.Summary, atom.Dl, atom.Dt, atom.Dd,
		atom.Table, atom.Thead, atom.Tbody, atom.Tfoot, atom.Tr, atom.Td, atom.Th, atom.Caption:
		return true
	}
	return false
}

func hasBlockChild(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (isBlock(c.DataAtom) || isContainer(c)) {
			return true
		}
	}
	return false
}

func isImageWithoutSource(n *html.Node, base *url.URL) bool {
	if n.Type != html.ElementNode || n.DataAtom != atom.Img {
		return false
	}
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == "src" {
			return absolute(a.Val, base) == ""
		}
	}
	return true
}

// resolveAttr makes the URL in attribute key absolute, or empties it (and
// the policy drops it) when it is not an http(s) URL with a host: "http:x"
// or "https:/x" would otherwise pass as http URLs, and a browser would read
// them as relative to the widget's own page, opening inside its frame.
func resolveAttr(n *html.Node, key string, base *url.URL) {
	for i, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			n.Attr[i].Val = absolute(a.Val, base)
		}
	}
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Li, atom.Ul, atom.Ol,
		atom.Blockquote, atom.Figure, atom.Figcaption, atom.Hr, atom.Div, atom.Section, atom.Article,
		atom.Table, atom.Tr, atom.Pre:
		return true
	}
	return false
}

// collapseSpace trims s and turns each run of whitespace into one space,
// keeping the no-break spaces French typography puts before ":", "%" or
// inside « ».
func collapseSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, isCollapsibleSpace), " ")
}

func isCollapsibleSpace(r rune) bool {
	return unicode.IsSpace(r) && r != '\u00a0' && r != '\u202f'
}
