package related

import (
	"slices"
	"testing"

	"github.com/kiosque/kiosque/app/news"
)

func TestAnalyzerTerms(t *testing.T) {
	for _, tc := range []struct {
		name string
		lang news.Lang
		text string
		want []string
	}{
		{"French stop words, elision, stemming", news.French,
			"L'économie des ménages et les économies d'énergie",
			[]string{"économ", "ménag", "économ", "énerg"}},
		{"French case folding and NFC", news.French,
			"ÉCONOMIE e\u0301conomie", // the second é is decomposed
			[]string{"économ", "économ"}},
		{"English stop words, contractions, stemming", news.English,
			"The players didn't run; they were running to the stadiums",
			[]string{"player", "run", "run", "stadium"}},
		{"numbers and one-letter words are dropped", news.English,
			"3 goals in 2024 by a striker",
			[]string{"goal", "striker"}},
		{"Arabic normalisation, prefixes and stemming", news.Arabic,
			"وَالمُسْتَشْفَى في المدينة",
			[]string{"مستشف", "مدين"}},
		{"Arabic words in a French article", news.French,
			"Le club الرجاء gagne",
			[]string{"club", "رجاء", "gagn"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := newAnalyzer(tc.lang).terms(nil, tc.text); !slices.Equal(got, tc.want) {
				t.Errorf("terms(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestAnalyzerCacheGivesTheSameTerms(t *testing.T) {
	an := newAnalyzer(news.French)
	first := an.terms(nil, "Les joueurs du Raja jouent au stade")
	second := an.terms(nil, "Les joueurs du Raja jouent au stade")
	if !slices.Equal(first, second) || len(first) == 0 {
		t.Errorf("terms differ between a cold and a warm cache: %q, %q", first, second)
	}
}

func TestNormalizeArabic(t *testing.T) {
	for in, want := range map[string]string{
		"أحمد":       "احمد",  // alef with hamza above
		"إسلام":      "اسلام", // alef with hamza below
		"آمال":       "امال",  // alef with madda
		"على":        "علي",   // alef maqsura
		"مدرسة":      "مدرسه", // teh marbuta
		"مُحَمَّدٌ":  "محمد",  // diacritics
		"جميـــل":    "جميل",  // tatweel
		"Casablanca": "Casablanca",
	} {
		if got := normalizeArabic(in); got != want {
			t.Errorf("normalizeArabic(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStripArabicPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"والمحروقات": "محروقات",
		"بالمدرسه":   "مدرسه",
		"للطلاب":     "طلاب",
		"الملعب":     "ملعب",
		"الوزير":     "وزير",
		"وزير":       "وزير", // a word's own waw stays
		"الى":        "الى",  // too short to lose its article
		"ال":         "ال",
	} {
		if got := stripArabicPrefix(in); got != want {
			t.Errorf("stripArabicPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDetectLanguage(t *testing.T) {
	for text, want := range map[string]news.Lang{
		"Le gouvernement a annoncé une hausse des prix pour les ménages de la ville.":     news.French,
		"The government announced that prices would rise for the households of the city.": news.English,
		"أعلنت الحكومة عن ارتفاع الأسعار في المدينة":                                      news.Arabic,
		"": news.English,
	} {
		if got := detectLanguage(text); got != want {
			t.Errorf("detectLanguage(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestArticlesWithoutLanguageAreDetected(t *testing.T) {
	articles := frenchCorpus()
	for i := range articles {
		articles[i].Lang = ""
	}
	ix := newTestIndex(t, testOptions(), articles...)
	for id, d := range ix.docs {
		if d.lang != news.French {
			t.Errorf("article %d (%s) detected as %q, want fr", id, d.slug, d.lang)
		}
	}
	if got := ix.relatedTo("foot-derby", 2); len(got) != 2 || topicOf(got[0]) != "foot" || topicOf(got[1]) != "foot" {
		t.Errorf("Related(foot-derby, 2) = %v, want the two other football articles", got)
	}
}
