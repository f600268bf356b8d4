package params

import "testing"

// An interleaving variant is an article widget's, from 1 to MaxVariant;
// it is part of the page's canonical form, so that each is kept apart.
func TestParseEmbedReadsTheVariant(t *testing.T) {
	for query, want := range map[string]int{"article=x": 0, "article=x&variant=1": 1, "article=x&variant=8": 8, "article=x&variant=0": 0} {
		got, err := ParseEmbed(mustQuery(t, query))
		if err != nil || got.Variant != want {
			t.Errorf("%q: variant %d, %v; want %d", query, got.Variant, err, want)
		}
	}
	for _, query := range []string{"article=x&variant=9", "article=x&variant=-1", "article=x&variant=a", "category=sport&variant=2", "variant=2"} {
		_, err := ParseEmbed(mustQuery(t, query))
		if pe, ok := err.(*Error); !ok || pe.Param != "variant" {
			t.Errorf("%q: got %v, want an error naming variant", query, err)
		}
	}
	if got, want := CanonicalPage("/embed", "variant=3&wasm=idle&article=x&utm=y"), "/embed?article=x&variant=3&wasm=idle"; got != want {
		t.Errorf("canonical page %q, want %q", got, want)
	}
}
