package storetest

import (
	"errors"
	"testing"

	"github.com/kiosque/kiosque/app/store"
)

func forgetTests() []test {
	return []test{
		{"ForgetsOnlyASourceWithNoArticle", testForgetsOnlyASourceWithNoArticle},
	}
}

// A left-over source (a failed one-off import) is forgotten; one with
// articles stored is kept, as are its articles; an unknown one is not found.
func testForgetsOnlyASourceWithNoArticle(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	forgetter, ok := st.(store.SourceForgetter)
	if !ok {
		t.Fatalf("%T cannot forget a source (store.SourceForgetter)", st)
	}
	const failed, imported1 = "feed:https://failed.example/feed", "feed:https://news.example/feed"
	if err := st.SaveSourceState(ctx, store.SourceState{Key: failed, LastError: "404 Not Found", Failures: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyImport(ctx, store.Import{Origin: imported1, Articles: []store.Imported{imported("1", "premier", "Premier")},
		State: store.SourceState{Key: imported1}}); err != nil {
		t.Fatal(err)
	}
	if err := forgetter.ForgetSource(ctx, imported1); !errors.Is(err, store.ErrSourceHasArticles) {
		t.Errorf("forget a source with an article: %v, want ErrSourceHasArticles", err)
	}
	if err := forgetter.ForgetSource(ctx, failed); err != nil {
		t.Fatal(err)
	}
	if err := forgetter.ForgetSource(ctx, failed); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("forget a forgotten source: %v, want ErrNotFound", err)
	}
	list, err := st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Key != imported1 || list[0].Articles != 1 {
		t.Errorf("sources after forgetting %s: %+v, want %s alone with its article", failed, list, imported1)
	}
}
