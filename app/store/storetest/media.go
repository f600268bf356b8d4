package storetest

import (
	"errors"
	"testing"

	"github.com/kiosque/kiosque/app/store"
)

func mediaTests() []test {
	return []test{
		{"RoundTrip", testMediaRoundTrip},
		{"PutIsOneTransaction", testPutMediaIsOneTransaction},
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
