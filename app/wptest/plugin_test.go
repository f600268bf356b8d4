package wptest

import (
	"context"
	"fmt"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/kiosque/kiosque/app/server"
	"github.com/kiosque/kiosque/app/store/sqlite"
	"github.com/kiosque/kiosque/app/wpplugin"
	"github.com/kiosque/kiosque/web"
)

// Every PHP file of the plugin is valid PHP for Debian's PHP.
func TestWordPressPluginPHPIsValid(t *testing.T) {
	if os.Getenv(Env) == "" {
		t.Skipf("the WordPress tests run with %s=1 (make test-wordpress)", Env)
	}
	names, err := wpplugin.PHPFiles()
	if err != nil || len(names) < 5 {
		t.Fatalf("the plugin's PHP files: %q (%v)", names, err)
	}
	dir := t.TempDir()
	for _, name := range names {
		body := pluginFile(t, name)
		path := filepath.Join(dir, strings.ReplaceAll(name, "/", "_"))
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("php", "-l", path).CombinedOutput(); err != nil {
			t.Errorf("php -l %s: %v\n%s", name, err, out)
		}
	}
}

// pluginFile is a file of the plugin, as kept in the repository.
func pluginFile(t *testing.T, name string) []byte {
	t.Helper()
	body, err := fs.ReadFile(wpplugin.Files(), name)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// startKiosque serves Kiosque (no articles: the plugin's zip is all these
// tests ask of it) on localhost, a site other than WordPress's.
func startKiosque(t *testing.T) string {
	t.Helper()
	address, _ := startKiosqueSeen(t)
	return address
}

// startKiosqueSeen is startKiosque, and what returns the user agents of
// the requests it was sent.
func startKiosqueSeen(t *testing.T) (string, func() []string) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	site, err := server.New(server.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Store: st, Lists: st, Web: web.Files()})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var agents []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents = append(agents, r.UserAgent())
		mu.Unlock()
		site.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), agents...)
	}
}

// download gets the plugin from Kiosque, as an administrator would.
func download(t *testing.T, kiosque string) []byte {
	t.Helper()
	res, err := http.Get(kiosque + "/wordpress/kiosque.zip")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("%s/wordpress/kiosque.zip: %s %s", kiosque, res.Status, res.Header.Get("Content-Type"))
	}
	return body
}

// page is a page of the site, as a reader's browser gets it.
type page struct {
	url, body string
	status    int
}

func getPage(t *testing.T, site *Site, address string) page {
	t.Helper()
	res, err := http.Get(address)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s%s", address, res.Status, site.Log())
	}
	return page{address, string(body), res.StatusCode}
}

var (
	containerRE = regexp.MustCompile(`<div class="kiosque-embed"([^>]*)><a href="([^"]*)">([^<]*)</a></div>`)
	attrRE      = regexp.MustCompile(`\s([a-z-]+)="([^"]*)"`)
	loaderRE    = regexp.MustCompile(`<script[^>]*src=["'][^"']*/embed\.js["'][^>]*>`)
	asyncRE     = regexp.MustCompile(`\sasync[\s=>]`)
	queriesRE   = regexp.MustCompile(`<!-- kiosque-test queries: (\d+) -->`)
)

// widget is a container the plugin printed.
type widget struct {
	data       map[string]string // its attributes but its class, unescaped
	href, text string            // its fallback link
}

func (p page) widgets() []widget {
	var out []widget
	for _, m := range containerRE.FindAllStringSubmatch(p.body, -1) {
		w := widget{data: map[string]string{}, href: html.UnescapeString(m[2]), text: html.UnescapeString(m[3])}
		for _, a := range attrRE.FindAllStringSubmatch(m[1], -1) {
			w.data[a[1]] = html.UnescapeString(a[2])
		}
		out = append(out, w)
	}
	return out
}

func (p page) loaders() []string { return loaderRE.FindAllString(p.body, -1) }

func (p page) queries(t *testing.T) int {
	t.Helper()
	m := queriesRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("%s says no query count", p.url)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// checkLoader checks that the page loads the loader once, async, from
// the server.
func checkLoader(t *testing.T, p page, kiosque string) {
	t.Helper()
	loaders := p.loaders()
	if len(loaders) != 1 || !strings.Contains(loaders[0], ` src='`+kiosque+`/embed.js'`) || !asyncRE.MatchString(loaders[0]) {
		t.Errorf("%s loads the loader with %q, want one async script of %s/embed.js", p.url, loaders, kiosque)
	}
}

// The zip downloaded from Kiosque installs and activates, set to that
// server; each post's page then ends its content with the widget for the
// post, its block, shortcode and classic widget show widgets with their
// options (hostile ones escaped), and WordPress makes no more database
// queries for a page than without it. Deactivated, it leaves no widget
// and no loader; uninstalled, no option.
func TestWordPressPluginPages(t *testing.T) {
	kiosque, agents := startKiosqueSeen(t)
	site := Start(t, Options{Trusted: strings.TrimPrefix(kiosque, "http://")})
	zipped := download(t, kiosque)
	site.InstallPlugin(t, zipped)
	if out := site.PHP(t, `$r = activate_plugin('kiosque/kiosque.php'); echo is_wp_error($r) ? $r->get_error_message() : 'active';`); out != "active" {
		t.Fatalf("activate the plugin: %s%s", out, site.Log())
	}
	settings := site.PHP(t, `echo wp_json_encode(array(get_option('kiosque_settings'), wp_load_alloptions()['kiosque_settings'] ?? null));`)
	if want := fmt.Sprintf(`[{"server":"%s","after_post":true,"theme":""},`, strings.ReplaceAll(kiosque, "/", `\/`)); !strings.HasPrefix(settings, want) || strings.HasSuffix(settings, ",null]") {
		t.Errorf("the settings after activation: %s, want %s…, autoloaded", settings, want)
	}

	// The block, named in French for the editor, and its script's
	// translations where WordPress looks for them.
	registered := site.PHP(t, `$b = WP_Block_Type_Registry::get_instance()->get_registered('kiosque/widget');
		echo wp_json_encode(array($b ? $b->description : null, $b ? $b->editor_script : null,
			load_script_textdomain($b->editor_script, 'kiosque', WP_PLUGIN_DIR . '/kiosque/languages')));`)
	for _, want := range []string{`"Les articles li\u00e9s, de votre serveur Kiosque`, `"kiosque-widget-editor-script"`, `Adresse de l\u2019article`} {
		if !strings.Contains(registered, want) {
			t.Errorf("the block: %s, want %s in it", registered, want)
		}
	}

	text := "<!-- wp:paragraph -->\n<p>Le texte du billet, avant le widget.</p>\n<!-- /wp:paragraph -->"
	plain := site.Post(t, "Un billet simple", text)
	block := site.Post(t, "Un billet avec le bloc", text+"\n\n"+`<!-- wp:kiosque/widget {"url":"https://publisher.example/2026/12/un-article/","theme":"dark","layout":"carousel","limit":"4"} /-->`)
	shortcode := site.Post(t, "Un billet avec le code court", text+"\n\n"+`[kiosque section="Économie" theme="Auto" layout="cards" limit="99"]`)
	hostile := site.Post(t, "Un billet hostile", text+"\n\n"+
		`[kiosque url='https://publisher.example/?a=1&b=" onmouseover="alert(1)' section='" onfocus="alert(2)' theme='dark" onclick="alert(3)' layout="grid" limit="-1"]`+"\n\n"+
		`[kiosque url="javascript:alert(4)" section="Sport"]`)

	// After every post: the widget for the post, under its text.
	p := getPage(t, site, plain)
	ws := p.widgets()
	if want := map[string]string{"data-url": plain, "data-layout": "carousel", "data-placement": "after-post"}; len(ws) != 1 || !sameData(ws[0].data, want) {
		t.Fatalf("%s shows widgets %+v, want one with %v%s", plain, ws, want, site.Log())
	}
	if !strings.HasPrefix(ws[0].href, site.URL) || ws[0].text == "" {
		t.Errorf("the widget's fallback is %q → %q, want a link of the site", ws[0].text, ws[0].href)
	}
	if after := strings.Index(p.body, "Le texte du billet"); after < 0 || strings.Index(p.body, `<div class="kiosque-embed"`) < after {
		t.Error("the widget is not after the post's text")
	}
	checkLoader(t, p, kiosque)
	// In the site's language, French, then Arabic: the plugin's
	// translations (the section's name is WordPress's, untranslated here).
	if ws[0].text != "Plus d’articles : Uncategorized" {
		t.Errorf("the fallback says %q, want it in French", ws[0].text)
	}
	site.PHP(t, `update_option('WPLANG', 'ar');`)
	if ws := getPage(t, site, plain).widgets(); len(ws) != 1 || ws[0].text != "المزيد في Uncategorized" {
		t.Errorf("on an Arabic site, %s shows %+v, want the fallback in Arabic", plain, ws)
	}
	site.PHP(t, `update_option('WPLANG', 'fr_FR');`)

	// Not under a post's password form.
	locked := site.Post(t, "Un billet protégé", text)
	site.PHP(t, `wp_update_post(array('ID' => url_to_postid('`+locked+`'), 'post_password' => 'secret'));`)
	if p := getPage(t, site, locked); len(p.widgets()) != 0 || len(p.loaders()) != 0 || !strings.Contains(p.body, "post-password-form") {
		t.Errorf("a post behind a password shows %d widgets and %d loaders", len(p.widgets()), len(p.loaders()))
	}

	// Not on the home page, nor in the feed or the REST API.
	home := getPage(t, site, site.URL+"/")
	if len(home.widgets()) != 0 || len(home.loaders()) != 0 {
		t.Errorf("the home page shows %d widgets and %d loaders", len(home.widgets()), len(home.loaders()))
	}
	for _, address := range []string{site.URL + "/?feed=rss2", site.URL + "/index.php?rest_route=/wp/v2/posts"} {
		if body := getPage(t, site, address).body; strings.Contains(body, "kiosque-embed") {
			t.Errorf("%s has the widget", address)
		}
	}

	// The block, with its options, above the widget after the post.
	p = getPage(t, site, block)
	ws = p.widgets()
	want := map[string]string{"data-url": "https://publisher.example/2026/12/un-article/", "data-theme": "dark", "data-layout": "carousel", "data-limit": "4", "data-placement": "in-post"}
	if len(ws) != 2 || !sameData(ws[0].data, want) || ws[1].data["data-url"] != block {
		t.Errorf("%s shows %+v, want the block's widget %v, then the post's", block, ws, want)
	}
	checkLoader(t, p, kiosque)

	// The shortcode: options made plain as the loader makes them.
	p = getPage(t, site, shortcode)
	ws = p.widgets()
	want = map[string]string{"data-category": "Économie", "data-theme": "auto", "data-layout": "cards", "data-limit": "12", "data-placement": "in-post"}
	if len(ws) != 2 || !sameData(ws[0].data, want) || ws[0].text != "Les derniers articles : Économie" || ws[0].href != kiosque+"/?category=%C3%89conomie" {
		t.Errorf("%s shows %+v, want the shortcode's widget %v", shortcode, ws, want)
	}
	checkLoader(t, p, kiosque)

	// Hostile values stay inside their attributes, or are left out.
	p = getPage(t, site, hostile)
	ws = p.widgets()
	if len(ws) != 3 {
		t.Fatalf("%s shows %d widgets, want 3:\n%s", hostile, len(ws), p.body[strings.Index(p.body, "Le texte du billet"):])
	}
	want = map[string]string{"data-url": `https://publisher.example/?a=1&b=%20onmouseover=alert(1)`, "data-category": `" onfocus="alert(2)`, "data-placement": "in-post"}
	if !sameData(ws[0].data, want) {
		t.Errorf("the hostile shortcode gave %v, want %v", ws[0].data, want)
	}
	if want := map[string]string{"data-category": "Sport", "data-placement": "in-post"}; !sameData(ws[1].data, want) {
		t.Errorf("a javascript: URL gave %v, want %v", ws[1].data, want)
	}
	for _, w := range ws {
		for name := range w.data {
			if !strings.HasPrefix(name, "data-") {
				t.Errorf("%s: a widget has the attribute %s", hostile, name)
			}
		}
	}
	for _, bad := range []string{`onmouseover="alert`, `onfocus="alert`, `onclick="alert`, "javascript:alert"} {
		if strings.Contains(p.body, bad) {
			t.Errorf("%s: %s made it into the page", hostile, bad)
		}
	}

	// The classic widget, in a classic theme's sidebar, on every page.
	site.PHP(t, `switch_theme('`+ClassicTheme+`');
		update_option('widget_kiosque', array(2 => array('title' => 'À lire aussi', 'section' => 'Sport', 'theme' => 'dark', 'layout' => 'carousel', 'limit' => '5'), '_multiwidget' => 1));
		$sidebars = get_option('sidebars_widgets', array());
		$sidebars['sidebar-1'] = array('kiosque-2');
		update_option('sidebars_widgets', $sidebars);`)
	for _, address := range []string{site.URL + "/", plain} {
		p = getPage(t, site, address)
		ws = p.widgets()
		want = map[string]string{"data-category": "Sport", "data-theme": "dark", "data-layout": "carousel", "data-limit": "5", "data-placement": "sidebar"}
		aside := p.body[max(0, strings.Index(p.body, "<aside>")):]
		if len(ws) == 0 || !sameData(ws[len(ws)-1].data, want) || !strings.Contains(aside, `<h2 class="widget-title">À lire aussi</h2><div class="kiosque-embed"`) {
			t.Errorf("%s shows %+v, want the sidebar's widget %v under its title", address, ws, want)
		}
		checkLoader(t, p, kiosque)
	}
	// In a classic theme too, the widget for the post after its text.
	if ws := getPage(t, site, plain).widgets(); len(ws) != 2 || ws[0].data["data-url"] != plain {
		t.Errorf("in the classic theme, %s shows %+v, want the post's widget then the sidebar's", plain, ws)
	}
	site.PHP(t, `switch_theme('twentytwentythree');`)

	// The setting off: no widget after posts, and no loader.
	site.PHP(t, `$s = get_option('kiosque_settings'); $s['after_post'] = false; update_option('kiosque_settings', $s);`)
	if p := getPage(t, site, plain); len(p.widgets()) != 0 || len(p.loaders()) != 0 {
		t.Errorf("with the setting off, %s shows %d widgets and %d loaders", plain, len(p.widgets()), len(p.loaders()))
	}
	site.PHP(t, `$s = get_option('kiosque_settings'); $s['after_post'] = true; update_option('kiosque_settings', $s);`)

	// The database queries of a post's page, with the plugin and without
	// (the second view of each: the first may fill caches).
	queries := func() int { getPage(t, site, plain); return getPage(t, site, plain).queries(t) }
	with := queries()
	if out := site.PHP(t, `deactivate_plugins('kiosque/kiosque.php'); echo is_plugin_active('kiosque/kiosque.php') ? 'active' : 'inactive';`); out != "inactive" {
		t.Fatalf("deactivate the plugin: %s", out)
	}
	without := queries()
	t.Logf("MEASURE database queries for a post's page: %d with the plugin, %d without", with, without)
	if with > without {
		t.Errorf("WordPress made %d database queries for a post's page with the plugin, %d without", with, without)
	}

	// WordPress sent Kiosque nothing: the one request is the test's own,
	// for the zip.
	if got := agents(); len(got) != 1 || strings.Contains(got[0], "WordPress") {
		t.Errorf("Kiosque was sent requests by %q, want the zip's download alone", got)
	}

	// Deactivated: no widget, no loader, anywhere.
	for _, address := range []string{plain, block, shortcode, hostile} {
		if p := getPage(t, site, address); len(p.widgets()) != 0 || len(p.loaders()) != 0 || strings.Contains(p.body, "kiosque-embed") {
			t.Errorf("deactivated, %s shows %d widgets and %d loaders", address, len(p.widgets()), len(p.loaders()))
		}
	}

	// Uninstalled: its options are gone.
	out := site.PHP(t, `uninstall_plugin('kiosque/kiosque.php'); wp_cache_flush();
		echo wp_json_encode(array(get_option('kiosque_settings'), get_option('widget_kiosque')));`)
	if out != "[false,false]" {
		t.Errorf("after uninstalling, the options are %s, want [false,false]", out)
	}
}

// sameData reports whether a widget's attributes, but its class, are want.
func sameData(got, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// The settings page: an administrator changes the settings through the
// Settings API's form (options.php checks its nonce); a form with a
// wrong nonce changes nothing, nor does an address that is not http or
// https; an author may not open the page.
func TestWordPressPluginSettings(t *testing.T) {
	kiosque := startKiosque(t)
	site := Start(t, Options{Trusted: strings.TrimPrefix(kiosque, "http://")})
	site.InstallPlugin(t, download(t, kiosque))
	site.PHP(t, `activate_plugin('kiosque/kiosque.php'); wp_set_password('mot de passe admin', 1);
		wp_insert_user(array('user_login' => 'auteur', 'user_pass' => 'mot de passe auteur', 'role' => 'author', 'user_email' => 'auteur@example.test'));`)
	settings := func() string {
		return site.PHP(t, `echo wp_json_encode(get_option('kiosque_settings'));`)
	}

	admin := login(t, site, "admin", "mot de passe admin")
	form := get(t, admin, site.URL+"/wp-admin/options-general.php?page=kiosque")
	nonce := regexp.MustCompile(`name="_wpnonce" value="([^"]+)"`).FindStringSubmatch(form.body)
	if form.status != http.StatusOK || nonce == nil || !strings.Contains(form.body, `name='option_page' value='kiosque'`) ||
		!strings.Contains(form.body, `value="`+kiosque+`"`) || !strings.Contains(form.body, "Après chaque article") {
		t.Fatalf("the settings page: %d, nonce %q, in French with the server's address:\n%s", form.status, nonce, form.body[max(0, strings.Index(form.body, `<div class="wrap">`)):])
	}
	send := func(nonce, server string) page {
		return post(t, admin, site.URL+"/wp-admin/options.php", url.Values{
			"option_page": {"kiosque"}, "action": {"update"}, "_wpnonce": {nonce}, "_wp_http_referer": {"/wp-admin/options-general.php?page=kiosque"},
			"kiosque_settings[server]": {server}, "kiosque_settings[theme]": {"dark"},
		})
	}

	before := settings()
	if res := send("0123456789", "https://other.example"); res.status != http.StatusForbidden || settings() != before {
		t.Errorf("a wrong nonce: %d, settings %s; want 403 and %s", res.status, settings(), before)
	}
	send(nonce[1], "https://other.example/")
	if got, want := settings(), `{"server":"https:\/\/other.example","after_post":false,"theme":"dark"}`; got != want {
		t.Errorf("saved: %s, want %s", got, want)
	}
	send(nonce[1], "javascript:alert(1)")
	if got, want := settings(), `{"server":"https:\/\/other.example","after_post":false,"theme":"dark"}`; got != want {
		t.Errorf("a javascript: server: %s, want %s kept", got, want)
	}

	author := login(t, site, "auteur", "mot de passe auteur")
	if res := get(t, author, site.URL+"/wp-admin/options-general.php?page=kiosque"); res.status != http.StatusForbidden || strings.Contains(res.body, "kiosque_settings[server]") {
		t.Errorf("an author opens the settings page: %d", res.status)
	}
}

// login signs in on wp-login.php, as a browser does (with its test cookie).
func login(t *testing.T, site *Site, user, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get(t, c, site.URL+"/wp-login.php")
	res := post(t, c, site.URL+"/wp-login.php", url.Values{"log": {user}, "pwd": {password}, "wp-submit": {"Log In"}, "testcookie": {"1"}})
	if !strings.Contains(res.url, "/wp-admin/") {
		t.Fatalf("%s could not log in: at %s (%d)", user, res.url, res.status)
	}
	return c
}

func get(t *testing.T, c *http.Client, address string) page {
	t.Helper()
	res, err := c.Get(address)
	if err != nil {
		t.Fatal(err)
	}
	return read(res)
}

func post(t *testing.T, c *http.Client, address string, form url.Values) page {
	t.Helper()
	res, err := c.PostForm(address, form)
	if err != nil {
		t.Fatal(err)
	}
	return read(res)
}

func read(res *http.Response) page {
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return page{url: res.Request.URL.String(), body: string(body), status: res.StatusCode}
}
