package server

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/kiosque/kiosque/app/params"
)

// FuzzAPIQuery: whatever query a client sends to the API's lists (limit,
// cursor, lang, category…) or asks a view for (the front page's and the
// widget's parameters), the answer is the list, a 400 problem naming the
// parameter at fault, or a 404 problem: never a 5xx, never a panic. A
// list holds at most the limit asked for, and the cursor it gives for the
// next page reads back.
func FuzzAPIQuery(f *testing.F) {
	for _, seed := range []string{
		"", "limit=3", "limit=0", "limit=51", "limit=1e9", "limit=-1", "limit=%2B3", "limit=03", "limit= 3",
		"lang=fr", "lang=AR", "lang=de", "lang=", "category=economie", "category=%C3%89conomie", "category=%00",
		"cursor=MTcwOTU0NjEwMDAwMC40Mg", "cursor=x", "cursor=LjE", "cursor=%FF",
		"article=" + seedSlug + "&lang=ar&layout=carousel&limit=4&target=_blank&theme=dark&wasm=eager",
		"article=nope", "article=" + seedSlug + "&category=economie", "theme=purple", "layout=grid", "wasm=now", "target=_self",
		"limit=2&limit=x", "lang=fr;theme=dark", "utm_source=x&limit=2",
	} {
		f.Add(seed)
	}
	h := newTestHandler(f, func(*Config) {})
	f.Fuzz(func(t *testing.T, raw string) {
		var list struct {
			Articles []json.RawMessage `json:"articles"`
			Next     string            `json:"next"`
		}
		if fetchJSON(t, h, "/api/v1/articles", raw, &list) {
			limit := defaultListLimit
			if q, _ := url.ParseQuery(params.Canonical(raw, "limit")); q.Has("limit") {
				limit, _ = params.Int(q, "limit", defaultListLimit, 1, maxListLimit)
			}
			if len(list.Articles) > limit {
				t.Fatalf("?%s: %d articles, more than the limit %d", raw, len(list.Articles), limit)
			}
			if list.Next != "" {
				q, _ := url.ParseQuery(params.Canonical(raw, "category", "lang", "limit"))
				q.Set("cursor", list.Next)
				if !fetchJSON(t, h, "/api/v1/articles", q.Encode(), &list) {
					t.Fatalf("?%s: the next page's cursor %q does not read back", raw, q.Get("cursor"))
				}
			}
		}
		if fetchJSON(t, h, "/api/v1/articles/"+seedSlug+"/related", raw, &list) && len(list.Articles) > maxRelatedLimit {
			t.Fatalf("related?%s: %d articles", raw, len(list.Articles))
		}
		for _, page := range []string{"/embed?", "/?"} {
			var view json.RawMessage
			fetchJSON(t, h, "/api/v1/view", "path="+url.QueryEscape(page+raw), &view)
		}
	})
}

// fetchJSON asks h for path?rawQuery and reads the answer into v. It
// reports whether the answer was a 200; anything but a 200, or a 400 or
// 404 problem naming what is wrong, fails the test.
func fetchJSON(t *testing.T, h http.Handler, path, rawQuery string, v any) bool {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.URL.RawQuery = rawQuery
	req.RequestURI = path + "?" + rawQuery
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	contentType, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	switch res.StatusCode {
	case http.StatusOK:
		if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
			t.Fatalf("%s?%s: 200 with %v: %s", path, rawQuery, err, rec.Body)
		}
		return true
	case http.StatusBadRequest, http.StatusNotFound:
		var p Problem
		if contentType != "application/problem+json" || json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.Detail == "" {
			t.Fatalf("%s?%s: %d %s: %s, want a problem", path, rawQuery, res.StatusCode, contentType, rec.Body)
		}
		known := []string{"limit", "cursor", "lang", "category", "path", "article", "theme", "layout", "target", "wasm"}
		if res.StatusCode == http.StatusBadRequest && !slices.Contains(known, p.Param) {
			t.Fatalf("%s?%s: 400 naming the parameter %q: %s", path, rawQuery, p.Param, rec.Body)
		}
		return false
	}
	t.Fatalf("%s?%s: %d: %s", path, rawQuery, res.StatusCode, rec.Body)
	return false
}
