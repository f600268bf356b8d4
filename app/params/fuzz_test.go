package params

import (
	"net/url"
	"testing"
)

// FuzzCanonical: for any raw query, the canonical form is what
// url.Values.Encode makes of the first value of each known parameter
// (when not empty), whether Canonical took its fast path or not; it is
// its own canonical form; and it parses back to the same values.
func FuzzCanonical(f *testing.F) {
	for _, seed := range []string{
		"", "article=a-b&lang=fr", "lang=fr&article=a-b", "article=a-b&article=c", "article=&article=c",
		"article=%D8%A7-b", "article=%d8%a7-b", "article=a+b", "article=a%20b", "lang=fr;theme=dark",
		"article=a-b&", "&article=a", "article", "art%69cle=x", "limit=3&limit=", "theme=dark&limit=3&lang=ar&utm_source=x",
		"article=%zz", "article==x", "article=x=y", "limit=%2B5",
	} {
		f.Add(seed)
	}
	known := []string{"article", "category", "lang", "limit", "theme"}
	f.Fuzz(func(t *testing.T, raw string) {
		got := Canonical(raw, known...)

		q, _ := url.ParseQuery(raw)
		kept := url.Values{}
		for _, name := range known {
			if v := q.Get(name); v != "" {
				kept.Set(name, v)
			}
		}
		if want := kept.Encode(); got != want {
			t.Fatalf("Canonical(%q) = %q, want %q", raw, got, want)
		}
		if again := Canonical(got, known...); again != got {
			t.Fatalf("Canonical(%q) = %q, but its own canonical form is %q", raw, got, again)
		}
		back, err := url.ParseQuery(got)
		if err != nil {
			t.Fatalf("Canonical(%q) = %q, which does not parse: %v", raw, got, err)
		}
		for _, name := range known {
			if back.Get(name) != kept.Get(name) || len(back[name]) > 1 {
				t.Fatalf("Canonical(%q) = %q: %s reads %q, want %q", raw, got, name, back[name], kept.Get(name))
			}
		}
	})
}
