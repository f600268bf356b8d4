package store_test

import (
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/store"
)

// The slugs offered for a taken one are valid, within 200 bytes, never the
// same twice, and the same for the same item.
func TestFreeSlugCandidatesAreValidAndDistinct(t *testing.T) {
	long := strings.Repeat("ab-", 66) + "ab" // 200 bytes
	arabic := store.TruncateSlug(strings.Repeat("مقال-", 40), 199)
	for _, want := range []string{"revue-de-presse", long, arabic} {
		seen := map[string]bool{want: true}
		for round := range 20 {
			for _, slug := range store.FreeSlugCandidates(want, "feed:https://example.ma/rss", "42", round) {
				if !store.ValidSlug(slug) || seen[slug] {
					t.Errorf("round %d for %q: %q is invalid or offered before", round, want, slug)
				}
				seen[slug] = true
			}
		}
		first := store.FreeSlugCandidates(want, "feed:https://example.ma/rss", "42", 1)
		if again := store.FreeSlugCandidates(want, "feed:https://example.ma/rss", "42", 1); again[0] != first[0] {
			t.Errorf("the same item got %q, then %q", first[0], again[0])
		}
		if other := store.FreeSlugCandidates(want, "feed:https://example.ma/rss", "43", 1); other[0] == first[0] {
			t.Errorf("two items got %q", first[0])
		}
	}
	if got := store.FreeSlugCandidates("meteo", "feed:a", "x", 0); got[0] != "meteo-2" || got[len(got)-1] != "meteo-10" {
		t.Errorf("numbered candidates %v, want meteo-2 to meteo-10", got)
	}
}
