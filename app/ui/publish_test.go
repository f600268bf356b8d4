package ui

import (
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
)

const testOrigin = "https://widget.example"

func codeFor(t *testing.T, query string, article *news.Article) embedCode {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	return newEmbedCode(choiceFromQuery(q), publishDefaults(params.ThemeLight), testOrigin, article, nil, "Le Site", news.French)
}

// Nothing chosen: the latest, every option at its default, none written,
// none refused.
func TestEmbedCodeOfTheDefaults(t *testing.T) {
	code := codeFor(t, "", nil)
	if len(code.errors) > 0 || len(code.options) > 0 {
		t.Errorf("defaults give options %v, errors %v", code.options, code.errors)
	}
	want := `<div class="kiosque-embed">` + "\n" + `  <a href="https://widget.example/">Le Site</a>` + "\n</div>\n" +
		`<script async src="https://widget.example/embed.js"></script>`
	if got := code.Snippet(); got != want {
		t.Errorf("snippet\n%s\nwant\n%s", got, want)
	}
	if got := code.WordPressURL(); got != testOrigin+"/embed" {
		t.Errorf("WordPress address %s", got)
	}
	// An option set to its default is left out too.
	if code := codeFor(t, "limit=6&widget-theme=light&layout=both&target=_top&wasm=intent&look=host", nil); len(code.options) > 0 || len(code.errors) > 0 {
		t.Errorf("options at their defaults give %v, errors %v", code.options, code.errors)
	}
}

// A value the widget does not take is refused, named, and left out of
// every form of the code; what reaches the code is escaped for it.
func TestEmbedCodeRefusesAndEscapesHostileValues(t *testing.T) {
	article := &news.Article{Slug: "un-article", Title: `Un "titre" <script>alert(1)</script> & co`}
	for _, tc := range []struct {
		query, refused string
	}{
		{"limit=13", "limit"},
		{"limit=abc", "limit"},
		{"widget-theme=purple", "theme"},
		{"widget-lang=de", "lang"},
		{"layout=grid", "layout"},
		{"target=_parent", "target"},
		{"wasm=never", "wasm"},
		{"look=%22%3E%3Cscript%3E", "look"},
		{"accent=red", "accent"},
		{"accent=%23abcd", "accent"},
		{"accent=%230a58ca%3Bbackground:url(x)", "accent"},
		{"font=Georgia%3B%7D*%7Bdisplay:none", "font"},
		{"font=a,b,c,d,e", "font"},
		{"font=" + strings.Repeat("Georgia", 40), "font"},
		{"font=%22%3E%3Cimg+src%3Dx%3E", "font"},
		{"radius=-1", "radius"},
		{"radius=99", "radius"},
		{"radius=25", "radius"},
		{"font=%22Georgia", "font"},
		{"radius=8em", "radius"},
		{"maxheight=0", "maxheight"},
	} {
		code := codeFor(t, tc.query, article)
		if _, ok := code.errors[tc.refused]; !ok || len(code.errors) != 1 {
			t.Errorf("%s: errors %v, want %s refused", tc.query, code.errors, tc.refused)
		}
		if _, ok := code.options[tc.refused]; ok {
			t.Errorf("%s: the code writes %s=%q", tc.query, tc.refused, code.options[tc.refused])
		}
		for _, form := range []string{code.Snippet(), code.Frame(article.Title, 500), code.WordPressURL()} {
			if strings.Contains(form, "<script>alert") || strings.Contains(form, "<img") || strings.Contains(form, `"titre"`) || strings.Contains(form, "display:none") {
				t.Errorf("%s: unescaped in %s", tc.query, form)
			}
		}
	}
}

// Each option lands where the widget reads it: the container's
// attributes, the frame's query (what the server reads) or fragment
// (the look and the placement, which no server sees), and for WordPress
// the article's page or the widget's address.
func TestEmbedCodeWritesEachOptionWhereItIsRead(t *testing.T) {
	article := &news.Article{Slug: "un-article", Title: "Un article"}
	code := codeFor(t, "article=https://widget.example/a/un-article&widget-theme=dark&widget-lang=ar&layout=cards&limit=4&target=_blank&wasm=eager&placement=Barre+lat%C3%A9rale!&look=kiosque&accent=%23ABC&font=Georgia,+serif&radius=8px", article)
	if len(code.errors) > 0 {
		t.Fatalf("errors %v", code.errors)
	}
	want := `<div class="kiosque-embed" data-article="un-article" data-limit="4" data-theme="dark" data-lang="ar" data-layout="cards" data-target="_blank" data-wasm="eager" data-placement="barre-latérale-" data-look="kiosque" data-accent="#abc" data-font="Georgia, serif" data-radius="8">` + "\n" +
		`  <a href="https://widget.example/a/un-article">Un article</a>` + "\n</div>\n" + `<script async src="https://widget.example/embed.js"></script>`
	if got := code.Snippet(); got != want {
		t.Errorf("snippet\n%s\nwant\n%s", got, want)
	}
	src := code.FrameSrc("")
	wantSrc := testOrigin + "/embed?article=un-article&lang=ar&layout=cards&limit=4&target=_blank&theme=dark&wasm=eager" +
		"#accent=%23abc&font=Georgia%2C+serif&look=kiosque&placement=barre-lat%C3%A9rale-&radius=8"
	if src != wantSrc {
		t.Errorf("frame src\n%s\nwant\n%s", src, wantSrc)
	}
	if got, want := code.WordPressURL(), testOrigin+"/embed?article=un-article&lang=ar&layout=cards&limit=4&target=_blank&theme=dark"; got != want {
		t.Errorf("WordPress address %s, want %s", got, want)
	}
	// Family names in any script, quoted or not, as the frame takes them.
	if code := codeFor(t, "font=%22Noto+Naskh+Arabic%22,+%D8%A3%D9%85%D9%8A%D8%B1%D9%8A,+serif&radius=24", article); len(code.errors) > 0 {
		t.Errorf("errors %v", code.errors)
	}
	// A section instead: the article's options go, its link is the section's.
	section := newEmbedCode(choiceFromQuery(url.Values{"category": {"sport"}}), publishDefaults(""), testOrigin, nil,
		&news.Category{Slug: "sport", Name: "Sport"}, "Le Site", news.English)
	if got := section.Snippet(); !strings.Contains(got, `data-category="sport"`) || !strings.Contains(got, `href="https://widget.example/?category=sport"`) {
		t.Errorf("section snippet %s", got)
	}
}

// escapeHTML writes what html.EscapeString does.
func TestEscapeHTMLIsTheStandardLibrarys(t *testing.T) {
	for _, s := range []string{"", "plain", `<a href="x" title='y'>&amp;</a>`, "é\x00<", strings.Repeat("&<>\"'", 3)} {
		if got, want := escapeHTML(s), html.EscapeString(s); got != want {
			t.Errorf("escapeHTML(%q) = %q, want %q", s, got, want)
		}
	}
}
