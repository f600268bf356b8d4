package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"strings"

	"github.com/kiosque/kiosque/app/etag"
	"github.com/kiosque/kiosque/app/ui"
	"github.com/kiosque/kiosque/build"
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
}

const shellHTML = `<!DOCTYPE html>
<html lang="{{.View.Lang}}" dir="{{.View.Lang.Dir}}" data-theme="{{.View.Theme}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>{{.View.Title}}</title>
<meta name="description" content="{{.View.Description}}">
<meta name="color-scheme" content="light dark">
<meta name="theme-color" content="#f7f4ee" media="(prefers-color-scheme: light)">
<meta name="theme-color" content="#15171a" media="(prefers-color-scheme: dark)">
<meta property="og:site_name" content="{{.View.Site}}">
<meta property="og:title" content="{{.View.Title}}">
<meta property="og:description" content="{{.View.Description}}">
{{if .Canonical}}<link rel="canonical" href="{{.Canonical}}">{{end}}
{{if .OEmbed}}<link rel="alternate" type="application/json+oembed" href="{{.OEmbed}}" title="{{.View.Title}}">{{end}}
<link rel="icon" href="{{resolve "/web/icons/icon.svg"}}" type="image/svg+xml">
<link rel="icon" href="{{resolve "/web/icons/icon-192.png"}}" sizes="192x192" type="image/png">
<link rel="apple-touch-icon" href="{{resolve "/web/icons/icon-192.png"}}">
<link rel="manifest" href="/manifest.webmanifest">
<link rel="stylesheet" href="{{resolve "/web/kiosque.css"}}">
<script type="application/json" id="{{.ViewID}}">{{.ViewJSON}}</script>
<script src="{{resolve "/web/kiosque.js"}}"></script>
{{if .Interactive}}<script defer src="/wasm_exec.js"></script>
<script defer src="/app.js"></script>{{end}}
</head>
<body>
{{.Body}}
<aside id="app-wasm-loader" hidden><img id="app-wasm-loader-icon" src="{{resolve "/web/icons/icon.svg"}}" alt="" width="1" height="1" loading="lazy"><p id="app-wasm-loader-label"></p></aside>
</body>
</html>
`

func newPageRenderer(assets *build.Assets) (*pageRenderer, error) {
	shell, err := template.New("page").Funcs(template.FuncMap{"resolve": assets.Resolve}).Parse(shellHTML)
	if err != nil {
		return nil, fmt.Errorf("parse page shell: %w", err)
	}
	return &pageRenderer{shell: shell, minifier: build.NewMinifier()}, nil
}

// The indentation go-app writes between elements (a newline, then spaces):
// the DOM the wasm builds has none, so it is dropped to keep the two alike.
// A space between inline elements of an article's own HTML has no newline
// and is kept.
var betweenTags = regexp.MustCompile(`>\n *<`)

// render writes the document of a view. A page that is not interactive
// (an error page) does not load the wasm. oembed is the URL of the page's
// oEmbed answer, if it has one.
func (p *pageRenderer) render(v ui.View, canonical, oembed string, interactive bool) ([]byte, error) {
	var page app.UI
	switch path, _, _ := strings.Cut(v.Path, "?"); path {
	case "/embed":
		page = &ui.Widget{View: v}
	case "/":
		page = &ui.Home{View: v}
	case "/saved":
		page = &ui.SavedPage{View: v}
	default:
		page = &ui.ArticlePage{View: v}
	}
	body := betweenTags.ReplaceAllString(app.HTMLString(page), "><")
	viewJSON, err := json.Marshal(v) // escapes <, > and &: safe inside <script>
	if err != nil {
		return nil, fmt.Errorf("encode view: %w", err)
	}
	var doc bytes.Buffer
	err = p.shell.Execute(&doc, struct {
		View        ui.View
		ViewID      string
		ViewJSON    template.JS
		Body        template.HTML
		Canonical   string
		OEmbed      string
		Interactive bool
	}{v, ui.ViewElementID, template.JS(viewJSON), template.HTML(body), canonical, oembed, interactive})
	if err != nil {
		return nil, fmt.Errorf("render page %s: %w", v.Path, err)
	}
	small, err := p.minifier.Bytes("text/html", doc.Bytes())
	if err != nil {
		return nil, fmt.Errorf("minify page %s: %w", v.Path, err)
	}
	return small, nil
}

// page serves the prerendered pages: /, /a/{slug} and /embed.
func (s *server) page() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, status, err := s.buildView(r.Context(), r.URL, r.Header.Get("Accept-Language"))
		var pe *ui.ParamError
		if errors.As(err, &pe) {
			v.Lang = firstLang(v.Lang)
			v.Error = pe.Error()
			v.Article, v.Articles, v.Related = nil, nil, nil
		} else if err != nil {
			s.internalError(w, r, err)
			return
		}
		s.writePage(w, r, v, status)
	})
}

func (s *server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	v, status, err := s.buildView(r.Context(), r.URL, r.Header.Get("Accept-Language"))
	if err != nil || status != http.StatusNotFound {
		v.Error, status = ui.NotFoundText(firstLang(v.Lang)), http.StatusNotFound
	}
	s.writePage(w, r, v, status)
}

func (s *server) writePage(w http.ResponseWriter, r *http.Request, v ui.View, status int) {
	canonical := ""
	if v.Article != nil && v.Embed == nil {
		canonical = v.Article.URL
		if canonical == "" {
			canonical = "/a/" + v.Article.Slug
		}
	}
	oembed := ""
	if v.Article != nil && v.Embed == nil && status == http.StatusOK {
		oembed = s.oembedDiscovery(r, v.Article.Slug)
	}
	render := func() ([]byte, error) {
		body, err := s.pages.render(v, canonical, oembed, status == http.StatusOK)
		if err != nil {
			s.Log.ErrorContext(r.Context(), "render page", "path", r.URL.Path, "err", err)
		}
		return body, err
	}
	widget := strings.HasPrefix(v.Path, "/embed")
	h := w.Header()
	h.Set("Vary", "Accept-Language")
	if s.PublicURL == "" && oembed != "" {
		addVary(h, "X-Forwarded-Proto") // the oEmbed link names the scheme
	}
	h.Set("Content-Security-Policy", s.contentSecurityPolicy(widget))
	if !widget {
		h.Set("X-Frame-Options", "SAMEORIGIN")
	}
	if status != http.StatusOK {
		body, err := render()
		if err != nil {
			problem(w, http.StatusInternalServerError, "the server could not answer; it has been logged")
			return
		}
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	// A page is a function of its view and of the release's files, so its
	// tag comes from those: go-app writes attributes in map order, so the
	// bytes of two renders of one view differ.
	viewJSON, err := json.Marshal(v)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	tag := etag.Of([]byte(s.Assets.Release() + "\n" + canonical + "\n" + oembed + "\n" + string(viewJSON)))
	writeTagged(w, r, "text/html; charset=utf-8", tag, render)
}

// contentSecurityPolicy allows only this server's own files, plus the
// compilation of the wasm. Widget pages may be framed by partner sites.
func (s *server) contentSecurityPolicy(widget bool) string {
	ancestors := "'self'"
	if widget {
		ancestors = s.FrameAncestors
	}
	return "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; " +
		"form-action 'self'; frame-ancestors " + ancestors
}
