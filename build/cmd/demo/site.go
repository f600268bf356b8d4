package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/kiosque/kiosque/build/cmd/demo/wordpress"
)

//go:embed pages
var pages embed.FS

// partnerSite is the site that embeds the widgets.
type partnerSite struct {
	Widget   string // the Kiosque server's URL
	French   article
	Arabic   article
	Category string
	page     *template.Template
}

type article struct {
	Slug  string    `json:"slug"`
	Title string    `json:"title"`
	Image *struct{} `json:"image"`
}

func newPartnerSite(ctx context.Context, widget string) (*partnerSite, error) {
	page, err := template.New("").Funcs(template.FuncMap{
		"receiver": func() template.JS { return template.JS(wordpress.ReceiverScript) },
	}).ParseFS(pages, "pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse the demo's pages: %w", err)
	}
	s := &partnerSite{Widget: widget, Category: "culture", page: page}
	if s.French, err = newestIllustrated(ctx, widget, "fr"); err != nil {
		return nil, err
	}
	if s.Arabic, err = newestIllustrated(ctx, widget, "ar"); err != nil {
		return nil, err
	}
	return s, nil
}

// newestIllustrated asks Kiosque's API for its newest article in a
// language, one with a picture if it can.
func newestIllustrated(ctx context.Context, widget, lang string) (article, error) {
	var list struct{ Articles []article }
	if err := getJSON(ctx, widget+"/api/v1/articles?limit=20&lang="+lang, &list); err != nil {
		return article{}, err
	}
	if len(list.Articles) == 0 {
		return article{}, fmt.Errorf("%s has no article in %s", widget, lang)
	}
	for _, a := range list.Articles {
		if a.Image != nil {
			return a, nil
		}
	}
	return list.Articles[0], nil
}

func getJSON(ctx context.Context, u string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("get %s: %w", u, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("get %s: %s", u, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		return fmt.Errorf("decode %s: %w", u, err)
	}
	return nil
}

func (s *partnerSite) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.partnerPage)
	mux.HandleFunc("GET /wordpress", s.wordpressPost)
	return mux
}

func (s *partnerSite) partnerPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, "partner.html", s)
}

// wordpressPost is a post into which the French article's URL was pasted:
// WordPress found the oEmbed endpoint on the article's page, asked it for
// the HTML at the post's width, and filtered what it got.
func (s *partnerSite) wordpressPost(w http.ResponseWriter, r *http.Request) {
	page := s.Widget + "/a/" + url.PathEscape(s.French.Slug)
	var answer struct {
		HTML string `json:"html"`
	}
	q := url.Values{"url": {page}, "maxwidth": {"640"}, "maxheight": {"960"}, "format": {"json"}}
	if err := getJSON(r.Context(), s.Widget+"/oembed?"+q.Encode(), &answer); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	embed, err := wordpress.FilterOEmbed(answer.HTML, wordpress.Secret())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	s.render(w, "wordpress.html", struct {
		Page  string
		Embed template.HTML
	}{page, template.HTML(embed)})
}

func (s *partnerSite) render(w http.ResponseWriter, name string, data any) {
	var page bytes.Buffer
	if err := s.page.ExecuteTemplate(&page, name, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(page.Bytes())
}
