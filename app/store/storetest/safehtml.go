package storetest

import (
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/htmltest"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/sanitize"
	"github.com/kiosque/kiosque/app/store"
)

func safeHTMLTests() []test {
	return []test{
		{"PutStoresNoScript", testPutStoresNoScript},
		{"ImportStoresNoScript", testImportStoresNoScript},
		{"SafeHTMLIsKeptAsItIs", testSafeHTMLIsKeptAsItIs},
		{"HTMLIsStoredAsGiven", testHTMLIsStoredAsGiven},
	}
}

// The write contract (store.Writer): writers pass every article's HTML
// through sanitize.Stored, and the store keeps it as it is given. These
// tests write as writers must, from HTML hostile at first, and check what
// readers get back: nothing that runs, and the hash of what is stored.

// hostileHTML is what a careless source might hand a writer.
var hostileHTML = []string{
	`<p>a<script>window.__kiosquePwned=1</script>b</p>`,
	`<img src=x onerror="window.__kiosquePwned=1">`,
	`<a href="javascript:window.__kiosquePwned=1">x</a>`,
	`<a href="https://example.ma/x" onclick="window.__kiosquePwned=1">x</a>`,
	`<p style="width: expression(window.__kiosquePwned=1)">x</p>`,
	`<svg><script>window.__kiosquePwned=1</script></svg>`,
	`<iframe srcdoc="<script>window.__kiosquePwned=1</script>"></iframe>`,
	`<img src="data:image/svg+xml,<svg onload='window.__kiosquePwned=1'/>">`,
	`<math><mtext><table><mglyph><style><img src=x onerror=window.__kiosquePwned=1>`,
	`<img src="/media/../../kiosque.db" alt=""><img src='/media/x' onerror=window.__kiosquePwned=1>`,
	`<img src="https://local.kiosque.invalid/media/../../kiosque.db" alt="">`,
}

// checkStoredInert reads back the article and checks its HTML.
func checkStoredInert(t *testing.T, st Store, slug, in string) {
	t.Helper()
	a, err := st.Article(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	if err := htmltest.CheckInert(a.HTML); err != nil {
		t.Errorf("%s\n  stored as %s\n  %v", in, a.HTML, err)
	}
	if strings.Contains(a.HTML, "__kiosquePwned") && !strings.Contains(a.HTML, "&") {
		t.Errorf("%s\n  stored as %s", in, a.HTML)
	}
	// What readers see has the hash it was written with.
	versions, err := st.Versions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if versions[slug] != store.ContentHash(a) {
		t.Errorf("%s: the stored version is not the hash of what is stored", in)
	}
}

func testPutStoresNoScript(t *testing.T, open Open) {
	st, _ := open(t)
	for _, in := range hostileHTML {
		a := article("hostile", 1, "Sport", news.French)
		a.HTML = sanitize.Stored(in)
		put(t, st, a)
		checkStoredInert(t, st, a.Slug, in)
	}
}

func testImportStoresNoScript(t *testing.T, open Open) {
	st, _ := open(t)
	for i, in := range hostileHTML {
		item := imported("1", "hostile", "Hostile")
		item.Article.HTML = sanitize.Stored(in)
		item.Article.Excerpt = string(rune('a' + i)) // a change each time
		if _, err := st.ApplyImport(t.Context(), store.Import{Origin: "feed:x", Articles: []store.Imported{item}}); err != nil {
			t.Fatal(err)
		}
		checkStoredInert(t, st, "hostile", in)
	}
}

// The HTML an import's sanitizer makes, its images pointed at /media/, is
// stored as it is: an import of it again changes nothing.
func testSafeHTMLIsKeptAsItIs(t *testing.T, open Open) {
	st, _ := open(t)
	const safe = `<h2>Un titre</h2><p>Avant &amp; après «&nbsp;ça&nbsp;» <a href="https://example.ma/x?a=1&amp;b=2" rel="nofollow noopener" target="_blank">lien</a></p>` +
		`<figure><img src="/media/0123456789abcdef0123456789abcdef.jpg" alt="Un &#34;port&#34;" width="300" height="200"/><figcaption>Légende</figcaption></figure>` +
		`<ul><li><em>un</em></li><li><strong>deux</strong></li></ul><blockquote><p>Citation</p></blockquote>` +
		`<p><img src="https://example.ma/remote.png" alt=""/></p><p dir="rtl">المغرب</p>`
	item := imported("1", "sure", "Sûre")
	item.Article.HTML = sanitize.Stored(safe)
	if _, err := st.ApplyImport(t.Context(), store.Import{Origin: "feed:x", Articles: []store.Imported{item}}); err != nil {
		t.Fatal(err)
	}
	a, err := st.Article(t.Context(), "sure")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(safe, `<p dir="rtl">`, `<p>`, 1) // dir is not on the allow-list
	want = strings.Replace(want, "&nbsp;", "\u00a0", 2)
	if a.HTML != want {
		t.Errorf("stored\n %s\nwant\n %s", a.HTML, want)
	}
	res, err := st.ApplyImport(t.Context(), store.Import{Origin: "feed:x", Articles: []store.Imported{item}})
	if err != nil || res.Changed() {
		t.Errorf("the same import again: %+v, %v", res, err)
	}
}

// What a writer hands the store is what readers read, byte for byte, by
// Put and by an import: the store cleans nothing, nor spoils anything.
func testHTMLIsStoredAsGiven(t *testing.T, open Open) {
	st, _ := open(t)
	const clean = `<p>Avant &amp; après <a href="https://example.ma/x" rel="nofollow noopener" target="_blank">lien</a></p>` +
		`<figure><img src="/media/0123456789abcdef0123456789abcdef.jpg" alt="" width="300" height="200"/></figure><p dir="rtl">المغرب&nbsp;</p>`
	a := article("donne", 1, "Sport", news.French)
	a.HTML = clean
	put(t, st, a)
	item := imported("1", "importe", "Importé")
	item.Article.HTML = clean
	if _, err := st.ApplyImport(t.Context(), store.Import{Origin: "feed:x", Articles: []store.Imported{item}}); err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"donne", "importe"} {
		back, err := st.Article(t.Context(), slug)
		if err != nil {
			t.Fatal(err)
		}
		if back.HTML != clean {
			t.Errorf("%s: stored\n %s\nwant\n %s", slug, back.HTML, clean)
		}
	}
}
