package sanitize_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/kiosque/kiosque/app/htmltest"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/sanitize"
)

// FuzzHTML: whatever a source sends, what the sanitizer returns holds no
// script element, no event handler attribute and no javascript: URL once
// a browser parses it (here x/net/html, the HTML5 parsing algorithm), and
// passes the allow-list check the hostile-content tests use. URL returns
// "" or an absolute http(s) URL.
func FuzzHTML(f *testing.F) {
	for _, seed := range []string{
		`<p>a<script>alert(1)</script>b</p>`,
		`<img src=x onerror="alert(1)">`,
		`<a href=" javascript:alert(1)">x</a>`,
		`<a href="jav&#x09;ascript:alert(1)">x</a>`,
		`<a href="&#106;avascript:alert(1)">x</a>`,
		`<a href="JaVaScRiPt&colon;alert(1)">x</a>`,
		`<a href="java&NewLine;script:alert(1)">x</a>`,
		"<a href=\"\x01javascript:alert(1)\">x</a>",
		`<a href="data:text/html,<script>alert(1)</script>">x</a>`,
		`<svg><script>alert(1)</script></svg>`,
		`<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
		`<scr<script>ipt>alert(1)</script>`,
		`<a href="//evil.example/x" OnClick=alert(1)>x</a>`,
		`<p style="width: expression(alert(1))">x</p>`,
		`<form><button formaction="javascript:alert(1)">x</button></form>`,
		`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
		`<div><table><tr><td><a href="/x">t</a></td></tr></table></div>`,
		"texte sans balise\n\nsecond paragraphe &lt;script&gt;",
		`<h1>Titre</h1><p><img src="img/b.jpg" alt="b" width="10" height="x"></p>`,
	} {
		f.Add(seed, "https://example.ma/2024/03/post/")
	}
	f.Add(string(ingesttest.Fixture(f, "hostile/payloads.html")), "https://example.ma/")
	f.Add(`<a href="x">x</a>`, "javascript:alert(1)//")
	s := sanitize.New()
	f.Fuzz(func(t *testing.T, raw, base string) {
		out := s.HTML(raw, base)
		if err := checkNoScript(out); err != nil {
			t.Fatalf("%v\nin:  %q\nout: %q", err, raw, out)
		}
		if err := htmltest.CheckInert(out); err != nil {
			t.Fatalf("%v\nin:  %q\nout: %q", err, raw, out)
		}
		sanitize.Paragraphs(out)
		s.Text(raw)
		if u := sanitize.URL(raw, base); u != "" {
			parsed, err := url.Parse(u)
			if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
				t.Fatalf("URL(%q, %q) = %q: not an absolute http(s) URL", raw, base, u)
			}
		}
	})
}

// checkNoScript parses fragment as a browser would, in a body, and
// reports the first script element, event handler or javascript: URL.
func checkNoScript(fragment string) error {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"})
	if err != nil {
		return fmt.Errorf("parse the output: %w", err)
	}
	var check func(n *html.Node) error
	check = func(n *html.Node) error {
		if n.Type == html.ElementNode {
			if strings.EqualFold(n.Data, "script") {
				return fmt.Errorf("a <script> element (namespace %q)", n.Namespace)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					return fmt.Errorf("an event handler %s=%q on <%s>", a.Key, a.Val, n.Data)
				}
				if isScriptURL(a.Val) {
					return fmt.Errorf("a script URL %s=%q on <%s>", a.Key, a.Val, n.Data)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if err := check(c); err != nil {
				return err
			}
		}
		return nil
	}
	for _, n := range nodes {
		if err := check(n); err != nil {
			return err
		}
	}
	return nil
}

// isScriptURL reports whether a browser would read v, an attribute value
// already decoded by the parser, as a javascript: (or vbscript:) URL: the
// URL standard strips leading and trailing C0 controls and spaces, and
// removes tabs and newlines anywhere, before it reads the scheme, in any
// case.
func isScriptURL(v string) bool {
	v = strings.TrimFunc(v, func(r rune) bool { return r <= 0x20 })
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v)
	scheme, _, ok := strings.Cut(v, ":")
	return ok && (strings.EqualFold(scheme, "javascript") || strings.EqualFold(scheme, "vbscript"))
}

func TestIsScriptURL(t *testing.T) {
	for v, want := range map[string]bool{
		"javascript:alert(1)":    true,
		" \x01JavaScript:x":      true,
		"java\tscr\nipt:x":       true,
		"vbscript:x":             true,
		"https://x/javascript:1": false,
		"javascriptx:1":          false,
		"/a:b":                   false,
	} {
		if got := isScriptURL(v); got != want {
			t.Errorf("isScriptURL(%q) = %v, want %v", v, got, want)
		}
	}
}
