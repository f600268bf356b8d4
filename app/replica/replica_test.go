package replica

import (
	"bytes"
	"context"
	"errors"
	"image"
	pngimage "image/png"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/front"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/ingest/feed"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/media"
	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/server"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
	"github.com/kiosque/kiosque/app/webtest"
)

// testReplica is a replica over a temporary SQLite store with the sample,
// with its background work running (it leads: the store is its own) and
// its related lists up to date.
func testReplica(t *testing.T) (*Replica, *sqlite.Store, string) {
	t.Helper()
	st, dir := sampleStore(t)
	r := newTestReplica(t, st, dir)
	run(t, r)
	return r, st, dir
}

// sampleStore is a temporary SQLite store with the sample.
func sampleStore(t *testing.T) (*sqlite.Store, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := sample.Fill(ctx, st); err != nil {
		t.Fatal(err)
	}
	return st, dir
}

func newTestReplica(t *testing.T, st *sqlite.Store, dir string) *Replica {
	t.Helper()
	r, err := New(Config{
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		Store:      st,
		Site:       server.Config{Web: os.DirFS("../../web"), Site: "Kiosque", FrameAncestors: "*"},
		DataDir:    dir,
		CacheBytes: 64 << 20,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// run runs r's background work until the test ends, and waits until it
// leads with its related lists up to date.
func run(t *testing.T, r *Replica) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case <-r.ListsReady():
	case <-time.After(30 * time.Second):
		t.Fatal("the replica never led, or its related lists were never up to date")
	}
}

// serve serves r's site on loopback through app/front, as the binary
// does, until the test ends.
func serve(t *testing.T, r *Replica) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	opts := front.DefaultOptions(slog.New(slog.NewTextHandler(io.Discard, nil)))
	opts.Grace = time.Second
	go func() { done <- front.Serve(ctx, ln, r.Site(), opts) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return "http://" + ln.Addr().String()
}

// Another writer (a second process in real life) changes the store; the
// leader's keeper brings the stored lists up to date, and the kept answers
// go.
func TestListsFollowOtherWriters(t *testing.T) {
	ctx := context.Background()
	r, st, dir := testReplica(t)
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	other, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	seed := articles[0]
	for _, a := range articles {
		if a.Slug == "hammouchi-examine-a-vienne-les-defis-du-terrorisme" {
			seed = a
		}
	}
	// The same subject in other words: not a duplicate, which lists drop.
	twin := seed
	twin.Slug = "renseignement-cooperation-antiterroriste-renforcee"
	twin.Title = "Renseignement : la coopération antiterroriste avec les partenaires du Golfe renforcée"
	twin.Excerpt = "La DGSN et la DGST renforcent l’échange de renseignements sur Daech et Al-Qaïda."
	twin.Body = []string{
		"La direction générale de la sécurité nationale et la direction générale de la surveillance du territoire ont signé de nouveaux accords d’échange de renseignements avec leurs homologues du Golfe, pour suivre les organisations terroristes Daech et Al-Qaïda.",
		"Ces accords portent sur le financement du terrorisme, les méthodes de cryptage des fonds et la propagande en ligne, ainsi que sur l’évaluation des menaces sécuritaires régionales à court et moyen terme.",
		"Les services de sécurité marocains, présents dans les instances internationales de lutte contre le terrorisme, partagent leur expérience de la coopération sécuritaire avec leurs partenaires.",
	}
	twin.Published = seed.Published.Add(24 * time.Hour)
	keepOne(t, r.answers)
	if err := other.Put(ctx, twin); err != nil {
		t.Fatal(err)
	}
	gone := articles[len(articles)-1].Slug
	if err := other.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}

	listed := func() bool {
		list, err := st.RelatedList(ctx, seed.Slug)
		return err == nil && slices.Contains(list, twin.Slug)
	}
	for deadline := time.Now().Add(5 * time.Second); !listed(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			list, _ := st.RelatedList(ctx, seed.Slug)
			t.Fatalf("the new article never joined its twin's stored list: %v", list)
		}
	}
	if s := r.answers.Stats(); s.Answers != 0 {
		t.Errorf("%d answers still kept after the store changed", s.Answers)
	}
	lists, err := st.RelatedLists(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := lists[gone]; ok {
		t.Error("the removed article still has a stored list")
	}
	for slug, list := range lists {
		if slices.Contains(list, gone) {
			t.Errorf("%s still lists the removed article", slug)
		}
	}
	if len(lists) != len(articles) {
		t.Errorf("%d lists stored for %d articles", len(lists), len(articles))
	}
}

// keepOne puts an answer in the cache.
func keepOne(t *testing.T, kept *answers.Cache) {
	t.Helper()
	kept.Get(context.Background(), "k", func(context.Context) answers.Answer {
		return answers.Answer{Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("kept")}
	})
	if s := kept.Stats(); s.Answers != 1 {
		t.Fatalf("%d answers kept, want 1", s.Answers)
	}
}

// The server drops nothing while the store does not change.
func TestAnswersStayWhileNothingChanges(t *testing.T) {
	ctx := context.Background()
	r, st, _ := testReplica(t)
	time.Sleep(1500 * time.Millisecond) // the lists' own writes are followed
	keepOne(t, r.answers)
	drops := r.answers.Stats().Drops
	for range 3 {
		if _, err := st.Articles(ctx, store.Query{Limit: 5}); err != nil { // reads are no change
			t.Fatal(err)
		}
		time.Sleep(time.Second)
	}
	if s := r.answers.Stats(); s.Answers != 1 || s.Drops != drops {
		t.Errorf("the answers were dropped with no change to the store: %+v", s)
	}
}

// What this server's own poller imports shows at once: the import drops
// the kept answers before the poller goes on (nothing follows the store's
// changes here).
func TestAnImportByThisServerShowsAtOnce(t *testing.T) {
	ctx := context.Background()
	st, data := sampleStore(t)
	r := newTestReplica(t, st, data)
	base := serve(t, r)
	paths := []string{"/", "/embed?category=societe&lang=fr", "/api/v1/articles"}
	const first, second = "Une première nouvelle du fil", "Une seconde nouvelle du fil"
	source := ingesttest.NewFeed(ingesttest.FreshFeed(first), "application/rss+xml", false)
	feedServer := httptest.NewServer(source)
	defer feedServer.Close()
	src, err := feed.New(feedServer.URL, fetch.New(fetch.Options{}), ingest.NewCleaner(news.French))
	if err != nil {
		t.Fatal(err)
	}
	imported := make(chan struct{}, 4)
	poller := ingest.NewPoller(st, []ingest.Source{src}, ingest.PollerOptions{
		Interval: 300 * time.Millisecond,
		OnChange: func(ctx context.Context, _ ingest.Report) {
			r.imported(ctx)
			imported <- struct{}{}
		},
		Logger: r.log,
	})
	pollCtx, stopPolling := context.WithCancel(ctx)
	defer stopPolling()
	go poller.Run(pollCtx)
	<-imported
	if !webtest.Shows(t, base, first, paths...) {
		t.Fatalf("right after the first import, %v do not show it", paths)
	}
	source.SetBody(ingesttest.FreshFeed(second))
	<-imported
	if !webtest.Shows(t, base, second, paths...) {
		t.Fatalf("right after the second import, %v do not show it", paths)
	}
}

// A takedown by another process (`kiosque remove`) leaves the related
// lists that named the article at once, drops the kept answers that show
// it, and the leader's keeper then fills the lists it shortened.
func TestATakedownLeavesTheListsAndTheKeptAnswers(t *testing.T) {
	ctx := context.Background()
	r, st, dir := testReplica(t)
	base := serve(t, r)
	lists, err := st.RelatedLists(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A neighbour shown in another article's list, whose answer is kept.
	var owner, gone string
	for _, slug := range slices.Sorted(maps.Keys(lists)) {
		if len(lists[slug]) > 1 {
			owner, gone = slug, lists[slug][0]
			break
		}
	}
	if gone == "" {
		t.Fatal("no stored list names an article")
	}
	related := "/api/v1/articles/" + owner + "/related"
	if !webtest.Shows(t, base, `"slug":"`+gone+`"`, related) {
		t.Fatalf("%s does not show %s before the takedown", related, gone)
	}
	length := len(lists[owner])

	other, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Block(ctx, gone); err != nil {
		t.Fatal(err)
	}
	list, err := other.RelatedList(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(list, gone) {
		t.Errorf("right after the takedown, the stored list of %s still names %s: %q", owner, gone, list)
	}
	for deadline := time.Now().Add(10 * time.Second); webtest.Shows(t, base, `"slug":"`+gone+`"`, related); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s still shows %s, taken down", related, gone)
		}
	}
	refilled := func() bool {
		list, err := st.RelatedList(ctx, owner)
		return err == nil && len(list) == length && !slices.Contains(list, gone)
	}
	for deadline := time.Now().Add(10 * time.Second); !refilled(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			list, _ := st.RelatedList(ctx, owner)
			t.Fatalf("the keeper never filled the list of %s again: %q, want %d slugs without %s", owner, list, length, gone)
		}
	}
}

// The image of an article taken down by another process is served no
// longer, and its file goes.
func TestATakedownTakesTheImagesOut(t *testing.T) {
	ctx := context.Background()
	r, st, dir := testReplica(t)
	base := serve(t, r)
	var png bytes.Buffer
	if err := pngimage.Encode(&png, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write(png.Bytes()) }))
	defer up.Close()
	src := up.URL + "/photo.png"
	a := news.Article{Slug: "a-retirer", Title: "À retirer", Category: "Société", Lang: news.French,
		Published: time.Now().Add(-time.Hour), Image: &news.Image{Src: mediakey.Path(src)}, URL: "https://example.ma/a-retirer"}
	if err := st.PutMedia(ctx, store.Media{Key: mediakey.Of(src), URL: src}); err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, a); err != nil {
		t.Fatal(err)
	}
	status := func() int {
		res, err := http.Get(base + mediakey.Path(src))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if s := status(); s != http.StatusOK {
		t.Fatalf("the image before the takedown: %d", s)
	}
	file := filepath.Join(dir, media.Folder, mediakey.Of(src))
	if _, err := os.Stat(file); err != nil {
		t.Fatal(err)
	}

	other, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	done, err := other.Block(ctx, a.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(done.Media, []string{mediakey.Of(src)}) {
		t.Errorf("takedown: images %q", done.Media)
	}
	for deadline := time.Now().Add(10 * time.Second); status() != http.StatusNotFound; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the image of the article taken down is still served")
		}
	}
	if _, err := os.Stat(file); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("its file: %v, want it gone", err)
	}
}
