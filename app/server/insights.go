package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/insights/dashboard"
	"github.com/kiosque/kiosque/app/insights/dashpage"
	"github.com/kiosque/kiosque/app/insights/report"
	"github.com/kiosque/kiosque/app/params"
	"github.com/kiosque/kiosque/app/ui"
)

// The dashboard is the publisher's alone. The token reaches it in the
// Authorization header, never in a URL, a cookie or the page: a browser
// asks for it once (HTTP Basic authentication: any user name, the token
// as the password) and sends it with each request to the dashboard, its
// period links and its CSV, until it quits; a script sends it as a
// Bearer token. Nothing is stored on the publisher's machine, and the
// answers are never kept, by this server, a proxy or the browser.

// realm names what the browser asks the token for.
const realm = `Basic realm="Kiosque insights", charset="UTF-8"`

// publisher reports whether r carries the admin token.
func (s *server) publisher(r *http.Request) bool {
	want := s.Insights.AdminToken
	if want == "" {
		return false
	}
	got, ok := "", false
	auth := r.Header.Get("Authorization")
	if scheme, rest, found := strings.Cut(auth, " "); found {
		switch strings.ToLower(scheme) {
		case "bearer":
			got, ok = strings.TrimSpace(rest), true
		case "basic":
			if raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest)); err == nil {
				_, got, ok = strings.Cut(string(raw), ":")
			}
		}
	}
	// Compared as hashes, in constant time: neither the token's length nor
	// its first bytes leak through the time taken.
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return ok && subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// unauthorized answers a request without the token: 401, and nothing of
// the insights, not even whether there are any.
func unauthorized(w http.ResponseWriter) {
	h := w.Header()
	h.Del("Access-Control-Allow-Origin")
	h.Set("WWW-Authenticate", realm)
	h.Set("Vary", "Authorization")
	problem(w, http.StatusUnauthorized, "the insights are the publisher's: give the token of kiosque serve -admin-token")
}

// privateHeaders are the headers of the dashboard's answers: kept by no
// one, sent nowhere else.
func privateHeaders(h http.Header) {
	h.Del("Access-Control-Allow-Origin") // no other site's script reads them
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Authorization, Accept-Language")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex")
}

// insightsReport reads the report of the period r asks for. The counts
// this server took and has not flushed yet are flushed first, so that the
// dashboard shows them at once.
func (s *server) insightsReport(ctx context.Context, q url.Values) (report.Report, error) {
	p, err := dashboard.ParsePeriod(q, s.Insights.now())
	if err != nil {
		return report.Report{}, err
	}
	if err := s.Insights.Tally.Flush(ctx); err != nil {
		s.Log.WarnContext(ctx, "the dashboard shows the stored counts only: this server's latest could not be stored", "err", err)
	}
	return dashboard.Build(ctx, s.Insights.Store, s.articleTitles, p)
}

// articleTitles are the titles of the articles of slugs still stored.
func (s *server) articleTitles(ctx context.Context, slugs []string) (map[string]dashboard.Title, error) {
	articles, err := s.Store.ArticlesBySlug(ctx, slugs)
	if err != nil {
		return nil, err
	}
	titles := make(map[string]dashboard.Title, len(articles))
	for _, a := range articles {
		titles[a.Slug] = dashboard.Title{Text: a.Title, Lang: string(a.Lang)}
	}
	return titles, nil
}

// insightsPage serves the dashboard, /insights: a page prerendered like
// the others, whose app never starts (its links are plain navigations,
// which carry the token), and which nothing keeps.
func (s *server) insightsPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.publisher(r) {
			unauthorized(w)
			return
		}
		q := r.URL.Query()
		page := params.CanonicalURI("/insights", r.URL.RawQuery, "days", "from", "lang", "theme", "to")
		v := dashpage.View{View: ui.View{Path: page, Site: s.Site}}
		status := http.StatusOK
		asked, err := params.ParseLang(q.Get("lang"))
		if err == nil {
			v.Theme, err = params.ParseTheme(q.Get("theme"))
		}
		v.Lang = firstLang(asked, s.readerLang(netRequest{r}, page))
		var rep report.Report
		if err == nil {
			rep, err = s.insightsReport(r.Context(), q)
		}
		var pe *params.Error
		switch {
		case errors.As(err, &pe):
			v.Error, status = pe.Error(), http.StatusBadRequest
		case err != nil:
			s.internalError(w, r, err)
			return
		default:
			v.Insights = &rep
		}
		body, err := s.pages.renderDashboard(v)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		h := http.Header{}
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", s.contentSecurityPolicy(false))
		h.Set("X-Frame-Options", "DENY")
		privateHeaders(h)
		answers.Prepare(answers.Answer{Status: status, Header: h, Body: body}).ServeHTTP(w, r)
	})
}

// insightsCSV serves the dashboard's numbers as CSV, /insights.csv.
func (s *server) insightsCSV() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.publisher(r) {
			unauthorized(w)
			return
		}
		rep, err := s.insightsReport(r.Context(), r.URL.Query())
		var pe *params.Error
		switch {
		case errors.As(err, &pe):
			badParam(w, err)
			return
		case err != nil:
			s.internalError(w, r, err)
			return
		}
		var b bytes.Buffer
		if err := dashboard.WriteCSV(&b, rep); err != nil {
			s.internalError(w, r, err)
			return
		}
		h := w.Header()
		privateHeaders(h)
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="kiosque-insights-%s-%s.csv"`, rep.From, rep.To))
		answers.Prepare(answers.Answer{Header: h.Clone(), Body: b.Bytes()}).ServeHTTP(w, r)
	})
}
