package storetest

import (
	"maps"
	"slices"
	"testing"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

func listTests() []test {
	return []test{
		{"PutThenRead", testListsPutThenRead},
		{"NilRemovesAList", testListsNilRemoves},
		{"ListOfAnUnknownSlugIsSkipped", testListsUnknownSlugSkipped},
		{"ListGoesWithItsArticle", testListsGoWithTheirArticle},
		{"SizesCountArticlesAndLists", testSizesCountArticlesAndLists},
	}
}

func putLists(t *testing.T, st Store, lists map[string][]string) {
	t.Helper()
	if err := st.PutRelatedLists(t.Context(), lists); err != nil {
		t.Fatal(err)
	}
}

func relatedList(t *testing.T, st Store, slug string) []string {
	t.Helper()
	list, err := st.RelatedList(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func relatedLists(t *testing.T, st Store) map[string][]string {
	t.Helper()
	lists, err := st.RelatedLists(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return lists
}

func threeArticles(t *testing.T, st Store) {
	t.Helper()
	put(t, st, article("a", 1, "Sport", news.French), article("b", 2, "Sport", news.French), article("c", 3, "Sport", news.French))
}

func testListsPutThenRead(t *testing.T, open Open) {
	st, another := open(t)
	threeArticles(t, st)
	if list := relatedList(t, st, "a"); list != nil {
		t.Errorf("list before any was stored: %q, want nil", list)
	}
	if lists := relatedLists(t, st); len(lists) != 0 {
		t.Errorf("lists before any was stored: %v", lists)
	}
	want := map[string][]string{"a": {"c", "b"}, "b": {"a"}, "c": {}}
	putLists(t, st, want)
	other := another(t)
	for slug, list := range want {
		if got := relatedList(t, other, slug); got == nil || !slices.Equal(got, list) {
			t.Errorf("list of %s: got %q, want %q", slug, got, list)
		}
	}
	if got := relatedLists(t, other); !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("lists: got %q, want %q", got, want)
	}
	// A list stored again replaces the one before.
	putLists(t, st, map[string][]string{"a": {"b"}})
	if got := relatedList(t, st, "a"); !slices.Equal(got, []string{"b"}) {
		t.Errorf("list of a after replacing: %q", got)
	}
}

func testListsNilRemoves(t *testing.T, open Open) {
	st, _ := open(t)
	threeArticles(t, st)
	putLists(t, st, map[string][]string{"a": {"b"}, "b": {"a"}})
	putLists(t, st, map[string][]string{"a": nil, "c": nil})
	if got := relatedList(t, st, "a"); got != nil {
		t.Errorf("list of a after removal: %q, want nil", got)
	}
	if got, want := relatedLists(t, st), map[string][]string{"b": {"a"}}; !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("lists: got %q, want %q", got, want)
	}
}

// A list computed while its article was deleted is skipped, the others
// are stored.
func testListsUnknownSlugSkipped(t *testing.T, open Open) {
	st, _ := open(t)
	threeArticles(t, st)
	putLists(t, st, map[string][]string{"gone": {"a"}, "a": {"b"}})
	if got, want := relatedLists(t, st), map[string][]string{"a": {"b"}}; !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("lists: got %q, want %q", got, want)
	}
	if got := relatedList(t, st, "gone"); got != nil {
		t.Errorf("list of an unknown slug: %q", got)
	}
}

func testListsGoWithTheirArticle(t *testing.T, open Open) {
	st, _ := open(t)
	threeArticles(t, st)
	putLists(t, st, map[string][]string{"a": {"b"}, "b": {"a", "c"}})
	if err := st.Delete(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	if got := relatedList(t, st, "a"); got != nil {
		t.Errorf("list of a deleted article: %q", got)
	}
	// Lists that name it keep it: readers skip slugs they do not find.
	if got, want := relatedLists(t, st), map[string][]string{"b": {"a", "c"}}; !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("lists: got %q, want %q", got, want)
	}
}

func testSizesCountArticlesAndLists(t *testing.T, open Open) {
	st, another := open(t)
	if z, err := st.Sizes(t.Context()); err != nil || z != (store.Sizes{}) {
		t.Fatalf("sizes of an empty store: %+v, %v", z, err)
	}
	threeArticles(t, st)
	putLists(t, st, map[string][]string{"a": {"c", "b"}, "b": {"a"}, "c": {}})
	want := store.Sizes{Articles: 3, Lists: 3, ListEntries: 3}
	if z, err := another(t).Sizes(t.Context()); err != nil || z != want {
		t.Errorf("sizes: %+v, %v; want %+v", z, err, want)
	}
}
