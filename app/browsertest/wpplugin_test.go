package browsertest

// The WordPress plugin (app/wpplugin) on a real WordPress (app/wptest),
// downloaded from the Kiosque server that imports that very WordPress:
// each post's page shows, under its content, the widget for the post, as
// readers see it in Chromium. Opt-in, as it needs WordPress, MariaDB and
// PHP: make test-wordpress.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/kiosque/kiosque/app/cli"
	"github.com/kiosque/kiosque/app/wptest"
)

// sentBytes counts the bytes of the bodies Kiosque sends.
type sentBytes struct {
	http.Handler
	mu    sync.Mutex
	total int
	paths map[string]int
}

func (s *sentBytes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.Handler.ServeHTTP(&countingWriter{ResponseWriter: w, to: s, path: r.URL.Path}, r)
}

// reset starts counting from zero, and returns what was counted.
func (s *sentBytes) reset() (int, map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	total, paths := s.total, s.paths
	s.total, s.paths = 0, map[string]int{}
	return total, paths
}

type countingWriter struct {
	http.ResponseWriter
	to   *sentBytes
	path string
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.to.mu.Lock()
	c.to.total += n
	if c.to.paths != nil {
		c.to.paths[c.path] += n
	}
	c.to.mu.Unlock()
	return n, err
}

func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// pluginSite is a WordPress with Kiosque's plugin, and the Kiosque server
// that imports it and serves the widget.
type pluginSite struct {
	wp     *wptest.Site
	widget string // Kiosque, as the plugin names it: http://localhost:PORT
	data   string // Kiosque's data folder, where `kiosque ingest` imports
	sent   *sentBytes
}

func startPluginSite(t *testing.T) *pluginSite {
	t.Helper()
	data := t.TempDir()
	st := openSample(t, data)
	t.Cleanup(func() { st.Close() })
	r, _ := runReplica(t, st, data, webDir)
	sent := &sentBytes{Handler: r.Site()}
	srv := serveSite(t, sent)
	p := &pluginSite{widget: strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), data: data, sent: sent}
	p.wp = wptest.Start(t, wptest.Options{Trusted: mustHost(t, p.widget)})

	res, err := http.Get(p.widget + "/wordpress/kiosque.zip")
	if err != nil {
		t.Fatal(err)
	}
	zipped, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the plugin's zip: %s", res.Status)
	}
	p.wp.InstallPlugin(t, zipped)
	if out := p.wp.PHP(t, `$r = activate_plugin('kiosque/kiosque.php'); echo is_wp_error($r) ? $r->get_error_message() : 'active';`); out != "active" {
		t.Fatalf("activate the plugin: %s%s", out, p.wp.Log())
	}
	return p
}

// importSite runs `kiosque ingest -wordpress` on the site, as a publisher's
// cron does beside the server, and waits until the server shows each post
// named.
func (p *pluginSite) importSite(t *testing.T, posts ...string) {
	t.Helper()
	var out strings.Builder
	if err := cli.Run(context.Background(), []string{"ingest", "-data", p.data, "-wordpress", p.wp.URL}, func(string) string { return "" }, &out, io.Discard); err != nil {
		t.Fatalf("kiosque ingest -wordpress %s: %v%s", p.wp.URL, err, p.wp.Log())
	}
	t.Logf("kiosque ingest -wordpress %s: %s", p.wp.URL, strings.TrimSpace(out.String()))
	for _, post := range posts {
		address := p.widget + "/embed?layout=carousel&url=" + url.QueryEscape(post)
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			res, err := http.Get(address)
			if err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: never shown after the import (%v)", address, err)
			}
		}
	}
}

// The posts of the test: French, on subjects of the sample's articles,
// so that each has related articles.
var pluginPosts = []struct{ title, text string }{
	{"Le budget de l’État pour 2027 en débat", "Les députés examinent le projet de loi de finances : dépenses publiques, impôts et déficit sont au cœur des débats."},
	{"La finale de la coupe de football", "Le match de football s’est joué devant un stade comble ; l’équipe victorieuse soulève la coupe."},
	{"Une exposition de peinture au musée", "Le musée ouvre une exposition consacrée à la peinture contemporaine, avec des œuvres prêtées par des collections étrangères."},
}

func TestWordPressPluginAfterEveryPost(t *testing.T) {
	if os.Getenv(wptest.Env) == "" {
		t.Skipf("the WordPress tests run with %s=1 (make test-wordpress)", wptest.Env)
	}
	p := startPluginSite(t)
	var posts []string
	for _, post := range pluginPosts {
		posts = append(posts, p.wp.Post(t, post.title, "<!-- wp:paragraph -->\n<p>"+post.text+"</p>\n<!-- /wp:paragraph -->"))
	}
	p.importSite(t, posts...)

	for i, post := range posts {
		widths := []int{1}
		if i == 0 {
			widths = []int{0, 1, 2}
		}
		for _, v := range widths {
			vp := wpViewports[v]
			t.Run(fmt.Sprintf("post %d at %dpx", i+1, vp.width), func(t *testing.T) {
				p.sent.reset()
				readPostWithPlugin(t, p, post, vp.width, vp.height)
				if vp.width == 390 && i == 0 {
					total, paths := p.sent.reset()
					t.Logf("MEASURE bytes Kiosque sent for a post's page with no interaction (first visit): %d %v", total, paths)
				}
			})
		}
	}

	// What the plugin adds to the page's HTML.
	res, err := http.Get(posts[0])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	added := regexp.MustCompile(`<style id="kiosque-reserve">.*?</style>|<div class="kiosque-embed"[^>]*>.*?</div>|<script[^>]*kiosque-loader-js[^>]*></script>`).FindAll(body, -1)
	n := 0
	for _, a := range added {
		n += len(a)
	}
	t.Logf("MEASURE bytes the plugin adds to the post's HTML: %d (%d of the page's %d), in %q", n, n, len(body), added)
	if len(added) != 3 {
		t.Errorf("the page has %q from the plugin, want the height reserved, the container and the loader", added)
	}
}

// A post Kiosque has not imported yet keeps its fallback link, with no
// error and no frame; after the next import, it shows its widget.
func TestWordPressPluginPostNotImportedYet(t *testing.T) {
	if os.Getenv(wptest.Env) == "" {
		t.Skipf("the WordPress tests run with %s=1 (make test-wordpress)", wptest.Env)
	}
	p := startPluginSite(t)
	first := p.wp.Post(t, pluginPosts[0].title, "<p>"+pluginPosts[0].text+"</p>")
	p.wp.Post(t, pluginPosts[2].title, "<p>"+pluginPosts[2].text+"</p>")
	p.importSite(t, first)
	late := p.wp.Post(t, pluginPosts[1].title, "<p>"+pluginPosts[1].text+"</p>")

	b := newBrowser(t, chromedp.WindowSize(390, 844))
	errs := pageErrors(t, b)
	b.run(t, chromedp.EmulateViewport(390, 844), chromedp.Navigate(late))
	waitFor(t, b, `document.querySelector(".kiosque-embed").getAttribute("data-kiosque-state") === "failed"`)
	if e := errs(); len(e) > 0 {
		t.Errorf("the page of a post not imported wrote errors on the console:\n%s", strings.Join(e, "\n"))
	}
	got := eval[map[string]any](t, b, `(() => { const box = document.querySelector(".kiosque-embed"), a = box.querySelector("a");
		return {frames: box.querySelectorAll("iframe").length, shown: getComputedStyle(a).display !== "none" && a.getBoundingClientRect().height > 0,
			text: box.textContent.trim(), minHeight: box.style.minHeight}; })()`)
	if got["frames"].(float64) != 0 || got["shown"] != true || got["text"] != "Plus d’articles : Uncategorized" || got["minHeight"] != "" {
		t.Errorf("the post not imported shows %v, want its fallback link alone, with no height reserved", got)
	}

	p.importSite(t, late)
	b.run(t, chromedp.Navigate(late))
	waitFor(t, b, `document.querySelector(".kiosque-embed").getAttribute("data-kiosque-state") === "ready"`)
	inside := frame(t, b, ".kiosque-embed iframe")
	waitFor(t, inside, `document.querySelectorAll(".card").length >= 2`)
}

// readPostWithPlugin opens a post at a width, as a reader whose browser
// speaks Arabic: the widget is under the post's text, in the post's
// language, fits the column and its own height, and hardly moves the page.
func readPostWithPlugin(t *testing.T, p *pluginSite, post string, width, height int64) {
	b := newBrowser(t, chromedp.Flag("lang", "ar"), chromedp.WindowSize(int(width), int(height)))
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: hostShifts}); err != nil {
		t.Fatal(err)
	}
	b.run(t, chromedp.EmulateViewport(width, height), chromedp.Navigate(post))
	const box = `.kiosque-embed[data-placement="after-post"]`
	const inFrame = box + ` iframe`
	waitFor(t, b, `(() => { const b = document.querySelector(`+jsString(box)+`); return b && b.getAttribute("data-kiosque-state") === "ready"; })()`)
	inside := frame(t, b, inFrame)
	waitFor(t, inside, `document.readyState === "complete" && Array.from(document.images).every(i => i.complete || i.loading === "lazy")`)
	frameFits(t, b, inside, inFrame)
	time.Sleep(time.Second) // late shifts, late heights
	frameHeight := frameFits(t, b, inside, inFrame)

	// The widget for this post, under its text, inside the post's content.
	src, _ := url.Parse(eval[string](t, b, `document.querySelector(`+jsString(inFrame)+`).src`))
	if src.Query().Get("url") != post || !strings.HasPrefix(src.String(), p.widget+"/embed?") {
		t.Errorf("the frame shows %s, want the widget of %s for %s", src, p.widget, post)
	}
	under := eval[bool](t, b, `(() => { const box = document.querySelector(`+jsString(box)+`), content = box.closest(".entry-content");
		const text = content && Array.from(content.querySelectorAll("p")).filter(p => !box.contains(p)).pop();
		return !!text && box.getBoundingClientRect().top >= text.getBoundingClientRect().bottom; })()`)
	if !under {
		t.Error("the widget is not under the post's text, in its content")
	}
	overflow := eval[float64](t, b, `document.documentElement.scrollWidth - document.documentElement.clientWidth`)
	if overflow > 0 {
		t.Errorf("the page scrolls sideways by %.0f px", overflow)
	}
	cls := eval[float64](t, b, `kiosqueShifts.reduce((sum, s) => sum + s.value, 0)`)
	t.Logf("MEASURE plugin width=%d frame=%.0f cls=%.4f shifts=%s", width, frameHeight, cls,
		eval[string](t, b, `JSON.stringify(kiosqueShifts.map(s => [+s.value.toFixed(4), Math.round(s.at), s.sources]))`))
	if cls > 0.1 {
		t.Errorf("cumulative layout shift %.3f, want at most 0.1", cls)
	}

	// Its related articles, in the post's language (the page says fr-FR;
	// the reader's browser says Arabic).
	got := eval[map[string]any](t, inside, `(() => ({lang: document.documentElement.lang, cards: document.querySelectorAll(".card").length,
		heading: (document.querySelector(".carousel-heading") || {}).textContent || "",
		featured: document.querySelectorAll(".widget-featured").length}))()`)
	if got["lang"] != "fr" || got["heading"] != "Vous aimerez aussi" || got["cards"].(float64) < 2 || got["featured"].(float64) != 0 {
		t.Errorf("the widget shows %v, want its related articles (2 or more, no featured card), in French", got)
	}
	if pageLang := eval[string](t, b, `document.documentElement.lang`); pageLang != "fr-FR" {
		t.Errorf("the post's page says lang=%q, want fr-FR", pageLang)
	}
	if n := eval[int](t, b, `document.querySelectorAll('script[src*="/embed.js"]').length`); n != 1 {
		t.Errorf("the page has %d loaders", n)
	}
}

// The block (as the block editor saves it), the shortcode in a post, and
// the classic widget in a classic theme's sidebar each show a widget with
// their options.
func TestWordPressPluginBlockShortcodeAndSidebar(t *testing.T) {
	if os.Getenv(wptest.Env) == "" {
		t.Skipf("the WordPress tests run with %s=1 (make test-wordpress)", wptest.Env)
	}
	p := startPluginSite(t)
	var posts []string
	for _, post := range pluginPosts {
		posts = append(posts, p.wp.Post(t, post.title, "<p>"+post.text+"</p>"))
	}
	p.importSite(t, posts...)
	const section = "Uncategorized" // WordPress's, imported as Kiosque's section
	block := p.wp.Post(t, "Un billet avec le bloc", "<!-- wp:paragraph -->\n<p>Avant le bloc.</p>\n<!-- /wp:paragraph -->\n\n"+
		`<!-- wp:kiosque/widget {"url":"`+posts[0]+`","theme":"dark","layout":"cards","limit":"2"} /-->`)
	shortcode := p.wp.Post(t, "Un billet avec le code court", "<p>Avant le code court.</p>\n\n"+
		`[kiosque section="`+section+`" theme="dark" layout="carousel" limit="2"]`)

	for _, tc := range []struct {
		name, page, box string
		theme           string
		cards           int // the block's: the article, and its limit of related ones
		query           url.Values
	}{
		{"block", block, `.kiosque-embed[data-placement="in-post"]`, "dark", 3,
			url.Values{"url": {posts[0]}, "theme": {"dark"}, "layout": {"cards"}, "limit": {"2"}}},
		{"shortcode", shortcode, `.kiosque-embed[data-placement="in-post"]`, "dark", 2,
			url.Values{"category": {section}, "theme": {"dark"}, "layout": {"carousel"}, "limit": {"2"}}},
		{"sidebar", p.wp.URL + "/", `aside .kiosque-embed[data-placement="sidebar"]`, "dark", 3,
			url.Values{"category": {section}, "theme": {"dark"}, "layout": {"carousel"}, "limit": {"3"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "sidebar" {
				p.wp.PHP(t, `switch_theme('`+wptest.ClassicTheme+`');
					update_option('widget_kiosque', array(2 => array('title' => 'À lire aussi', 'section' => '`+section+`', 'theme' => 'dark', 'layout' => 'carousel', 'limit' => '3'), '_multiwidget' => 1));
					$sidebars = get_option('sidebars_widgets', array());
					$sidebars['sidebar-1'] = array('kiosque-2');
					update_option('sidebars_widgets', $sidebars);`)
			}
			b := newBrowser(t, chromedp.WindowSize(1280, 900))
			b.run(t, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(tc.page))
			waitFor(t, b, `(() => { const b = document.querySelector(`+jsString(tc.box)+`); if (b) b.scrollIntoView(); return b && b.getAttribute("data-kiosque-state") === "ready"; })()`)
			frameSelector := tc.box + " iframe"
			src, _ := url.Parse(eval[string](t, b, `document.querySelector(`+jsString(frameSelector)+`).src`))
			for name := range tc.query {
				if src.Query().Get(name) != tc.query.Get(name) {
					t.Errorf("the frame shows %s, want %s=%s", src, name, tc.query.Get(name))
				}
			}
			inside := frame(t, b, frameSelector)
			waitFor(t, inside, `document.querySelectorAll(".card").length > 0`)
			frameFits(t, b, inside, frameSelector)
			got := eval[map[string]any](t, inside, `(() => ({theme: document.documentElement.dataset.theme, lang: document.documentElement.lang,
				cards: document.querySelectorAll(".card").length}))()`)
			if got["theme"] != tc.theme || got["lang"] != "fr" || int(got["cards"].(float64)) != tc.cards {
				t.Errorf("the widget shows %v, want theme %s, French, %d cards", got, tc.theme, tc.cards)
			}
			if n := eval[int](t, b, `document.querySelectorAll('script[src*="/embed.js"]').length`); n != 1 {
				t.Errorf("the page has %d loaders", n)
			}
		})
	}
}

// pageErrors watches the page's console from now on, and returns what
// reads the errors written: exceptions, console.error, and the browser's
// own (a resource that failed).
func pageErrors(t *testing.T, b *browser) func() []string {
	t.Helper()
	var mu sync.Mutex
	var errs []string
	chromedp.Listen(b.ctx, func(ev any) {
		var line string
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			line = "exception: " + e.ExceptionDetails.Text
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				line = "console.error"
				for _, a := range e.Args {
					line += " " + string(a.Value)
				}
			}
		case *cdplog.EventEntryAdded:
			// The test's WordPress has no icon: not the plugin's doing.
			if e.Entry.Level == cdplog.EntryLevelError && !strings.HasSuffix(e.Entry.URL, "/favicon.ico") {
				line = "browser: " + e.Entry.Text + " " + e.Entry.URL
			}
		}
		if line != "" {
			mu.Lock()
			errs = append(errs, line)
			mu.Unlock()
		}
	})
	if _, err := chromedp.Call(b.ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

// In the block editor of WordPress 6.1, the block "Kiosque" (a script with
// no build step) is there, named in French, and the editor saves it as
// the tests write it: <!-- wp:kiosque/widget {…} /-->.
func TestWordPressPluginInTheBlockEditor(t *testing.T) {
	if os.Getenv(wptest.Env) == "" {
		t.Skipf("the WordPress tests run with %s=1 (make test-wordpress)", wptest.Env)
	}
	p := startPluginSite(t)
	p.wp.PHP(t, `wp_set_password('mot de passe admin', 1);`)
	b := newBrowser(t, chromedp.WindowSize(1280, 900))
	errs := pageErrors(t, b)
	b.run(t, chromedp.Navigate(p.wp.URL+"/wp-login.php"))
	waitFor(t, b, `!!document.querySelector("#user_login")`)
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#user_login").value = "admin";
		document.querySelector("#user_pass").value = "mot de passe admin";
		document.querySelector("#loginform").submit()`))
	waitFor(t, b, `location.pathname.indexOf("/wp-admin/") >= 0 && document.readyState === "complete"`)
	b.run(t, chromedp.Navigate(p.wp.URL+"/wp-admin/post-new.php"))
	waitFor(t, b, `!!(window.wp && wp.blocks && wp.data && wp.data.select("core/editor") && wp.blocks.getBlockType("kiosque/widget"))`)

	block := eval[map[string]any](t, b, `(() => { const b = wp.blocks.getBlockType("kiosque/widget");
		return {title: b.title, description: b.description, attributes: Object.keys(b.attributes).sort().join(" "),
			label: wp.i18n.__("Article URL", "kiosque")}; })()`)
	if block["title"] != "Kiosque" || !strings.HasPrefix(block["description"].(string), "Les articles liés") ||
		!hasAll(strings.Fields(block["attributes"].(string)), "url", "section", "theme", "layout", "limit") || block["label"] != "Adresse de l’article" {
		t.Errorf("the block in the editor: %v", block)
	}
	// Inserted with options, and edited in the editor's sidebar.
	saved := eval[string](t, b, `(() => {
		wp.data.dispatch("core/block-editor").insertBlocks(wp.blocks.createBlock("kiosque/widget", {url: "https://publisher.example/un-article/", theme: "dark"}));
		return wp.data.select("core/editor").getEditedPostContent(); })()`)
	if want := `<!-- wp:kiosque/widget {"url":"https://publisher.example/un-article/","theme":"dark"} /-->`; saved != want {
		t.Errorf("the editor saves %q, want %q", saved, want)
	}
	waitFor(t, b, `!!document.querySelector(".wp-block-kiosque-widget .components-placeholder")`)
	// The admin's pictures from the web (avatars, the welcome guide's)
	// do not load on a machine off the Internet: not the plugin's doing.
	var e []string
	for _, line := range errs() {
		if !strings.Contains(line, "net::ERR_NAME_NOT_RESOLVED") {
			e = append(e, line)
		}
	}
	if len(e) > 0 {
		t.Errorf("the editor wrote errors on the console:\n%s", strings.Join(e, "\n"))
	}
}

// hasAll reports whether list holds each of want.
func hasAll(list []string, want ...string) bool {
	for _, w := range want {
		if !slices.Contains(list, w) {
			return false
		}
	}
	return true
}
