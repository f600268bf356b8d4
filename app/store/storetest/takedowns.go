package storetest

import (
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

func takedownTests() []test {
	return []test{
		{"BlockBySlugRemovesAndRecords", testBlockBySlug},
		{"BlockByURLRemovesEveryCopy", testBlockByURL},
		{"BlockedItemsStayOutOfImports", testBlockedItemsStayOut},
		{"URLBlockedBeforeItsArticleCame", testURLBlockedBeforehand},
		{"BlockingAgainChangesNothing", testBlockingAgain},
		{"BadReferencesAreRefused", testBlockRefusesBadRefs},
		{"UnblockLetsTheNextImportBringItBack", testUnblock},
		{"BlockForgetsImagesNoArticleUses", testBlockForgetsUnusedImages},
	}
}

const takedownOrigin = "wordpress:https://example.com"

// threeImported imports posts 1, 2 and 3 of takedownOrigin: un, deux,
// trois, at https://example.com/<slug>.
func threeImported(t *testing.T, st Store) store.Import {
	t.Helper()
	imp := store.Import{Origin: takedownOrigin, Articles: []store.Imported{
		imported("1", "un", "Un"), imported("2", "deux", "Deux"), imported("3", "trois", "Trois"),
	}, State: store.SourceState{ETag: `"v1"`, Cursor: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)}}
	if _, err := st.ApplyImport(t.Context(), imp); err != nil {
		t.Fatal(err)
	}
	return imp
}

func block(t *testing.T, st Store, ref string) store.Takedown {
	t.Helper()
	done, err := st.Block(t.Context(), ref)
	if err != nil {
		t.Fatalf("block %q: %v", ref, err)
	}
	return done
}

func blockList(t *testing.T, st Store) []store.Block {
	t.Helper()
	entries, err := st.Blocked(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func testBlockBySlug(t *testing.T, open Open) {
	ctx := t.Context()
	st, another := open(t)
	threeImported(t, st)
	putLists(t, st, map[string][]string{"un": {"deux", "trois"}, "deux": {"un", "trois"}, "trois": {"deux"}})

	before := time.Now().Add(-time.Second)
	done := block(t, st, "deux")
	if !slices.Equal(done.Removed, []string{"deux"}) || len(done.Blocked) != 1 {
		t.Fatalf("takedown: %+v", done)
	}
	want := store.Block{URL: "https://example.com/deux", Slug: "deux", Title: "Deux", Origin: takedownOrigin, OriginID: "2"}
	got := done.Blocked[0]
	if got.Since.Before(before) || got.Since.After(time.Now().Add(time.Second)) {
		t.Errorf("blocked since %v", got.Since)
	}
	got.Since = time.Time{}
	if got != want {
		t.Errorf("entry: got %+v, want %+v", got, want)
	}

	// Another handle (another process, another server) sees it all.
	other := another(t)
	if _, err := other.Article(ctx, "deux"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the blocked article is still readable: %v", err)
	}
	if _, err := other.ArticleByURL(ctx, "https://example.com/deux"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the blocked article is still found by URL: %v", err)
	}
	if got := storedSlugs(t, other); !slices.Equal(got, []string{"trois", "un"}) {
		t.Errorf("stored: %v", got)
	}
	entries := blockList(t, other)
	if len(entries) != 1 || entries[0].Slug != "deux" || entries[0].URL != want.URL || !entries[0].Since.Equal(done.Blocked[0].Since) {
		t.Errorf("block list: %+v", entries)
	}
	// Its own list goes, and the lists that named it lose it at once,
	// keeping their order.
	wantLists := map[string][]string{"un": {"trois"}, "trois": {}}
	if got := relatedLists(t, other); !maps.EqualFunc(got, wantLists, slices.Equal) {
		t.Errorf("lists after the takedown: got %q, want %q", got, wantLists)
	}
}

func testBlockByURL(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	threeImported(t, st)
	// The same page, imported from the site's feed too, and stored by
	// hand with http.
	if _, err := st.ApplyImport(ctx, store.Import{Origin: "feed:https://example.com/feed", Articles: []store.Imported{
		imported("https://example.com/deux", "deux", "Deux"),
	}}); err != nil {
		t.Fatal(err)
	}
	byHand := imported("", "deux-a-la-main", "Deux").Article
	byHand.URL = "http://example.com/deux/"
	put(t, st, byHand)

	done := block(t, st, "http://example.com/deux/")
	slices.Sort(done.Removed)
	if want := []string{"deux", "deux-2", "deux-a-la-main"}; !slices.Equal(done.Removed, want) {
		t.Errorf("removed %q, want %q", done.Removed, want)
	}
	if len(done.Blocked) != 3 {
		t.Errorf("entries added: %+v", done.Blocked)
	}
	if got := storedSlugs(t, st); !slices.Equal(got, []string{"trois", "un"}) {
		t.Errorf("stored: %v", got)
	}

	// Blocking a slug takes the other copies at its URL too.
	if _, err := st.ApplyImport(ctx, store.Import{Origin: "feed:https://example.com/feed", Articles: []store.Imported{
		imported("https://example.com/trois", "trois", "Trois"),
	}}); err != nil {
		t.Fatal(err)
	}
	done = block(t, st, "trois")
	slices.Sort(done.Removed)
	if want := []string{"trois", "trois-2"}; !slices.Equal(done.Removed, want) {
		t.Errorf("removed %q, want %q", done.Removed, want)
	}
}

func testBlockedItemsStayOut(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	imp := threeImported(t, st)
	block(t, st, "deux")

	// The same import again: post 2 stays out.
	res, err := st.ApplyImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != 0 || !slices.Equal(res.Blocked, []string{"2"}) || res.Unchanged != 2 {
		t.Errorf("import after the takedown: %+v", res)
	}
	// Edited, under another URL: its identity blocks it. Under another
	// identity at its URL (http, with a slash): its URL does.
	moved := imported("2", "deux-deplace", "Deux, déplacé")
	moved.Article.URL = "https://example.com/ailleurs"
	copied := imported("9", "deux-copie", "Deux")
	copied.Article.URL = "http://example.com/deux/"
	res, err = st.ApplyImport(ctx, store.Import{Origin: takedownOrigin, Articles: []store.Imported{moved, copied}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != 0 || !slices.Equal(res.Blocked, []string{"2", "9"}) {
		t.Errorf("import of the blocked post moved or copied: %+v", res)
	}
	if got := storedSlugs(t, st); !slices.Equal(got, []string{"trois", "un"}) {
		t.Errorf("stored: %v", got)
	}
	// A full listing that lacks it removes nothing else, and it is no
	// error for a blocked item to be listed as present.
	res, err = st.ApplyImport(ctx, store.Import{Origin: takedownOrigin, RemoveMissing: true, Present: []string{"1", "2", "3"}})
	if err != nil || res.Changed() {
		t.Errorf("a full listing after the takedown: %+v, %v", res, err)
	}
}

func testURLBlockedBeforehand(t *testing.T, open Open) {
	ctx := t.Context()
	st, another := open(t)
	done := block(t, st, "https://example.com/deux")
	if len(done.Removed) != 0 || len(done.Blocked) != 1 || done.Blocked[0].URL != "https://example.com/deux" || done.Blocked[0].Slug != "" {
		t.Errorf("takedown of a URL not stored: %+v", done)
	}
	res, err := another(t).ApplyImport(ctx, store.Import{Origin: takedownOrigin, Articles: []store.Imported{
		imported("1", "un", "Un"), imported("2", "deux", "Deux"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Added, []string{"un"}) || !slices.Equal(res.Blocked, []string{"2"}) {
		t.Errorf("import: %+v", res)
	}
}

func testBlockingAgain(t *testing.T, open Open) {
	st, _ := open(t)
	threeImported(t, st)
	block(t, st, "deux")
	for _, ref := range []string{"deux", "https://example.com/deux", "http://example.com/deux/"} {
		if done := block(t, st, ref); len(done.Removed)+len(done.Blocked)+len(done.Media) != 0 {
			t.Errorf("blocking %q again: %+v", ref, done)
		}
	}
	if entries := blockList(t, st); len(entries) != 1 {
		t.Errorf("block list: %+v", entries)
	}
}

func testBlockRefusesBadRefs(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	threeImported(t, st)
	for _, ref := range []string{"", "ftp://example.com/deux", "deux trois", "https://", "Deux!"} {
		if _, err := st.Block(ctx, ref); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("block %q: %v, want ErrInvalid", ref, err)
		}
		if _, err := st.Unblock(ctx, ref); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("unblock %q: %v, want ErrInvalid", ref, err)
		}
	}
	if _, err := st.Block(ctx, "quatre"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("block an unknown slug: %v, want ErrNotFound", err)
	}
	if _, err := st.Unblock(ctx, "deux"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unblock what is not blocked: %v, want ErrNotFound", err)
	}
	if got := storedSlugs(t, st); len(got) != 3 || len(blockList(t, st)) != 0 {
		t.Errorf("refused references changed the store: %v, %+v", got, blockList(t, st))
	}
}

func testUnblock(t *testing.T, open Open) {
	ctx := t.Context()
	st, another := open(t)
	imp := threeImported(t, st)
	if err := st.SaveSourceState(ctx, store.SourceState{Key: "feed:https://other.example/rss", ETag: `"o1"`}); err != nil {
		t.Fatal(err)
	}
	block(t, st, "deux")
	block(t, st, "trois")

	entries, err := another(t).Unblock(ctx, "https://example.com/deux/")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Slug != "deux" || entries[0].OriginID != "2" {
		t.Errorf("unblocked: %+v", entries)
	}
	if got := blockList(t, st); len(got) != 1 || got[0].Slug != "trois" {
		t.Errorf("block list after unblocking deux: %+v", got)
	}
	// Its source fetches everything at its next import; others poll as
	// they did.
	state, err := st.SourceState(ctx, takedownOrigin)
	if err != nil {
		t.Fatal(err)
	}
	if state.ETag != "" || !state.Cursor.IsZero() {
		t.Errorf("the source of the unblocked article would not fetch it again: %+v", state)
	}
	if other, err := st.SourceState(ctx, "feed:https://other.example/rss"); err != nil || other.ETag != `"o1"` {
		t.Errorf("another source's state: %+v, %v", other, err)
	}
	res, err := st.ApplyImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Added, []string{"deux"}) || !slices.Equal(res.Blocked, []string{"3"}) {
		t.Errorf("import after unblocking: %+v", res)
	}
	// By slug too; once unblocked, it is no longer blocked.
	if _, err := st.Unblock(ctx, "trois"); err != nil {
		t.Error(err)
	}
	if _, err := st.Unblock(ctx, "trois"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unblocking twice: %v, want ErrNotFound", err)
	}
}

func testBlockForgetsUnusedImages(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	const (
		shared = "0123456789abcdef0123456789abcdef.jpg"
		own    = "fedcba9876543210fedcba9876543210.png"
		inBody = "00112233445566778899aabbccddeeff"
	)
	if err := st.PutMedia(ctx,
		store.Media{Key: shared, URL: "https://example.com/shared.jpg"},
		store.Media{Key: own, URL: "https://example.com/own.png"},
		store.Media{Key: inBody, URL: "https://example.com/body"},
	); err != nil {
		t.Fatal(err)
	}
	un, deux := imported("1", "un", "Un"), imported("2", "deux", "Deux")
	un.Article.Image = &news.Image{Src: mediakey.Prefix + shared, Alt: "Partagée"}
	deux.Article.Image = &news.Image{Src: mediakey.Prefix + own, Alt: "La sienne"}
	deux.Article.HTML = `<p>Texte</p><figure><img src="/media/` + inBody + `" alt=""></figure><p><img src="/media/` + shared + `" alt=""></p>`
	if _, err := st.ApplyImport(ctx, store.Import{Origin: takedownOrigin, Articles: []store.Imported{un, deux}}); err != nil {
		t.Fatal(err)
	}
	done := block(t, st, "deux")
	if want := []string{inBody, own}; !slices.Equal(done.Media, want) {
		t.Errorf("images freed: %q, want %q", done.Media, want)
	}
	for key, used := range map[string]bool{shared: true, own: false, inBody: false} {
		_, err := st.MediaURL(ctx, key)
		if recorded := err == nil; recorded != used {
			t.Errorf("image %s recorded: %v (%v), want %v", key, recorded, err, used)
		}
	}
}
