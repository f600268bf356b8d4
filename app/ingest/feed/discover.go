package feed

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/kiosque/kiosque/app/ingest/links"
)

// Alternate is a feed a page links to, as feed readers find them: a
// <link rel="alternate"> of type application/rss+xml or
// application/atom+xml in the page's head.
type Alternate struct {
	URL   string
	Title string
}

// Alternates returns the RSS and Atom feeds a page links to, in its
// order, once each; relative addresses are resolved against pageURL (the
// address that answered) or the page's <base href>.
func Alternates(page []byte, pageURL string) []Alternate {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil
	}
	var feeds []Alternate
	for _, l := range links.InHead(page, base) {
		if !l.Is("alternate") || (l.Type != "application/rss+xml" && l.Type != "application/atom+xml") {
			continue
		}
		if !slices.ContainsFunc(feeds, func(a Alternate) bool { return a.URL == l.URL }) {
			feeds = append(feeds, Alternate{URL: l.URL, Title: l.Title})
		}
	}
	return feeds
}

// MainFeed returns the site's main feed among feeds: the first that is not
// a comments feed. A WordPress page links to its posts' feed first, then to
// its comments' ("… Comments Feed", "… Flux des commentaires", at
// comments/feed/ or ?feed=comments-rss2), and a post's page to the feed of
// its own comments.
func MainFeed(feeds []Alternate) (Alternate, bool) {
	for _, f := range feeds {
		if !isComments(f) {
			return f, true
		}
	}
	return Alternate{}, false
}

// commentsMarks are what a comments feed's address or title has: WordPress
// names them so in every language the widget serves (English, French,
// Arabic).
var commentsMarks = []string{"comments/feed", "feed=comments-", "comment", "commentaire", "تعليق"}

func isComments(f Alternate) bool {
	u, title := strings.ToLower(f.URL), strings.ToLower(f.Title)
	for _, mark := range commentsMarks {
		if strings.Contains(u, mark) || strings.Contains(title, mark) {
			return true
		}
	}
	return false
}

// finding is what a Source found at the address it was given.
type finding struct {
	feed   string      // the feed's address
	page   string      // the page that linked to it; empty when the address is the feed
	chosen Alternate   // the feed the page linked to
	others []Alternate // the page's other feeds
}

// String says what was found, in one line.
func (f finding) String() string {
	if f.page == "" {
		return "feed at " + f.feed
	}
	var b strings.Builder
	fmt.Fprintf(&b, "feed at %s, the main feed of the page at %s", f.feed, f.page)
	if f.chosen.Title != "" {
		fmt.Fprintf(&b, " (%q)", f.chosen.Title)
	}
	if len(f.others) > 0 {
		b.WriteString("; it also links to ")
		for i, o := range f.others {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(o.URL)
			if o.Title != "" {
				fmt.Fprintf(&b, " (%q)", o.Title)
			}
		}
		b.WriteString(": give a feed's own address to import it instead")
	}
	return b.String()
}
