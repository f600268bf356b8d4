// Package language tells which of Kiosque's languages an article is in,
// from what its source declares and, when that is missing or plainly wrong,
// from its text: Arabic by its script, French and English by stop words.
package language

import (
	"strings"
	"unicode"

	"github.com/kiosque/kiosque/app/news"
)

// Choose returns the language of an article whose source declares
// declared (a BCP 47 tag, maybe empty) and whose text is text. The text
// wins when its script contradicts the declaration: a French WordPress
// site often publishes some posts in Arabic. With neither a usable
// declaration nor a confident guess, it returns fallback.
func Choose(declared, text string, fallback news.Lang) news.Lang {
	arabic, letters := scriptShare(text)
	if letters >= 20 {
		switch {
		case arabic > 0.5:
			return news.Arabic
		case arabic < 0.1 && declared != "" && strings.HasPrefix(strings.ToLower(strings.TrimSpace(declared)), "ar"):
			declared = "" // an "ar" site posting in Latin script: guess which
		}
	}
	if l, ok := news.ParseLang(declared); ok {
		return l
	}
	if l, ok := detect(text); ok {
		return l
	}
	return fallback
}

// detect guesses the language of text, and reports whether it is
// confident.
func detect(text string) (news.Lang, bool) {
	arabic, letters := scriptShare(text)
	if letters < 20 {
		return "", false
	}
	if arabic > 0.5 {
		return news.Arabic, true
	}
	var fr, en int
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	}) {
		if isFrenchWord(w) {
			fr++
		}
		if isEnglishWord(w) {
			en++
		}
	}
	switch {
	case fr >= 2 && fr > en*3/2:
		return news.French, true
	case en >= 2 && en > fr*3/2:
		return news.English, true
	}
	return "", false
}

// scriptShare returns the share of Arabic-script letters among the first
// letters of text, and how many letters it looked at.
func scriptShare(text string) (arabic float64, letters int) {
	var n int
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if unicode.Is(unicode.Arabic, r) {
			n++
		}
		if letters == 2000 {
			break
		}
	}
	if letters == 0 {
		return 0, 0
	}
	return float64(n) / float64(letters), letters
}

// Words frequent in one language and rare in the other. Words both share
// ("a", "on", "in", "est"…) are left out.

func isFrenchWord(w string) bool {
	switch w {
	case "le", "la", "les", "des", "du", "et", "une", "un", "dans", "pour", "sur", "au", "aux",
		"avec", "par", "qui", "que", "est", "sont", "pas", "ce", "cette", "il", "elle", "ils", "nous", "vous",
		"leur", "ses", "son", "sa", "mais", "ou", "été", "être", "aussi", "selon", "après", "entre":
		return true
	}
	return false
}

func isEnglishWord(w string) bool {
	switch w {
	case "the", "and", "of", "to", "is", "was", "are", "were", "for", "with", "that", "this",
		"it", "by", "from", "have", "has", "had", "be", "been", "which", "their", "they", "will", "would",
		"said", "after", "about", "into", "its", "but", "not":
		return true
	}
	return false
}
