package front

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/insights/limit"
	"github.com/kiosque/kiosque/app/insights/tally"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/server"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// Beacons the front hands the site itself (server.TakeEvent) get the very
// answers the site's handler gives.
func TestBeaconsGetTheHandlersAnswers(t *testing.T) {
	st, err := sqlite.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	articles, _ := sample.Articles()
	if err := st.Put(t.Context(), articles...); err != nil {
		t.Fatal(err)
	}
	site, err := server.New(server.Config{
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Store: st, Lists: st,
		Web: withoutWasm{os.DirFS("../../web")}, Site: "Kiosque Test",
		Insights: &server.Insights{Tally: tally.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), 0), Store: st,
			Limiter: limit.New(limit.Options{Rate: 1000, Burst: 1000}), Baseline: st},
	})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := serve(t, site, time.Second)
	handler := httptest.NewServer(site)
	defer handler.Close()
	for _, tc := range []struct{ method, body, contentType string }{
		{http.MethodPost, `{"kind":"view","article":"` + seedSlug + `"}`, "text/plain;charset=UTF-8"},
		{http.MethodPost, `{"kind":"view","article":"pas-un-article"}`, "text/plain;charset=UTF-8"},
		{http.MethodPost, `{"kind":"view","visitor":"a1b2"}`, "application/json"},
		{http.MethodPost, `{"kind":"view"}`, "application/x-www-form-urlencoded"},
		{http.MethodPost, strings.Repeat(" ", 2000), "text/plain"},
		{http.MethodPut, `{"kind":"view"}`, "text/plain"},
	} {
		var answers [2]string
		for i, u := range []string{base, handler.URL} {
			req, _ := http.NewRequest(tc.method, u+"/api/v1/events", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.contentType)
			req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			answers[i] = res.Status + " " + res.Header.Get("Content-Type") + " " + res.Header.Get("Cache-Control") + " " +
				res.Header.Get("Allow") + " " + res.Header.Get("Access-Control-Allow-Origin") + " " + string(body)
		}
		if answers[0] != answers[1] {
			t.Errorf("%s %.40s: the front answers %q, the handler %q", tc.method, tc.body, answers[0], answers[1])
		}
	}
}
