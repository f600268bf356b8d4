package negotiate

import (
	"testing"

	"github.com/kiosque/kiosque/app/news"
)

func TestAcceptsEncoding(t *testing.T) {
	for _, tc := range []struct {
		header, coding string
		want           bool
	}{
		{"gzip, deflate, br", "br", true},
		{"gzip;q=1.0, br;q=0", "br", false},
		{"GZIP", "gzip", true},
		{"", "gzip", false},
		{"br;q=0.5", "br", true},
		{"br;q=nonsense", "br", false},
		{"*", "br", true},
		{"*;q=0", "br", false},
		{"gzip, *", "br", true},
		{"br;q=0, *", "br", false},
		{"identity", "gzip", false},
		{"gzip , br ; q=0.8", "br", true},
	} {
		if got := AcceptsEncoding(tc.header, tc.coding); got != tc.want {
			t.Errorf("AcceptsEncoding(%q, %q) = %v", tc.header, tc.coding, got)
		}
	}
}

func TestLang(t *testing.T) {
	for header, want := range map[string]news.Lang{
		"fr-FR,fr;q=0.9,en;q=0.8": news.French,
		"de-DE,de;q=0.9,ar;q=0.5": news.Arabic,
		"en;q=0.2, ar-MA;q=0.9":   news.Arabic,
		"de, it":                  "",
		"":                        "",
		"fr;q=0, en":              news.English,
	} {
		if got := Lang(header); got != want {
			t.Errorf("Lang(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestAcceptsEncodingAllocatesNothing(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		AcceptsEncoding("gzip, deflate, br;q=0.9, zstd", "br")
	})
	if allocs != 0 {
		t.Errorf("AcceptsEncoding allocates %v times per call; it runs on every request", allocs)
	}
}
