package related

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/arabic"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/french"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/kiosque/kiosque/app/news"
)

// analyzer turns text into the terms the ranker compares: NFC-normalised,
// case-folded words, stop words dropped, stemmed. It keeps scratch state, so
// each goroutine needs its own.
type analyzer struct {
	lang  news.Lang
	fold  cases.Caser
	env   *snowballstem.Env
	cache map[string]analysedWord // stemming is the slow step, and words repeat
}

type analysedWord struct {
	term string
	keep bool
}

// maxCachedWords bounds an analyzer's cache; a news vocabulary of this
// size covers nearly every word of the next article.
const maxCachedWords = 200_000

func newAnalyzer(lang news.Lang) *analyzer {
	return &analyzer{lang: lang, fold: cases.Fold(), env: snowballstem.NewEnv(""), cache: make(map[string]analysedWord)}
}

// terms appends the terms of text to dst and returns it.
func (a *analyzer) terms(dst []string, text string) []string {
	text = a.fold.String(norm.NFC.String(text))
	for word := range strings.FieldsFuncSeq(text, isWordSeparator) {
		w, ok := a.cache[word]
		if !ok {
			if len(a.cache) >= maxCachedWords {
				clear(a.cache)
			}
			w.term, w.keep = a.term(word)
			a.cache[strings.Clone(word)] = w // word points into text: don't pin it
		}
		if w.keep {
			dst = append(dst, w.term)
		}
	}
	return dst
}

// term analyses one folded word. Words in Arabic script get the Arabic
// treatment whatever the article's language: French and English articles
// about Morocco quote Arabic names.
func (a *analyzer) term(word string) (string, bool) {
	lang := a.lang
	if strings.ContainsFunc(word, isArabicRune) {
		lang = news.Arabic
		word = normalizeArabic(word)
		if stopWords[lang][word] {
			return "", false
		}
		word = stripArabicPrefix(word)
	}
	if utf8.RuneCountInString(word) < 2 || isNumber(word) || stopWords[lang][word] {
		return "", false
	}
	stem := stemmers[lang]
	if stem == nil {
		return word, true
	}
	a.env.SetCurrent(word)
	stem(a.env)
	return a.env.Current(), true
}

// stemmers maps each language to its Snowball stemmer; a language without
// one keeps its words whole.
var stemmers = map[news.Lang]func(*snowballstem.Env) bool{
	news.English: english.Stem,
	news.French:  french.Stem,
	news.Arabic:  arabic.Stem,
}

// isWordSeparator splits on everything but letters, digits and combining
// marks; apostrophes separate too, which drops French elisions (l', d', qu')
// and English contractions as one-letter or stop-word fragments.
func isWordSeparator(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
}

func isNumber(word string) bool {
	for _, r := range word {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
