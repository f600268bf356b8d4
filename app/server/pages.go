package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/assets"
	"github.com/kiosque/kiosque/app/etag"
	"github.com/kiosque/kiosque/app/insights/dashpage"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
	"github.com/kiosque/kiosque/app/ui"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/tdewolff/minify/v2"
)

// pageRenderer writes the HTML documents of the site and the widget: the
// shell below around the component go-app prerenders with the page's view.
// go-app's own page handler is not used for pages: it renders without the
// request (so without the store), gives every page one ETag per release,
// and points its icons to another host.
type pageRenderer struct {
	shell    *template.Template
	minifier *minify.M
	// insights marks the widget's documents, whose script then sends
	// their views and clicks (web/kiosque.js).
	insights bool
	// look is the widget's inline script that takes on the partner
	// page's look (look.js).
	look inlineScript
}

// The shell loads no script of the app: web/kiosque.js adds go-app's
// (wasm_exec.js, app.js) when data-wasm says: on the reader's intent in a
// widget, when the browser is idle after the load on the site's pages.
// A widget, which lives in a partner's frame, links no manifest or icons,
// and says no colour scheme for the page: its style sheet gives its root
// one only when it is not framed (a frame whose scheme differs from the
// page's gets an opaque backdrop).
const shellHTML = `<!DOCTYPE html>
<html lang="{{.View.Lang}}" dir="{{.View.Lang.Dir}}" data-theme="{{.View.Theme}}" data-wasm="{{.Wasm}}"{{if .Insights}} data-insights{{end}}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>{{.Title}}</title>
<meta name="description" content="{{.View.Description}}">
{{if not .Widget}}<meta name="color-scheme" content="light dark">
<meta name="theme-color" content="#f7f4ee" media="(prefers-color-scheme: light)">
<meta name="theme-color" content="#15171a" media="(prefers-color-scheme: dark)">
{{end}}<meta property="og:site_name" content="{{.View.Site}}">
<meta property="og:title" content="{{.Title}}">
<meta property="og:description" content="{{.View.Description}}">
{{if .Canonical}}<link rel="canonical" href="{{.Canonical}}">{{end}}
{{if .OEmbed}}<link rel="alternate" type="application/json+oembed" href="{{.OEmbed}}" title="{{.Title}}">{{end}}
{{if not .Widget}}<link rel="icon" href="{{resolve "/web/icons/icon.svg"}}" type="image/svg+xml">
<link rel="icon" href="{{resolve "/web/icons/icon-192.png"}}" sizes="192x192" type="image/png">
<link rel="apple-touch-icon" href="{{resolve "/web/icons/icon-192.png"}}">
<link rel="manifest" href="/manifest.webmanifest">
{{end}}<link rel="stylesheet" href="{{resolve "/web/kiosque.css"}}">
{{if .Widget}}<script>{{.Look}}</script>
{{end}}<script type="application/json" id="{{.ViewID}}">{{.ViewJSON}}</script>
<script src="{{resolve "/web/kiosque.js"}}"></script>
</head>
<body>
{{.Body}}
<aside id="app-wasm-loader" hidden><img id="app-wasm-loader-icon" src="{{resolve "/web/icons/icon.svg"}}" alt="" width="1" height="1" loading="lazy"><p id="app-wasm-loader-label"></p></aside>
</body>
</html>
`

func newPageRenderer(files *assets.Assets, insights bool) (*pageRenderer, error) {
	shell, err := template.New("page").Funcs(template.FuncMap{"resolve": files.Resolve}).Parse(shellHTML)
	if err != nil {
		return nil, fmt.Errorf("parse page shell: %w", err)
	}
	m := assets.NewMinifier()
	// A page's inline scripts stay as they are: the look's is minified
	// once, below, and the CSP allows it by the hash of those bytes
	// (minifying minified code again names its variables anew).
	m.AddFunc("application/javascript", func(_ *minify.M, w io.Writer, r io.Reader, _ map[string]string) error {
		_, err := io.Copy(w, r)
		return err
	})
	look, err := newInlineScript(m, lookSource)
	if err != nil {
		return nil, fmt.Errorf("the widget's look script: %w", err)
	}
	return &pageRenderer{shell: shell, minifier: m, insights: insights, look: look}, nil
}

// The indentation go-app writes between elements (a newline, then spaces):
// the DOM the wasm builds has none, so it is dropped to keep the two alike.
// A space between inline elements of an article's own HTML has no newline
// and is kept.
var betweenTags = regexp.MustCompile(`>\n *<`)

// render writes the document of a view. wasm says when the page starts
// the app (web/kiosque.js reads it): "intent", "idle" or "eager", or "off"
// for a page that does not (an error page). oembed is the URL of the page's
// oEmbed answer, if it has one.
func (p *pageRenderer) render(v ui.View, canonical, oembed, wasm string) ([]byte, error) {
	var page app.UI
	switch path, _, _ := strings.Cut(v.Path, "?"); path {
	case "/embed":
		page = &ui.Widget{View: v}
	case "/":
		page = &ui.Home{View: v}
	case "/saved":
		page = &ui.SavedPage{View: v}
	case "/publish":
		page = &ui.PublishPage{View: v}
	default:
		page = &ui.ArticlePage{View: v}
	}
	return p.write(page, v, v.Title(), v, canonical, oembed, wasm)
}

// renderDashboard writes the document of the publisher's dashboard, whose
// app never starts.
func (p *pageRenderer) renderDashboard(v dashpage.View) ([]byte, error) {
	return p.write(&dashpage.Page{View: v}, v.View, v.Title(), v, "", "", "off")
}

// write puts page, prerendered, in the shell: v gives the document its
// language, theme and description, state is the view it embeds as JSON.
func (p *pageRenderer) write(page app.UI, v ui.View, title string, state any, canonical, oembed, wasm string) ([]byte, error) {
	body := betweenTags.ReplaceAllString(app.HTMLString(page), "><")
	viewJSON, err := json.Marshal(state) // escapes <, > and &: safe inside <script>
	if err != nil {
		return nil, fmt.Errorf("encode view: %w", err)
	}
	var doc bytes.Buffer
	err = p.shell.Execute(&doc, struct {
		View      ui.View
		Title     string
		ViewID    string
		ViewJSON  template.JS
		Body      template.HTML
		Canonical string
		OEmbed    string
		Wasm      string
		Widget    bool
		Insights  bool
		Look      template.JS
	}{v, title, ui.ViewElementID, template.JS(viewJSON), template.HTML(body), canonical, oembed, wasm, v.Embed != nil, v.Embed != nil && p.insights, p.look.JS})
	if err != nil {
		return nil, fmt.Errorf("render page %s: %w", v.Path, err)
	}
	small, err := p.minifier.Bytes("text/html", doc.Bytes())
	if err != nil {
		return nil, fmt.Errorf("minify page %s: %w", v.Path, err)
	}
	return small, nil
}

// page builds the prerendered pages: /, /a/{slug}, /embed, /saved and
// /publish.
func (s *server) page(ctx context.Context, ask ask) (answers.Answer, error) {
	return s.pageAnswer(ctx, ask.page, ask.reader, ask.origin)
}

// notFoundPage answers the site's not-found page, which is never kept.
func (s *server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	ask := s.askOf(netRequest{r}, routePage)
	a, err := s.pageAnswer(r.Context(), ask.page, ask.reader, ask.origin)
	if err != nil {
		a = s.problemFor(r.Context(), err, r.Method, r.URL.Path)
	}
	if a.Status == http.StatusOK { // a path that names no page
		a.Status = http.StatusNotFound
	}
	answers.Prepare(a).ServeHTTP(w, r)
}

// pageAnswer renders the page at page (params.CanonicalPage) for a reader
// whose browser asks for reader, on a server reached at origin.
func (s *server) pageAnswer(ctx context.Context, page string, reader news.Lang, origin string) (answers.Answer, error) {
	v, status, err := s.buildView(ctx, page, reader)
	// A page that cannot show what it was asked for says so in its
	// reader's words, never in the API's (the widget's frame shows it on a
	// partner's page): the language asked for when it can be read.
	var pe *params.Error
	switch {
	case errors.As(err, &pe):
		v.Lang = firstLang(v.Lang, askedLang(page), s.Lang)
		v.Error = ui.BadSettingText(v.Lang, pe.Param)
	case err != nil:
		s.logFailure(ctx, err, "page", page)
		v.Lang = firstLang(v.Lang, askedLang(page), s.Lang)
		v.Error = ui.FailedText(v.Lang)
		status = http.StatusInternalServerError
	}
	if err != nil {
		v.Article, v.Articles, v.Related, v.Category, v.Categories, v.Next = nil, nil, nil, nil, nil, ""
	}
	if v.Publish != nil {
		// The builder's code names this server as partners reach it.
		v.Publish.Origin = origin
	}
	canonical, oembed := "", ""
	if v.Article != nil && v.Embed == nil && v.Publish == nil {
		canonical = articleLink(*v.Article, origin)
	}
	// An article's page and a widget's are what partners paste into their
	// posts: WordPress finds their oEmbed answer here, for the widget with
	// the options in the address (theme, lang, layout).
	if status == http.StatusOK && v.Publish == nil && (v.Article != nil || v.Embed != nil && !v.Embed.NamesArticle()) {
		oembed = oembedDiscovery(origin, v.Path)
	}
	wasm := s.wasmStart(v, status)
	body, err := s.pages.render(v, canonical, oembed, wasm)
	if err != nil {
		return answers.Answer{}, err
	}
	// A widget's answer may be framed where a widget may, an error too:
	// the partner's page then shows the frame's words (in its reader's
	// language) and the loader its fallback, never a frame the browser
	// blocked.
	widget := v.Embed != nil || strings.HasPrefix(page, "/embed?") || page == "/embed"
	h := http.Header{}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", s.contentSecurityPolicy(widget))
	if !widget {
		h.Set("X-Frame-Options", "SAMEORIGIN")
	}
	if params.ReaderLangMatters(page) {
		addVary(h, "Accept-Language")
	}
	if s.PublicURL == "" && len(s.TrustedProxies) > 0 && (canonical != "" || oembed != "" || v.Publish != nil) {
		addVary(h, "X-Forwarded-Proto") // the links name the origin the proxy reports
		addVary(h, "X-Forwarded-Host")
	}
	if status != http.StatusOK {
		h.Set("Cache-Control", "no-store")
		return answers.Answer{Status: status, Header: h, Body: body}, nil
	}
	h.Set("Cache-Control", cacheShort)
	viewKeys(v).set(h)
	// A page is a function of its view and of the release's files, so its
	// tag comes from those: go-app writes attributes in map order, so the
	// bytes of two renders of one view differ (and so do two replicas').
	viewJSON, err := json.Marshal(v)
	if err != nil {
		return answers.Answer{}, err
	}
	// The look script is the binary's, not a file of the release.
	tag := etag.Of([]byte(s.Assets.Release() + "\n" + s.pages.look.Source + "\n" + canonical + "\n" + oembed + "\n" + wasm + "\n" + strconv.FormatBool(s.Insights != nil) + "\n" + string(viewJSON)))
	return answers.Answer{Header: h, Body: body, Tag: tag}, nil
}

// wasmStart is when a page starts the app: when the reader reaches for it,
// but on the saved list, which only the app can show, and in a widget, as
// its options say; never on an error or with no wasm built. The site's
// pages have its files fetched by the service worker meanwhile
// (web/kiosque.js).
func (s *server) wasmStart(v ui.View, status int) string {
	switch {
	case status != http.StatusOK || s.Assets.Version() == "":
		return "off"
	case v.Embed != nil:
		return string(v.Embed.Wasm)
	case strings.HasPrefix(v.Path, "/saved"):
		return string(params.WasmIdle)
	}
	return string(params.WasmIntent)
}

// contentSecurityPolicy allows only this server's own files, plus the
// compilation of the wasm. Widget pages may be framed by partner sites,
// and run one inline script, the look's, allowed by its hash.
func (s *server) contentSecurityPolicy(widget bool) string {
	ancestors, scripts := "'self'", "'self' 'wasm-unsafe-eval'"
	if widget {
		ancestors, scripts = s.FrameAncestors, scripts+" "+s.pages.look.Source
		// The site frames its own widget too: the embed builder's
		// previews (/publish). 'none' is the publisher's word alone.
		if ancestors != "*" && ancestors != "'none'" && !slices.Contains(strings.Fields(ancestors), "'self'") {
			ancestors += " 'self'"
		}
	}
	return "default-src 'self'; script-src " + scripts + "; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; " +
		"form-action 'self'; frame-ancestors " + ancestors
}
