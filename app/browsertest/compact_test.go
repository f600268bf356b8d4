package browsertest

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/chromedp/chromedp"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/sample"
)

// The widths an oEmbed frame is given, from a small phone's column to a
// wide post's (Twenty Twenty-Three's is 650 px).
var frameWidths = []int64{272, 300, 320, 360, 390, 430, 480, 540, 600, 650}

// TestCompactWidgetStaysWithinItsMaxHeight lays the widget out as an oEmbed
// frame asks for it (maxheight), at every width of a post's column, for
// the sample's articles with the longest titles in French and Arabic: it
// stays within the height asked for, whatever the width and the texts.
func TestCompactWidgetStaysWithinItsMaxHeight(t *testing.T) {
	srv := startKiosque(t)
	b := newBrowser(t)
	for _, slug := range longestTitles(t) {
		for _, tc := range []struct {
			query     string
			maxHeight float64
		}{
			{"", 750}, // WordPress's default maxheight
			{"&layout=carousel", 450},
			{"&layout=cards", 600},
			{"", 400}, // the featured card alone
		} {
			var lowest, highest float64
			for _, width := range frameWidths {
				url := fmt.Sprintf("%s/embed?article=%s%s&maxheight=%.0f", srv.URL, slug, tc.query, tc.maxHeight)
				b.run(t, chromedp.EmulateViewport(width, 1000), chromedp.Navigate(url))
				waitFor(t, b, `document.readyState === "complete"`)
				h := eval[float64](t, b, documentHeight)
				if h > tc.maxHeight {
					t.Errorf("%s at %d px: %.0f px high, over maxheight=%.0f", url, width, h, tc.maxHeight)
				}
				if overflow := eval[float64](t, b, `document.documentElement.scrollWidth - innerWidth`); overflow > 0 {
					t.Errorf("%s at %d px: %.0f px wider than its frame", url, width, overflow)
				}
				if lowest == 0 || h < lowest {
					lowest = h
				}
				highest = max(highest, h)
			}
			t.Logf("%s%s maxheight=%.0f: %.0f to %.0f px high from %d to %d px wide",
				slug, tc.query, tc.maxHeight, lowest, highest, frameWidths[0], frameWidths[len(frameWidths)-1])
		}
	}
}

// longestTitles are the slugs of the sample's French and Arabic articles
// with the longest titles.
func longestTitles(t *testing.T) []string {
	t.Helper()
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, lang := range []news.Lang{news.French, news.Arabic} {
		of := slices.DeleteFunc(slices.Clone(articles), func(a news.Article) bool { return a.Lang != lang })
		longest := slices.MaxFunc(of, func(a, b news.Article) int {
			return cmp.Compare(utf8.RuneCountInString(a.Title), utf8.RuneCountInString(b.Title))
		})
		slugs = append(slugs, longest.Slug)
	}
	return slugs
}
