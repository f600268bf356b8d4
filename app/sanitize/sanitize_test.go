package sanitize_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kiosque/kiosque/app/htmltest"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/sanitize"
)

func TestHTMLMakesHostilePayloadsInert(t *testing.T) {
	s := sanitize.New()
	payloads := string(ingesttest.Fixture(t, "hostile/payloads.html"))
	out := s.HTML(payloads, "https://example.ma/2024/03/post/")
	if err := htmltest.CheckInert(out); err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	for _, bad := range []string{"javascript", "expression(", "data:", "onerror", "onload", "<script", "<style", "<svg", "<iframe", "srcdoc"} {
		if strings.Contains(strings.ToLower(out), bad) {
			t.Errorf("output contains %q:\n%s", bad, out)
		}
	}
	// Text stays text: the escaped script in the last paragraph is shown.
	paras := sanitize.Paragraphs(out)
	if !slices.Contains(paras, "<script>window.__kiosquePwned=1</script> doit s’afficher comme du texte.") {
		t.Errorf("escaped markup lost; paragraphs: %q", paras)
	}
	// The safe parts survive.
	for _, want := range []string{`<a href="https://example.ma/ok" rel="nofollow noopener" target="_blank">lien sûr</a>`, `<img src="https://example.ma/ok.jpg" alt="ok"/>`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

func TestHTMLEachPayload(t *testing.T) {
	s := sanitize.New()
	for _, in := range []string{
		`<p>a<script>window.__kiosquePwned=1</script>b</p>`,
		`<img src=x onerror="window.__kiosquePwned=1">`,
		`<a href=" javascript:window.__kiosquePwned=1">x</a>`,
		`<a href="jav&#x09;ascript:window.__kiosquePwned=1">x</a>`,
		`<a href="data:text/html,<script>window.__kiosquePwned=1</script>">x</a>`,
		`<img src="data:image/svg+xml,<svg onload='window.__kiosquePwned=1'/>">`,
		`<p style="width: expression(window.__kiosquePwned=1)">x</p>`,
		`<svg><script>window.__kiosquePwned=1</script></svg>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=window.__kiosquePwned=1>`,
		`<noscript><p title="</noscript><img src=x onerror=window.__kiosquePwned=1>">`,
		`<![CDATA[<script>window.__kiosquePwned=1</script>]]>`,
		`<!-- <script>window.__kiosquePwned=1</script> -->`,
		`<scr<script>ipt>window.__kiosquePwned=1</script>`,
		`<a href="//evil.example/x" onclick=window.__kiosquePwned=1>x</a>`,
	} {
		out := s.HTML(in, "https://example.ma/")
		if err := htmltest.CheckInert(out); err != nil {
			t.Errorf("%s\n  -> %s\n  %v", in, out, err)
		}
	}
}

func TestHTMLResolvesRelativeURLsAndDemotesH1(t *testing.T) {
	out := sanitize.New().HTML(`<h1>Titre</h1><p><a href="/a">a</a> <img src="img/b.jpg" alt="b"></p>`, "https://example.ma/2024/post/")
	want := `<h2>Titre</h2><p><a href="https://example.ma/a" rel="nofollow noopener" target="_blank">a</a> <img src="https://example.ma/2024/post/img/b.jpg" alt="b"/></p>`
	if out != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
}

// "http:x" is an http URL without a host: a browser reads it as relative
// to the page it is on, the widget's, and the link would open in its frame.
func TestHTMLDropsHTTPURLsWithoutHost(t *testing.T) {
	s := sanitize.New()
	for _, tc := range []struct{ in, base string }{
		{`<a href="http:foo">x</a>`, "https://example.ma/"},
		{`<a href="https:/foo">x</a>`, "https://example.ma/"},
		{`<a href="http://">x</a>`, "https://example.ma/"},
		{`<a href="page">x</a>`, "http:"},
	} {
		if out := s.HTML(tc.in, tc.base); out != "<a>x</a>" && out != "x" {
			t.Errorf("HTML(%q, %q) = %q, want the link without its href", tc.in, tc.base, out)
		}
	}
}

func TestParagraphs(t *testing.T) {
	s := sanitize.New()
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"<p>Un <em>deux</em></p>\n<p>trois</p>", []string{"Un deux", "trois"}},
		{"<div><div>a <b>b</b></div><p>c</p></div>", []string{"a b", "c"}},
		{"ligne un\n\nligne &amp; deux", []string{"ligne un", "ligne & deux"}},
		{"a<br>b<br><br>c", []string{"a b", "c"}},
		{"<ul><li>x</li><li>y</li></ul><blockquote><p>z</p></blockquote>", []string{"x", "y", "z"}},
		{"<table><tr><td>t1</td><td>t2</td></tr></table>", []string{"t1", "t2"}},
		{"", nil},
	} {
		got := sanitize.Paragraphs(s.HTML(tc.in, ""))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	s := sanitize.New()
	for in, want := range map[string]string{
		"L&#8217;économie &laquo;&nbsp;résiste&nbsp;&raquo;": "L’économie «\u00a0résiste\u00a0»",
		"Tom &amp;amp; Jerry":                  "Tom &amp; Jerry", // decoded once only
		"<b>Gras</b> et <i>italique</i>":       "Gras et italique",
		"a <script>alert(1)</script>b":         "a b",
		"&lt;script&gt;x&lt;/script&gt; texte": "<script>x</script> texte",
		"  espaces \n multiples  ":             "espaces multiples",
	} {
		if got := s.Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("mot ", 100)
	got := sanitize.Excerpt(long, 300)
	if utf8.RuneCountInString(got) > 301 || !strings.HasSuffix(got, "mot…") {
		t.Errorf("Excerpt = %q (%d chars)", got, utf8.RuneCountInString(got))
	}
	if got := sanitize.Excerpt("court", 300); got != "court" {
		t.Errorf("Excerpt(court) = %q", got)
	}
	arabic := strings.Repeat("كلمة ", 100)
	if got := sanitize.Excerpt(arabic, 50); !utf8.ValidString(got) || !strings.HasSuffix(got, "كلمة…") {
		t.Errorf("Excerpt(arabic) = %q", got)
	}
}

func TestURL(t *testing.T) {
	for _, tc := range []struct{ in, base, want string }{
		{"https://example.ma/a", "", "https://example.ma/a"},
		{"/a?b=c", "https://example.ma/x/", "https://example.ma/a?b=c"},
		{"javascript:alert(1)", "https://example.ma/", ""},
		{" JAVASCRIPT:alert(1)", "https://example.ma/", ""},
		{"data:image/png;base64,AAAA", "https://example.ma/", ""},
		{"java\tscript:alert(1)", "https://example.ma/", ""},
		{"ftp://example.ma/f", "", ""},
		{"/relative-without-base", "", ""},
	} {
		if got := sanitize.URL(tc.in, tc.base); got != tc.want {
			t.Errorf("URL(%q, %q) = %q, want %q", tc.in, tc.base, got, tc.want)
		}
	}
}

func TestFixUTF8(t *testing.T) {
	got := sanitize.FixUTF8("ok \xff\xfe mal\x00 formé\x1b\n")
	if !utf8.ValidString(got) || got != "ok \uFFFD mal formé\n" {
		t.Errorf("FixUTF8 = %q", got)
	}
}

// Stored keeps what HTML made as it is, and makes anything else inert.
func TestStored(t *testing.T) {
	s := sanitize.New()
	inputs := []string{string(ingesttest.Fixture(t, "hostile/payloads.html"))}
	for _, p := range ingesttest.Posts(t, "wordpress/posts.json") {
		var post struct{ Content struct{ Rendered string } }
		if err := json.Unmarshal(p, &post); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, post.Content.Rendered)
	}
	for _, in := range inputs {
		safe := s.HTML(in, "https://example.ma/2024/03/post/")
		if got := s.Stored(safe); got != safe {
			t.Errorf("HTML's output changed when stored:\n %s\n->\n %s", safe, got)
		}
		raw := s.Stored(in)
		if err := htmltest.CheckInert(raw); err != nil {
			t.Errorf("%v in\n%s", err, raw)
		}
	}
	local := `<p><img src="/media/0123456789abcdef0123456789abcdef.webp" alt=""/></p>`
	if got := s.Stored(local); got != local {
		t.Errorf("a local image: %s", got)
	}
	for in, want := range map[string]string{
		`<p><img src="/media/../kiosque.db" alt=""/></p>`: `<p><img alt=""/></p>`,
		`<p><img src="/web/x.png" alt=""/></p>`:           `<p><img alt=""/></p>`,
		`<p>du texte</p><script>x</script>`:               `<p>du texte</p>`,
		``:                                                ``,
	} {
		if got := s.Stored(in); got != want {
			t.Errorf("Stored(%s) = %s, want %s", in, got, want)
		}
	}
}
