package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/ui"
)

// Embedding on other sites: the loader script partners paste (/embed.js)
// and the oEmbed provider (/oembed) that WordPress and other consumers ask
// for an article's widget.

// embedScriptCache lets partners' readers keep the loader five minutes and
// use a stale copy a day while revalidating: a new release reaches every
// partner page quickly, without a fetch on every page view.
const embedScriptCache = "public, max-age=300, stale-while-revalidate=86400"

// webFileAt serves a web file at a fixed path other sites name (the
// loader partners paste, /embed.js; /robots.txt), with a Cache-Control of
// its own.
func (s *server) webFileAt(path, asset, cacheControl string) http.Handler {
	ready, ok := s.Assets.ServeAs(asset, cacheControl)
	if !ok {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			problem(w, http.StatusNotFound, asset+" is missing from the web files")
		})
	}
	s.fixed[path] = ready
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answers.TellOutcome(w, true) // prepared at start
		ready.ServeHTTP(w, r)
	})
}

// oEmbed answers are cached a day by consumers: the HTML only frames the
// widget, which shows fresh content itself.
const oembedCacheAge = 86400

// The width the widget is offered at when the consumer sets no maximum.
const oembedWidth = 640

// OEmbed is an oEmbed 1.0 answer of type rich (oembed.com, 2.3.4).
type OEmbed struct {
	Type            string `json:"type"`
	Version         string `json:"version"`
	Title           string `json:"title"`
	AuthorName      string `json:"author_name,omitempty"`
	ProviderName    string `json:"provider_name"`
	ProviderURL     string `json:"provider_url"`
	CacheAge        int    `json:"cache_age"`
	HTML            string `json:"html"`
	Width           int    `json:"width"`
	Height          int    `json:"height"`
	ThumbnailURL    string `json:"thumbnail_url,omitempty"`
	ThumbnailWidth  int    `json:"thumbnail_width,omitempty"`
	ThumbnailHeight int    `json:"thumbnail_height,omitempty"`
}

// oembedHTML is a fallback quote, then the widget's frame.
//
// WordPress keeps only a, blockquote and iframe of it, drops every other
// attribute (style and hidden included; src, width, height, title,
// frameborder and scrolling stay) and every line break, shows the quote
// until the frame reports its height, then hides it and shows the frame
// at that height. The quote has real height so that the post moves
// little then: the article's title and excerpt (a list's first
// articles). More would not help: in a block post the hidden frame
// counts as moving up by the quote's height when it is shown, so the
// least shift there comes from a quote of about half the frame's height
// (measured in make test-wordpress).
//
// The frame is as wide as the post's column (width="100%": pixels would
// overflow phones), and has no height attribute: the block editor takes a
// frame with both for a video of fixed aspect ratio (and width="100%"
// for one of 21:9). A consumer that shows the HTML as it is shows the
// frame alone, at the height of its style.
var oembedHTML = template.Must(template.New("oembed").Parse(
	`<blockquote class="kiosque-embed-fallback" hidden><a href="{{.Link}}">{{.Title}}</a>` +
		`{{with .Excerpt}} — {{.}}{{end}}` +
		`{{range $i, $a := .Listed}}{{if $i}} ·{{else}} —{{end}} <a href="{{$a.Link}}">{{$a.Title}}</a>{{end}}` +
		`</blockquote>` +
		`<iframe src="{{.Src}}" width="100%" title="{{.Title}}" frameborder="0" scrolling="no" loading="lazy" ` +
		`referrerpolicy="strict-origin-when-cross-origin" style="display:block;width:100%;max-width:{{.Width}}px;height:{{.Height}}px;border:0"></iframe>`))

// fallbackLink is an article a list's fallback quote names.
type fallbackLink struct{ Link, Title string }

// fallbackListed is how many of a list's articles its fallback names.
const fallbackListed = 3

// oembedRequest is a checked query of /oembed.
type oembedRequest struct {
	target              *url.URL // the URL asked about
	maxWidth, maxHeight int      // 0: no maximum
}

// oembed is the oEmbed provider: GET /oembed?url=&maxwidth=&maxheight=&format=json
// for an article page of this server, an article's canonical URL, or a
// widget URL (/embed?...). Its answers are kept like the API's, per origin
// when the server has no public URL: the answer names it.
func (s *server) oembed(ctx context.Context, ask ask) (answers.Answer, error) {
	origin := ask.origin
	q, _ := url.ParseQuery(ask.query)
	switch f := q.Get("format"); f {
	case "", "json":
	default:
		return answers.Answer{}, &statusError{http.StatusNotImplemented, "only format=json is implemented"}
	}
	req, err := parseOEmbedRequest(q)
	if err != nil {
		return answers.Answer{}, err
	}
	embed, err := s.embedTargetFor(ctx, req.target, origin)
	if errors.Is(err, store.ErrNotFound) {
		return answers.Answer{}, notFound("no article or widget of this site at this URL")
	}
	if err != nil {
		return answers.Answer{}, err
	}
	answer, v, status, err := s.oembedFor(ctx, embed, origin, req)
	var pe *params.Error
	switch {
	case status == http.StatusNotFound:
		return answers.Answer{}, notFound("no article or widget of this site at this URL")
	case errors.As(err, &pe):
		return answers.Answer{}, &params.Error{Param: "url", Value: req.target.String(), Reason: "a widget URL with " + pe.Error()}
	case err != nil:
		return answers.Answer{}, err
	}
	a, err := jsonAnswer(answer, viewKeys(v))
	if s.PublicURL == "" && len(s.TrustedProxies) > 0 {
		// The URLs in the answer follow what the proxy reports.
		a.Header.Set("Vary", "X-Forwarded-Proto, X-Forwarded-Host")
	}
	return a, err
}

func parseOEmbedRequest(q url.Values) (oembedRequest, error) {
	var req oembedRequest
	raw := q.Get("url")
	u, err := url.Parse(raw)
	if raw == "" || len(raw) > 2048 || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return req, &params.Error{Param: "url", Value: raw, Reason: "must be the absolute http(s) URL of an article or a widget"}
	}
	req.target = u
	for _, p := range []struct {
		name string
		dst  *int
	}{{"maxwidth", &req.maxWidth}, {"maxheight", &req.maxHeight}} {
		if _, ok := q[p.name]; !ok {
			continue
		}
		if *p.dst, err = params.Int(q, p.name, 0, 1, 100_000); err != nil {
			return req, err
		}
	}
	return req, nil
}

// embedTargetFor maps a URL to the widget that shows it, as a path and
// query of this server: this server's /a/{slug} and /embed pages, or an
// article's canonical URL. store.ErrNotFound when it names none.
func (s *server) embedTargetFor(ctx context.Context, u *url.URL, origin string) (*url.URL, error) {
	if sameHost(u, origin) {
		switch {
		case u.Path == "/embed":
			target := widgetTarget(u.Query())
			if c := target.Query().Get("category"); c != "" {
				known, err := s.hasCategory(ctx, c)
				if err != nil {
					return nil, err
				}
				if !known {
					return nil, store.ErrNotFound
				}
			}
			return target, nil
		case strings.HasPrefix(u.Path, "/a/") && !strings.Contains(u.Path[3:], "/"):
			slug := u.Path[3:]
			if !store.ValidSlug(slug) {
				return nil, store.ErrNotFound
			}
			// The options an article's address may carry for its widget.
			q, kept := u.Query(), url.Values{"article": {slug}}
			for _, name := range []string{"lang", "layout", "theme"} {
				if v := q.Get(name); v != "" {
					kept.Set(name, v)
				}
			}
			return widgetTarget(kept), nil
		}
	}
	slug, err := s.slugOfCanonical(ctx, u)
	if err != nil {
		return nil, err
	}
	return widgetTarget(url.Values{"article": {slug}}), nil
}

// hasCategory reports whether the store has a section of this name.
func (s *server) hasCategory(ctx context.Context, name string) (bool, error) {
	categories, err := s.Store.Categories(ctx)
	if err != nil {
		return false, fmt.Errorf("list categories: %w", err)
	}
	for _, c := range categories {
		if c.Slug == store.Slugify(name) {
			return true, nil
		}
	}
	return false, nil
}

// slugOfCanonical finds the article whose canonical URL is u.
func (s *server) slugOfCanonical(ctx context.Context, u *url.URL) (string, error) {
	a, err := s.Store.ArticleByURL(ctx, u.String())
	if err != nil {
		return "", err
	}
	return a.Slug, nil
}

// widgetTarget is the /embed path and query for the widget options of q,
// dropping anything else (a frame id, tracking parameters).
func widgetTarget(q url.Values) *url.URL {
	kept := url.Values{}
	for _, name := range []string{"article", "category", "content-lang", "limit", "theme", "lang", "layout", "maxheight", "target"} {
		if v := q.Get(name); v != "" {
			kept.Set(name, v)
		}
	}
	return &url.URL{Path: "/embed", RawQuery: kept.Encode()}
}

// oembedFor builds the answer for the widget at embed, and returns the
// widget's view with it. Its status is 404 when the widget's article does
// not exist; a bad option is a *params.Error. The frame it names asks the
// widget to fit the consumer's maximum height (a compact layout).
func (s *server) oembedFor(ctx context.Context, embed *url.URL, origin string, req oembedRequest) (OEmbed, ui.View, int, error) {
	// The lower of the consumer's maximum and the one the widget's address
	// says (the embed builder's, for WordPress).
	q := embed.Query()
	if asked, err := strconv.Atoi(q.Get("maxheight")); err == nil && asked > 0 && (req.maxHeight == 0 || asked < req.maxHeight) {
		req.maxHeight = asked
	}
	if req.maxHeight > 0 {
		q.Set("maxheight", strconv.Itoa(min(req.maxHeight, params.MaxFrameHeight)))
		embed = &url.URL{Path: embed.Path, RawQuery: q.Encode()}
	}
	v, status, err := s.buildView(ctx, embed.String(), "")
	if err != nil || status != http.StatusOK {
		return OEmbed{}, v, status, err
	}
	if v.Article == nil && v.Embed.NamesArticle() {
		// A widget shows the latest in place of an article not here;
		// oEmbed says the article is not here, and the post keeps its link.
		return OEmbed{}, v, http.StatusNotFound, nil
	}
	o := *v.Embed
	width := oembedWidth
	if req.maxWidth > 0 {
		width = min(width, req.maxWidth)
	}
	height := widgetHeight(o, width)
	if req.maxHeight > 0 {
		height = min(height, req.maxHeight)
	}
	answer := OEmbed{
		Type:         "rich",
		Version:      "1.0",
		Title:        v.Title(),
		ProviderName: s.Site,
		ProviderURL:  origin + "/",
		CacheAge:     oembedCacheAge,
		Width:        width,
		Height:       height,
	}
	link, excerpt := origin+"/", ""
	switch {
	case v.Article != nil:
		a := v.Article
		answer.Title, answer.AuthorName = a.Title, a.Author
		link, excerpt = articleLink(*a, origin), a.Excerpt
		answer.ThumbnailURL, answer.ThumbnailWidth, answer.ThumbnailHeight = thumbnail(a.Image, origin, req)
	case v.Category != nil:
		link = origin + "/?" + url.Values{"category": {v.Category.Slug}}.Encode()
	}
	var listed []fallbackLink
	if v.Article == nil {
		for _, a := range v.Articles[:min(len(v.Articles), fallbackListed)] {
			listed = append(listed, fallbackLink{articleLink(a, origin), a.Title})
		}
	}
	var html strings.Builder
	err = oembedHTML.Execute(&html, struct {
		Link, Title, Excerpt, Src string
		Listed                    []fallbackLink
		Width, Height             int
	}{link, answer.Title, excerpt, origin + embed.String(), listed, width, height})
	if err != nil {
		return OEmbed{}, v, 0, err
	}
	answer.HTML = html.String()
	return answer, v, http.StatusOK, nil
}

// widgetHeight is about the height of the widget at this width, measured
// in Chromium on the sample: a consumer that cannot resize the frame then
// shows the widget whole, and one that can barely moves its page. The
// loader (web/embed.js) reserves the same.
func widgetHeight(o params.Embed, width int) int {
	if o.MaxHeight > 0 {
		return compactHeight(o)
	}
	switch o.Layout {
	case params.LayoutCarousel:
		return 440
	case params.LayoutCards:
		cards := o.Limit
		if o.Article != "" {
			cards++ // the article, then its related ones
		}
		// A grid of 17rem columns with 1.25rem gaps in .75rem of padding;
		// a card is a 16:9 picture over about 245 px of text.
		columns := max(1, (width-4)/292)
		rows := (cards + columns - 1) / columns
		column := float64(width-24-(columns-1)*20) / float64(columns)
		return int(float64(rows)*(column*9/16+265)) + 4
	}
	if width < 544 { // below 34rem the featured card stacks its picture
		return 930
	}
	return 700
}

// compactHeight is about the height of the widget's compact layout
// (app/ui/widget.go), which depends little on the width: measured in
// Chromium on the sample from 272 to 650 px (app/browsertest).
func compactHeight(o params.Embed) int {
	switch ui.CompactLayout(o) {
	case params.LayoutCarousel:
		return 365
	case params.LayoutCards:
		cards := o.Limit
		if o.Article != "" {
			cards++
		}
		n := min(cards, ui.CompactRows(o.MaxHeight))
		return 24 + n*140 + (n-1)*12
	case ui.LayoutFeatured:
		return 165
	}
	return 505
}

// articleLink is where the fallback link leads: the article on the
// publisher's site, else its page here.
func articleLink(a news.Article, origin string) string {
	if u, err := url.Parse(a.URL); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return a.URL
	}
	return origin + "/a/" + url.PathEscape(a.Slug)
}

// thumbnail is the article's image as an absolute URL, when it fits the
// consumer's maximum size (oEmbed requires it). A drawing (SVG) scales to
// fit.
func thumbnail(img *news.Image, origin string, req oembedRequest) (string, int, int) {
	if img == nil || img.Src == "" || img.Width <= 0 || img.Height <= 0 {
		return "", 0, 0
	}
	src := img.Src
	switch {
	case strings.HasPrefix(src, "/") && !strings.HasPrefix(src, "//"):
		src = origin + src
	case !strings.HasPrefix(src, "https://") && !strings.HasPrefix(src, "http://"):
		return "", 0, 0
	}
	width, height := img.Width, img.Height
	scale := 1.0
	if req.maxWidth > 0 && width > req.maxWidth {
		scale = float64(req.maxWidth) / float64(width)
	}
	if req.maxHeight > 0 && float64(height)*scale > float64(req.maxHeight) {
		scale = float64(req.maxHeight) / float64(height)
	}
	if scale < 1 {
		if !strings.HasSuffix(strings.ToLower(strings.SplitN(src, "?", 2)[0]), ".svg") {
			return "", 0, 0
		}
		width, height = max(1, int(float64(width)*scale)), max(1, int(float64(height)*scale))
	}
	return src, width, height
}

// sameHost reports whether u is on the host of origin, default ports aside.
func sameHost(u *url.URL, origin string) bool {
	o, err := url.Parse(origin)
	return err == nil && strings.EqualFold(hostPort(u), hostPort(o))
}

func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" || (port == "80" && u.Scheme == "http") || (port == "443" && u.Scheme == "https") {
		return u.Hostname()
	}
	return u.Hostname() + ":" + port
}

// oembedDiscovery is the URL of the oEmbed answer for the page at path on
// the server at origin, for its <link rel="alternate" type="application/json+oembed">.
func oembedDiscovery(origin, path string) string {
	return origin + "/oembed?" + url.Values{"format": {"json"}, "url": {origin + path}}.Encode()
}
