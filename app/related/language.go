package related

import (
	"strings"

	"github.com/kiosque/kiosque/app/news"
)

// detectLanguage guesses the language of text: Arabic when most letters are
// in Arabic script, otherwise French or English by which language's stop
// words are more frequent. Function words are the most reliable cue in
// short news text, and they need no model.
func detectLanguage(text string) news.Lang {
	var arabicLetters, letters, french, english int
	for word := range strings.FieldsFuncSeq(strings.ToLower(text), isWordSeparator) {
		for _, r := range word {
			letters++
			if isArabicRune(r) {
				arabicLetters++
			}
		}
		if stopWords[news.French][word] {
			french++
		}
		if stopWords[news.English][word] {
			english++
		}
	}
	switch {
	case letters > 0 && arabicLetters*2 > letters:
		return news.Arabic
	case french > english:
		return news.French
	default:
		return news.English
	}
}
