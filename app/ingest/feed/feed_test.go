package feed_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/ingest/feed"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newSource(t *testing.T, url string) *feed.Source {
	t.Helper()
	src, err := feed.New(url, fetch.New(fetch.Options{Timeout: 5 * time.Second}), ingest.NewCleaner(news.French))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func importOnce(t *testing.T, st *sqlite.Store, src ingest.Source) ingest.Report {
	t.Helper()
	report, err := ingest.Import(context.Background(), st, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	return report
}

func TestRSS(t *testing.T) {
	st := openStore(t)
	rss := ingesttest.NewFeed(ingesttest.Fixture(t, "feeds/rss.xml"), "application/rss+xml; charset=UTF-8", true)
	srv := httptest.NewServer(rss)
	defer srv.Close()
	src := newSource(t, srv.URL+"/feed/")

	report := importOnce(t, st, src)
	if len(report.Added) != 3 || len(report.Skipped) != 1 || report.Skipped[0].Reason != "no publication date" {
		t.Fatalf("report: %+v", report)
	}
	meteo, err := st.Article(context.Background(), "meteo-des-pluies-attendues-sur-le-nord")
	if err != nil {
		t.Fatal(err)
	}
	if meteo.Title != "Météo\u00a0: des pluies attendues sur le Nord" || meteo.Category != "Société" || !slices.Equal(meteo.Tags, []string{"Météo"}) ||
		meteo.Author != "Salma Bennani" || meteo.Lang != news.French || meteo.Source != "Le Quotidien de Casablanca" ||
		meteo.Excerpt != "Des averses orageuses sont attendues ce week-end sur le Rif et le Loukkos." ||
		meteo.Image == nil || meteo.Image.Src != mediakey.Path("https://example.ma/wp-content/uploads/2024/03/pluie.jpg") || meteo.Image.Width != 1200 ||
		!meteo.Published.Equal(time.Date(2024, 3, 8, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("meteo: %+v %+v", meteo, meteo.Image)
	}
	if !strings.Contains(meteo.HTML, `href="https://example.ma/regions/tanger/"`) || len(meteo.Body) != 2 {
		t.Errorf("meteo body: %q\n%s", meteo.Body, meteo.HTML)
	}
	ar, err := st.Article(context.Background(), "المغرب-يطلق")
	if err != nil {
		t.Fatal(err)
	}
	if ar.Lang != news.Arabic || len(ar.Body) != 2 || ar.Category != "اقتصاد" {
		t.Errorf("arabic item: %+v", ar)
	}
	if eco, _ := st.Article(context.Background(), "leconomie-marocaine-resiste-en-2024"); eco.Image == nil || eco.Image.Src != mediakey.Path("https://example.ma/wp-content/uploads/2024/03/port-tanger.jpg") {
		t.Errorf("image from the enclosure: %+v", eco.Image)
	}
	if src, err := st.MediaURL(context.Background(), mediakey.Of("https://example.ma/wp-content/uploads/2024/03/pluie.jpg")); err != nil || src != "https://example.ma/wp-content/uploads/2024/03/pluie.jpg" {
		t.Errorf("the media of meteo's image stands for %q, %v", src, err)
	}

	// Unchanged: a 304, nothing read, nothing written.
	report = importOnce(t, st, src)
	if !report.NotModified || report.Changed() || rss.NotModified() != 1 {
		t.Errorf("second poll: %+v, %d not modified", report, rss.NotModified())
	}

	// A new version of the feed: the edited item updates in place.
	rss.SetBody(bytes.Replace(ingesttest.Fixture(t, "feeds/rss.xml"), []byte("sur le Nord</title>"), []byte("sur le Nord et l’Oriental</title>"), 1))
	report = importOnce(t, st, src)
	if !slices.Equal(report.Updated, []string{"meteo-des-pluies-attendues-sur-le-nord"}) || len(report.Added) != 0 || report.Unchanged != 2 {
		t.Errorf("after an edit: %+v", report)
	}
}

func TestAtomWithoutValidators(t *testing.T) {
	st := openStore(t)
	atom := ingesttest.NewFeed(ingesttest.Fixture(t, "feeds/atom.xml"), "application/atom+xml", false)
	srv := httptest.NewServer(atom)
	defer srv.Close()
	src := newSource(t, srv.URL+"/atom.xml")

	report := importOnce(t, st, src)
	if !slices.Equal(report.Added, []string{"tramway-line-3", "phosphate-exports-record"}) {
		t.Fatalf("report: %+v", report)
	}
	tram, _ := st.Article(context.Background(), "tramway-line-3")
	if tram.Title != "Casablanca’s new tramway line opens" || tram.URL != srv.URL+"/2024/03/07/tramway-line-3" ||
		tram.Lang != news.English || tram.Author != "John Miller" || tram.Category != "Transport" ||
		!tram.Published.Equal(time.Date(2024, 3, 7, 11, 0, 0, 0, time.UTC)) || !tram.Updated.Equal(time.Date(2024, 3, 7, 12, 30, 0, 0, time.UTC)) {
		t.Errorf("tramway: %+v", tram)
	}
	phos, _ := st.Article(context.Background(), "phosphate-exports-record")
	if !slices.Equal(phos.Body, []string{"Exports of phosphates and their derivatives rose by 12% over the year."}) || !strings.Contains(phos.HTML, "<em>12%</em>") {
		t.Errorf("xhtml content: %q %s", phos.Body, phos.HTML)
	}

	// No validators: the feed is read again, and nothing changes.
	report = importOnce(t, st, src)
	if report.NotModified || report.Changed() || report.Unchanged != 2 || atom.Requests() != 2 {
		t.Errorf("second poll: %+v", report)
	}
}

func TestNewRefusesBadURLs(t *testing.T) {
	for _, u := range []string{"", "example.com/feed", "file:///etc/passwd", "javascript:alert(1)"} {
		if _, err := feed.New(u, fetch.New(fetch.Options{}), ingest.NewCleaner(news.French)); err == nil {
			t.Errorf("feed.New(%q) accepted", u)
		}
	}
}
