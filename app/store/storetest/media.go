package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

func mediaTests() []test {
	return []test{
		{"RoundTrip", testMediaRoundTrip},
		{"PutIsOneTransaction", testPutMediaIsOneTransaction},
		{"RecordedMedia", testRecordedMedia},
		{"ImportRecordsItsImagesWithItsArticles", testImportRecordsItsImages},
		{"ImagesNoArticleUsesAreForgotten", testImagesNoArticleUsesAreForgotten},
	}
}

func testMediaRoundTrip(t *testing.T, open Open) {
	ctx := t.Context()
	st, another := open(t)
	if err := st.PutMedia(ctx,
		store.Media{Key: "aaaa.jpg", URL: "https://example.ma/a.jpg"},
		store.Media{Key: "bbbb.png", URL: "https://example.ma/b.png"},
	); err != nil {
		t.Fatal(err)
	}
	// Recording a key again (a re-import) keeps it, and is no error.
	if err := st.PutMedia(ctx, store.Media{Key: "aaaa.jpg", URL: "https://example.ma/other.jpg"}); err != nil {
		t.Fatal(err)
	}
	other := another(t)
	for key, want := range map[string]string{"aaaa.jpg": "https://example.ma/a.jpg", "bbbb.png": "https://example.ma/b.png"} {
		if got, err := other.MediaURL(ctx, key); err != nil || got != want {
			t.Errorf("MediaURL(%q) = %q, %v; want %q", key, got, err, want)
		}
	}
	if _, err := st.MediaURL(ctx, "cccc.gif"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown key: err = %v, want ErrNotFound", err)
	}
	if err := st.PutMedia(ctx); err != nil {
		t.Errorf("nothing to record: %v", err)
	}
}

func testPutMediaIsOneTransaction(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	for _, bad := range []store.Media{{Key: "eeee.jpg"}, {URL: "https://example.ma/e.jpg"}} {
		err := st.PutMedia(ctx, store.Media{Key: "dddd.jpg", URL: "https://example.ma/d.jpg"}, bad)
		if err == nil {
			t.Fatalf("%+v was recorded", bad)
		}
	}
	if _, err := st.MediaURL(ctx, "dddd.jpg"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("half of a failed PutMedia was kept: %v", err)
	}
}

func testRecordedMedia(t *testing.T, open Open) {
	ctx := t.Context()
	st, another := open(t)
	var media []store.Media
	var keys []string
	for i := range 1200 { // more than a query binds at once
		key := fmt.Sprintf("%032x.jpg", i)
		keys = append(keys, key)
		if i%2 == 0 {
			media = append(media, store.Media{Key: key, URL: "https://example.ma/" + key})
		}
	}
	if err := st.PutMedia(ctx, media...); err != nil {
		t.Fatal(err)
	}
	recorded, err := another(t).RecordedMedia(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	for i, key := range keys {
		if recorded[key] != (i%2 == 0) {
			t.Fatalf("%s recorded: %v", key, recorded[key])
		}
	}
	if len(recorded) != len(media) {
		t.Errorf("%d keys recorded, want %d", len(recorded), len(media))
	}
	if none, err := st.RecordedMedia(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("no keys: %v, %v", none, err)
	}
}

// mediaKey is the key of the image named n, and its path.
func mediaKey(n int) (key, path string) {
	key = fmt.Sprintf("%032x.jpg", n)
	return key, mediakey.Prefix + key
}

// recorded lists which of the images 1 to n are recorded.
func recordedImages(t *testing.T, st Store, n int) []int {
	t.Helper()
	var keys []string
	for i := 1; i <= n; i++ {
		key, _ := mediaKey(i)
		keys = append(keys, key)
	}
	found, err := st.RecordedMedia(t.Context(), keys)
	if err != nil {
		t.Fatal(err)
	}
	var images []int
	for i, key := range keys {
		if found[key] {
			images = append(images, i+1)
		}
	}
	return images
}

// withImages is an imported item pointing at images: the first as its
// illustration, the others in its HTML.
func withImages(id, slug, title string, images ...int) (store.Imported, []store.Media) {
	item := imported(id, slug, title)
	var media []store.Media
	for i, n := range images {
		key, path := mediaKey(n)
		media = append(media, store.Media{Key: key, URL: fmt.Sprintf("https://example.com/%d.jpg", n)})
		if i == 0 {
			item.Article.Image = &news.Image{Src: path}
			continue
		}
		item.Article.HTML += `<p><img src="` + path + `" alt=""></p>`
	}
	return item, media
}

func testImportRecordsItsImages(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	un, media := withImages("1", "un", "Un", 1, 2)
	bad, _ := withImages("2", "deux", "", 3) // no title: refused
	if _, err := st.ApplyImport(ctx, store.Import{Origin: "feed:x", Articles: []store.Imported{un, bad}, Media: media}); err == nil {
		t.Fatal("an import of an article without a title was applied")
	}
	if got := recordedImages(t, st, 3); len(got) != 0 {
		t.Errorf("a refused import recorded images %v", got)
	}
	if _, err := st.ApplyImport(ctx, store.Import{Origin: "feed:x", Articles: []store.Imported{un}, Media: media}); err != nil {
		t.Fatal(err)
	}
	key, _ := mediaKey(2)
	if got, err := st.MediaURL(ctx, key); err != nil || got != "https://example.com/2.jpg" {
		t.Errorf("image 2: %q, %v", got, err)
	}
	if _, err := st.ApplyImport(ctx, store.Import{Origin: "feed:x", Media: []store.Media{{Key: "x.jpg"}}}); err == nil {
		t.Error("an image without a URL was recorded")
	}
}

func testImagesNoArticleUsesAreForgotten(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	const origin = "wordpress:https://example.com"
	apply := func(imp store.Import) {
		t.Helper()
		imp.Origin = origin
		if _, err := st.ApplyImport(ctx, imp); err != nil {
			t.Fatal(err)
		}
	}
	want := func(when string, images ...int) {
		t.Helper()
		if got := recordedImages(t, st, 9); !slices.Equal(got, images) {
			t.Errorf("%s: images %v recorded, want %v", when, got, images)
		}
	}
	un, m1 := withImages("1", "un", "Un", 1, 3)
	deux, m2 := withImages("2", "deux", "Deux", 1, 2)
	apply(store.Import{Articles: []store.Imported{un, deux}, Media: append(m1, m2...)})
	want("first import", 1, 2, 3)

	// Un is edited to show image 4 in place of 3; 1 is still deux's.
	un, m1 = withImages("1", "un", "Un, modifié", 1, 4)
	apply(store.Import{Articles: []store.Imported{un}, Media: m1})
	want("after an edit", 1, 2, 4)

	// Deux is gone from the source: 2 goes, 1 is still un's.
	apply(store.Import{RemoveMissing: true, Present: []string{"1"}})
	want("after a removal", 1, 4)

	// An item that is blocked brings its images, which are not kept.
	block(t, st, "https://example.com/trois")
	trois, m3 := withImages("3", "trois", "Trois", 5)
	apply(store.Import{Articles: []store.Imported{trois}, Media: m3})
	want("after a blocked item", 1, 4)

	// Put and Delete too.
	_, path6 := mediaKey(6)
	a := article("a-la-main", 2, "Sport", news.French)
	a.Image = &news.Image{Src: path6}
	key6, _ := mediaKey(6)
	if err := st.PutMedia(ctx, store.Media{Key: key6, URL: "https://example.com/6.jpg"}); err != nil {
		t.Fatal(err)
	}
	put(t, st, a)
	want("after a put", 1, 4, 6)
	a.Image = nil
	put(t, st, a)
	want("after a put without the image", 1, 4)
	a.Image = &news.Image{Src: path6}
	if err := st.PutMedia(ctx, store.Media{Key: key6, URL: "https://example.com/6.jpg"}); err != nil {
		t.Fatal(err)
	}
	put(t, st, a)
	if err := st.Delete(ctx, "a-la-main"); err != nil {
		t.Fatal(err)
	}
	want("after a delete", 1, 4)
	if err := st.Delete(ctx, "un"); err != nil {
		t.Fatal(err)
	}
	want("once no article is left")
}
