package language_test

import (
	"testing"

	"github.com/kiosque/kiosque/app/ingest/language"
	"github.com/kiosque/kiosque/app/news"
)

func TestChoose(t *testing.T) {
	const (
		french  = "Le gouvernement a annoncé mardi une série de mesures pour les petites entreprises, selon le ministre."
		english = "The government announced on Tuesday a series of measures for small businesses, the minister said."
		arabic  = "أعلنت الحكومة المغربية عن برنامج جديد لتطوير محطات الطاقة الشمسية في جهة درعة تافيلالت."
	)
	for _, tc := range []struct {
		declared, text string
		want           news.Lang
	}{
		{"fr-FR", french, news.French},
		{"en-US", english, news.English},
		{"", french, news.French},
		{"", english, news.English},
		{"", arabic, news.Arabic},
		{"fr-FR", arabic, news.Arabic},        // an Arabic post on a French site
		{"ar", english, news.English},         // a Latin-script post on an Arabic site
		{"es", french, news.French},           // unsupported declaration: detect
		{"", "Casablanca 2024", news.English}, // too short: fallback
		{"en", "Hi", news.English},
	} {
		if got := language.Choose(tc.declared, tc.text, news.English); got != tc.want {
			t.Errorf("Choose(%q, %.30q) = %s, want %s", tc.declared, tc.text, got, tc.want)
		}
	}
	if got := language.Choose("", "Casablanca 2024", news.French); got != news.French {
		t.Errorf("fallback: got %s", got)
	}
}
