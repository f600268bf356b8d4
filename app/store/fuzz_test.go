package store

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// FuzzSlugify: whatever a section's name or a title holds, its slug is
// empty or letters and digits joined by single dashes, in lower case and
// NFC, without the marks it drops, and is its own slug: a slug read back
// from a URL finds what it named.
func FuzzSlugify(f *testing.F) {
	for _, seed := range []string{
		"", "Économie", "Société & Culture", "  -- x --  ", "a--b", "قد يعجبك أيضا", "الاقْتِصَاد", "İstanbul", "ǅemal",
		"Straße", "ΣΊΣΥΦΟΣ", "한국어", "\u1100\u1161\u11a8", "x\u0301\u0323", "\u212b", "²³ 4", "१२३ हिन्दी", "a\x00b\xffc",
		"../../etc/passwd", "a/b?c#d%20e", "\u200c\u200d\u202e", "🙂 emoji 🙂", "ﬁﬂ", "Ⅻ",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		slug := Slugify(s)
		if slug != "" && !slugPattern.MatchString(slug) {
			t.Fatalf("Slugify(%q) = %q: not letters and digits joined by single dashes", s, slug)
		}
		if again := Slugify(slug); again != slug {
			t.Fatalf("Slugify(%q) = %q, whose own slug is %q", s, slug, again)
		}
		if !norm.NFC.IsNormalString(slug) {
			t.Fatalf("Slugify(%q) = %q, not NFC", s, slug)
		}
		for _, r := range norm.NFD.String(slug) {
			if unicode.Is(unicode.Mn, r) {
				t.Fatalf("Slugify(%q) = %q keeps the mark %U", s, slug, r)
			}
		}
		if lower := strings.ToLower(slug); lower != slug {
			t.Fatalf("Slugify(%q) = %q, not in lower case (%q)", s, slug, lower)
		}
	})
}

// FuzzDecodeCursor: any cursor a client sends is read or refused with
// ErrBadCursor, never anything else; and one that is read encodes again
// to a cursor that reads the same.
func FuzzDecodeCursor(f *testing.F) {
	for _, seed := range []string{
		"", EncodeCursor(1709546100000, 42), EncodeCursor(-1, 0), EncodeCursor(0, 9223372036854775807),
		"MTcwOTU0NjEwMDAwMC40Mg", "MTcwOTU0NjEwMDAwMC40Mg==", "MTcw+/", "LjE", "eC55", "KzUuMDA3",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, c string) {
		published, id, err := DecodeCursor(c)
		if err != nil {
			if !errors.Is(err, ErrBadCursor) {
				t.Fatalf("DecodeCursor(%q): %v, want ErrBadCursor", c, err)
			}
			return
		}
		again := EncodeCursor(published, id)
		p2, id2, err := DecodeCursor(again)
		if err != nil || p2 != published || id2 != id {
			t.Fatalf("DecodeCursor(%q) = %d, %d; encoded again %q, which reads %d, %d, %v", c, published, id, again, p2, id2, err)
		}
	})
}
