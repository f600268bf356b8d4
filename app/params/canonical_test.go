package params

import (
	"net/url"
	"testing"
)

func TestCanonical(t *testing.T) {
	known := []string{"article", "lang", "limit", "theme"}
	for raw, want := range map[string]string{
		"":                                 "",
		"article=a-b&lang=fr":              "article=a-b&lang=fr",
		"lang=fr&article=a-b":              "article=a-b&lang=fr",
		"article=a-b&utm_source=x&lang=fr": "article=a-b&lang=fr",
		"article=a-b&article=c":            "article=a-b",
		"article=&lang=fr":                 "lang=fr",
		"article=a-b&":                     "article=a-b",
		"article=%D8%A7-b":                 "article=%D8%A7-b",
		"article=%d8%a7-b":                 "article=%D8%A7-b",
		"article=a+b":                      "article=a+b",
		"article=a%20b":                    "article=a+b",
		"lang=fr;theme=dark":               "",
		"theme=dark&limit=3&lang=ar":       "lang=ar&limit=3&theme=dark",
		"article=%41":                      "article=A",
		"lang":                             "",
	} {
		if got := Canonical(raw, known...); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", raw, got, want)
		}
	}
}

// The canonical form is what url.Values.Encode makes of the known values.
func TestCanonicalIsWhatEncodeMakes(t *testing.T) {
	known := []string{"article", "lang", "limit"}
	for _, raw := range []string{"limit=3&article=%D9%85%D8%BA%D8%B1%D8%A8", "lang=fr&x=1&article=a.b~c_d"} {
		q, _ := url.ParseQuery(raw)
		kept := url.Values{}
		for _, name := range known {
			if v := q.Get(name); v != "" {
				kept.Set(name, v)
			}
		}
		if got, want := Canonical(raw, known...), kept.Encode(); got != want {
			t.Errorf("Canonical(%q) = %q, Encode gives %q", raw, got, want)
		}
	}
}

func TestCanonicalAllocatesNothingWhenCanonical(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		Canonical("article=hammouchi-examine-a-vienne&lang=fr&limit=6", "article", "lang", "limit", "theme")
	})
	if allocs != 0 {
		t.Errorf("%v allocations for a query that is canonical already", allocs)
	}
}

func TestCanonicalURI(t *testing.T) {
	if got := CanonicalURI("/embed", "b=2&a=1", "a", "b"); got != "/embed?a=1&b=2" {
		t.Errorf("got %q", got)
	}
	if got := CanonicalURI("/", "x=1", "a"); got != "/" {
		t.Errorf("got %q", got)
	}
}
