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
