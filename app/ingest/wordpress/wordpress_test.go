package wordpress_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/htmltest"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/ingest/wordpress"
	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

type fixture struct {
	site  *ingesttest.WordPress
	url   string
	store *sqlite.Store
	src   *wordpress.Source
}

func newFixture(t *testing.T, opts wordpress.Options) *fixture {
	t.Helper()
	site := ingesttest.NewWordPress(ingesttest.Posts(t, "wordpress/posts.json")...)
	site.PageSize = 2 // five posts over three pages
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	src, err := wordpress.New(srv.URL+"/", fetch.New(fetch.Options{Timeout: 5 * time.Second}), ingest.NewCleaner(news.French), opts)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{site: site, url: srv.URL, store: st, src: src}
}

func (f *fixture) sync(t *testing.T) ingest.Report {
	t.Helper()
	report, err := ingest.Import(context.Background(), f.store, f.src, nil)
	if err != nil {
		t.Fatal(err)
	}
	return report
}

func (f *fixture) article(t *testing.T, slug string) news.Article {
	t.Helper()
	a, err := f.store.Article(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestFirstSyncMapsTheRESTShape(t *testing.T) {
	f := newFixture(t, wordpress.Options{})
	report := f.sync(t)
	if len(report.Added) != 5 || len(report.Skipped) != 0 {
		t.Fatalf("report: %+v", report)
	}
	if f.src.Key() != "wordpress:"+f.url {
		t.Errorf("key = %s", f.src.Key())
	}

	eco := f.article(t, "leconomie-marocaine-resiste-en-2024")
	want := news.Article{
		ID:        eco.ID,
		Slug:      "leconomie-marocaine-resiste-en-2024",
		URL:       "https://example.ma/2024/03/04/leconomie-marocaine-resiste-en-2024/",
		Title:     "L’économie marocaine «\u00a0résiste\u00a0» en 2024",
		Excerpt:   "Malgré la sécheresse, la croissance reste positive selon Bank Al-Maghrib. Les exportations de phosphates et d’automobiles ont progressé de 8\u00a0% sur un an. Lire aussi.",
		Category:  "Économie",
		Tags:      []string{"Ports", "Exportations & commerce"},
		Author:    "Salma Bennani",
		Published: time.Date(2024, 3, 4, 10, 15, 0, 0, time.UTC),
		Updated:   time.Date(2024, 3, 4, 10, 15, 0, 0, time.UTC),
		Lang:      news.French,
		Source:    "Le Quotidien de Casablanca",
		Image: &news.Image{
			Src: mediakey.Path("https://example.ma/wp-content/uploads/2024/03/port-tanger-1024x682.jpg"),
			Alt: "Des conteneurs au port de Tanger Med", Width: 1024, Height: 682,
		},
	}
	got := eco
	got.Body, got.HTML = nil, ""
	if !equalArticles(got, want) {
		t.Errorf("got  %+v %+v\nwant %+v %+v", got, *got.Image, want, *want.Image)
	}
	wantBody := []string{
		"Malgré la sécheresse, la croissance reste positive selon Bank Al-Maghrib.",
		"Le port de Tanger Med, en février.",
		"Les exportations tirent la croissance",
		"Les exportations de phosphates et d’automobiles ont progressé de 8\u00a0% sur un an. Lire aussi.",
	}
	if !slices.Equal(eco.Body, wantBody) {
		t.Errorf("body = %q", eco.Body)
	}
	if !strings.Contains(eco.HTML, `<a href="https://example.ma/2024/02/01/phosphates/" rel="nofollow noopener" target="_blank">Lire aussi</a>`) ||
		!strings.Contains(eco.HTML, "<figcaption>") || strings.Contains(eco.HTML, "srcset") {
		t.Errorf("html = %s", eco.HTML)
	}
	if err := htmltest.CheckInert(eco.HTML); err != nil {
		t.Error(err)
	}

	// The Arabic post: its %-encoded slug decoded, its language found
	// despite the site's French.
	ar := f.article(t, "المغرب-يطلق-برنامجا-جديدا")
	if ar.Lang != news.Arabic || ar.Lang.Dir() != "rtl" || ar.Category != "اقتصاد" || ar.Author != "يوسف العلمي" {
		t.Errorf("arabic post: %+v", ar)
	}

	// The post whose author is an error object has no author, and its
	// title is plain text.
	tom := f.article(t, "tom-jerry-au-cinema")
	if tom.Author != "" || tom.Title != "Tom & Jerry… au cinéma “Rif”" || tom.Image != nil {
		t.Errorf("post with author error: %+v", tom)
	}
	if tom.Excerpt != "La salle mythique de Tétouan rouvre ses portes avec une rétrospective des dessins animés. Les séances ont lieu chaque samedi." {
		t.Errorf("excerpt from the body: %q", tom.Excerpt)
	}
	if en := f.article(t, "casablancas-new-tramway-line-opens"); en.Lang != news.English {
		t.Errorf("english post: lang %s", en.Lang)
	}

	// Pagination: three pages of two, every one asked with _embed.
	var pages int
	for _, r := range f.site.Requests() {
		if strings.HasPrefix(r, "/wp-json/wp/v2/posts?_embed") && strings.Contains(r, "per_page=100") {
			pages++
		}
	}
	if pages != 3 {
		t.Errorf("%d pages fetched, want 3: %q", pages, f.site.Requests())
	}
}

func TestImagesAreServedFromKiosque(t *testing.T) {
	f := newFixture(t, wordpress.Options{})
	f.sync(t)
	eco := f.article(t, "leconomie-marocaine-resiste-en-2024")

	// The featured image ("large" rendition, WordPress's size kept) and
	// the body's image point at /media/, which stands for their URLs.
	featured := "https://example.ma/wp-content/uploads/2024/03/port-tanger-1024x682.jpg"
	inline := "https://example.ma/wp-content/uploads/2024/03/port-tanger-1024x683.jpg"
	if eco.Image == nil || eco.Image.Src != "/media/"+mediakey.Of(featured) || eco.Image.Width != 1024 || eco.Image.Height != 682 {
		t.Errorf("featured image: %+v", eco.Image)
	}
	wantImg := `<img width="1024" height="683" src="/media/` + mediakey.Of(inline) + `" alt="Le port de Tanger Med"/>`
	if !strings.Contains(eco.HTML, wantImg) || strings.Contains(eco.HTML, "srcset") || strings.Contains(eco.HTML, `src="http`) {
		t.Errorf("body image: want %s in\n%s", wantImg, eco.HTML)
	}
	for _, src := range []string{featured, inline} {
		if !strings.HasSuffix(mediakey.Of(src), ".jpg") || !mediakey.Valid(mediakey.Of(src)) {
			t.Errorf("key of %s: %q", src, mediakey.Of(src))
		}
		if got, err := f.store.MediaURL(context.Background(), mediakey.Of(src)); err != nil || got != src {
			t.Errorf("media %s stands for %q, %v; want %s", mediakey.Of(src), got, err, src)
		}
	}

	// Every stored image is local.
	all, err := f.store.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if a.Image != nil && !strings.HasPrefix(a.Image.Src, mediakey.Prefix) {
			t.Errorf("%s: image %s", a.Slug, a.Image.Src)
		}
		if strings.Contains(a.HTML, `src="http`) {
			t.Errorf("%s: remote image in %s", a.Slug, a.HTML)
		}
	}
}

func TestSecondSyncUpdatesEditedAndRemovesDeletedPosts(t *testing.T) {
	f := newFixture(t, wordpress.Options{FullListEvery: -1})
	f.sync(t)
	before := f.article(t, "leconomie-marocaine-resiste-en-2024")

	f.site.Put(ingesttest.Posts(t, "wordpress/post-101-edited.json")[0])
	f.site.Delete(105)
	requestsBefore := len(f.site.Requests())
	report := f.sync(t)

	if len(report.Added) != 0 || !slices.Equal(report.Updated, []string{"leconomie-marocaine-resiste-en-2024"}) ||
		!slices.Equal(report.Removed, []string{"meteo-des-pluies-attendues-sur-le-nord"}) {
		t.Fatalf("report: %+v", report)
	}
	after := f.article(t, "leconomie-marocaine-resiste-en-2024")
	if after.ID != before.ID || after.Title != "L’économie marocaine résiste en 2024, selon Bank Al-Maghrib" ||
		!after.Updated.Equal(time.Date(2024, 3, 9, 9, 0, 0, 0, time.UTC)) || !strings.Contains(after.Excerpt, "9\u00a0%") {
		t.Errorf("after edit: %+v", after)
	}
	if _, err := f.store.Article(context.Background(), "meteo-des-pluies-attendues-sur-le-nord"); err == nil {
		t.Error("deleted post still stored")
	}
	all, _ := f.store.All(context.Background())
	if len(all) != 4 {
		t.Errorf("%d articles stored, want 4", len(all))
	}

	// The second sync asked only for changes, then listed ids.
	var incremental, listing bool
	for _, r := range f.site.Requests()[requestsBefore:] {
		incremental = incremental || strings.Contains(r, "modified_after=")
		listing = listing || strings.Contains(r, "_fields=id")
	}
	if !incremental || !listing {
		t.Errorf("second sync requests: %q", f.site.Requests()[requestsBefore:])
	}
}

// A post its publisher withdrew (deleted, password-protected, made
// private or a draft again) is removed at the very next sync, by default.
func TestWithdrawnPostsAreRemovedAtTheNextSync(t *testing.T) {
	f := newFixture(t, wordpress.Options{})
	f.sync(t)
	later := time.Date(2024, 3, 10, 8, 0, 0, 0, time.UTC)
	f.site.Protect(101, later)
	f.site.SetStatus(102, "private", later)
	f.site.SetStatus(103, "draft", later)
	f.site.Delete(104)
	report := f.sync(t)
	removed := slices.Sorted(slices.Values(report.Removed))
	want := []string{
		"casablancas-new-tramway-line-opens",
		"leconomie-marocaine-resiste-en-2024",
		"tom-jerry-au-cinema",
		"المغرب-يطلق-برنامجا-جديدا",
	}
	if !slices.Equal(removed, want) || len(report.Added)+len(report.Updated) != 0 {
		t.Errorf("report: %+v; removed %q, want %q", report, removed, want)
	}
	if all, _ := f.store.All(context.Background()); len(all) != 1 {
		t.Errorf("%d articles stored, want 1", len(all))
	}
	// Published again, without its password, it comes back.
	f.site.Put(ingesttest.Posts(t, "wordpress/posts.json")[4])
	f.site.Edit(101, later.Add(time.Hour), func(map[string]any) {})
	if report := f.sync(t); !slices.Equal(report.Added, []string{"leconomie-marocaine-resiste-en-2024"}) {
		t.Errorf("report after publishing again: %+v", report)
	}
}

func TestIncrementalSyncWithoutListingKeepsDeletedPosts(t *testing.T) {
	f := newFixture(t, wordpress.Options{FullListEvery: time.Hour})
	f.sync(t)
	f.site.Delete(105)
	report := f.sync(t)
	if len(report.Removed) != 0 || len(report.Added)+len(report.Updated) != 0 {
		t.Errorf("report: %+v", report)
	}
	for _, r := range f.site.Requests() {
		if strings.Contains(r, "_fields=id") {
			t.Errorf("listed ids before FullListEvery: %s", r)
		}
	}
}

func TestPasswordProtectedPostsAreSkipped(t *testing.T) {
	f := newFixture(t, wordpress.Options{})
	post := string(ingesttest.Posts(t, "wordpress/posts.json")[0])
	f.site.Put([]byte(strings.Replace(post, `"protected": false`, `"protected": true`, 1)))
	report := f.sync(t)
	if len(report.Added) != 4 || len(report.Skipped) != 1 || report.Skipped[0].Reason != "password protected" {
		t.Errorf("report: %+v", report)
	}
}

func equalArticles(a, b news.Article) bool {
	if (a.Image == nil) != (b.Image == nil) || (a.Image != nil && *a.Image != *b.Image) {
		return false
	}
	a.Image, b.Image = nil, nil
	return a.ID == b.ID && a.Slug == b.Slug && a.URL == b.URL && a.Title == b.Title && a.Excerpt == b.Excerpt &&
		a.Category == b.Category && slices.Equal(a.Tags, b.Tags) && a.Author == b.Author &&
		a.Published.Equal(b.Published) && a.Updated.Equal(b.Updated) && a.Lang == b.Lang && a.Source == b.Source
}

// withoutPaginationHeaders drops X-WP-Total and X-WP-TotalPages, as some
// caching proxies do.
type withoutPaginationHeaders struct{ http.ResponseWriter }

func (w withoutPaginationHeaders) WriteHeader(code int) {
	w.Header().Del("X-WP-Total")
	w.Header().Del("X-WP-TotalPages")
	w.ResponseWriter.WriteHeader(code)
}

func (w withoutPaginationHeaders) Write(b []byte) (int, error) {
	w.Header().Del("X-WP-Total")
	w.Header().Del("X-WP-TotalPages")
	return w.ResponseWriter.Write(b)
}

func TestMissingPaginationHeadersImportButNeverRemove(t *testing.T) {
	site := ingesttest.NewWordPress(ingesttest.Posts(t, "wordpress/posts.json")...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		site.ServeHTTP(withoutPaginationHeaders{w}, r)
	}))
	defer srv.Close()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src, _ := wordpress.New(srv.URL, fetch.New(fetch.Options{}), ingest.NewCleaner(news.French), wordpress.Options{FullListEvery: -1, Logger: slog.New(slog.DiscardHandler)})

	report, err := ingest.Import(context.Background(), st, src, nil)
	if err != nil || len(report.Added) != 5 {
		t.Fatalf("first import: %+v, %v", report, err)
	}
	site.Delete(105)
	report, err = ingest.Import(context.Background(), st, src, nil)
	if err != nil || len(report.Removed) != 0 {
		t.Errorf("an unverifiable listing removed articles: %+v, %v", report, err)
	}
}
