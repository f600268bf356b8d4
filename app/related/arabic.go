package related

import (
	"strings"
	"unicode/utf8"
)

// normalizeArabic folds the spelling variants that Arabic writers use
// interchangeably, as Lucene's ArabicNormalizer does: hamza-carrying alef
// forms become a bare alef, alef maqsura becomes yeh, teh marbuta becomes heh,
// and diacritics and tatweel (kashida) are dropped. Text without Arabic
// letters comes back unchanged.
func normalizeArabic(s string) string {
	if !strings.ContainsFunc(s, isArabicRune) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == 'أ' || r == 'إ' || r == 'آ' || r == 'ٱ':
			b.WriteRune('ا')
		case r == 'ى':
			b.WriteRune('ي')
		case r == 'ة':
			b.WriteRune('ه')
		case r == 'ـ': // tatweel stretches a word for layout only
		case r >= '\u064B' && r <= '\u065F', r == '\u0670': // harakat, superscript alef
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isArabicRune(r rune) bool {
	return r >= '\u0600' && r <= '\u06FF' || r >= '\u0750' && r <= '\u077F'
}

// arabicPrefixes are the article and the conjunctions and prepositions
// written joined to it ("and the", "with the", "for the"...), longest
// first, as Lucene's light Arabic stemmer strips them. Snowball's Arabic
// stemmer leaves several of them on, and then "the fuels" and "and the
// fuels" would not match. Unlike Lucene, a bare waw ("and") stays: too
// many words begin with that letter (وزير, minister; وقت, time).
var arabicPrefixes = []string{"وال", "بال", "كال", "فال", "لل", "ال"}

// stripArabicPrefix removes one such prefix from a normalised word when
// enough of the word is left to be a word.
func stripArabicPrefix(word string) string {
	n := utf8.RuneCountInString(word)
	for _, p := range arabicPrefixes {
		if n < utf8.RuneCountInString(p)+2 {
			continue
		}
		if rest, ok := strings.CutPrefix(word, p); ok {
			return rest
		}
	}
	return word
}
