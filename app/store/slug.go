package store

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Slugify turns a name such as "Économie" or "Société" into a URL-safe slug
// ("economie", "societe"). Arabic letters are kept; their diacritics, like
// Latin accents, are dropped.
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	return norm.NFC.String(b.String())
}

// numberedSlugs is how many numbered slugs a new article whose slug is
// taken tries ("title-2" … "title-10") before one from its identity.
const numberedSlugs = 9

// FreeSlugCandidates are the slugs a new article imported from origin,
// with originID its identity there, may take when the slug it wants is
// taken, in the order to try them, one round after another from round 0:
// the numbered ones first ("revue-de-presse-2" … "revue-de-presse-10"),
// then in round r ≥ 1 one with a hash of its identity (and r from round
// 2 on): a title a source repeats every day (a press review, a column)
// gets a slug however many issues share it, and the same item the same
// slug each time. Each is a valid slug of at most 200 bytes.
func FreeSlugCandidates(want, origin, originID string, round int) []string {
	if round == 0 {
		candidates := make([]string, 0, numberedSlugs)
		for n := 2; n < 2+numberedSlugs; n++ {
			candidates = append(candidates, withSuffix(want, strconv.Itoa(n)))
		}
		return candidates
	}
	identity := origin + "\n" + originID
	if round > 1 {
		identity += "\n" + strconv.Itoa(round)
	}
	sum := sha256.Sum256([]byte(identity))
	return []string{withSuffix(want, hex.EncodeToString(sum[:4]))}
}

// withSuffix is slug-suffix, slug cut so that it holds in 200 bytes.
func withSuffix(slug, suffix string) string {
	return TruncateSlug(slug, 200-len(suffix)-1) + "-" + suffix
}

// TruncateSlug cuts s to at most n bytes, on a rune boundary, without a
// trailing dash.
func TruncateSlug(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return strings.TrimRight(s, "-")
}
