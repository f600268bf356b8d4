package ingesttest

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

// FreshFeed is an RSS feed of one French article in the section
// "Société", published a minute ago, titled title.
func FreshFeed(title string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Le Quotidien</title><link>https://quotidien.example</link><description>Les nouvelles</description><language>fr-FR</language>
<item><title>` + title + `</title><link>https://quotidien.example/` + store.Slugify(title) + `/</link>
<pubDate>` + time.Now().UTC().Add(-time.Minute).Format(time.RFC1123Z) + `</pubDate><category>Société</category>
<guid isPermaLink="false">https://quotidien.example/?p=` + store.Slugify(title) + `</guid>
<description>Un résumé de la nouvelle.</description></item>
</channel></rss>`)
}

// FeedOf is an RSS feed of articles, as a publisher's site would list
// them: each at https://quotidien.example/SLUG/, with its text.
func FeedOf(articles []news.Article) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Le Quotidien</title><link>https://quotidien.example</link><description>Les nouvelles</description>
`)
	for _, a := range articles {
		link := "https://quotidien.example/" + a.Slug + "/"
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid isPermaLink=\"true\">%s</guid><pubDate>%s</pubDate><category>%s</category><description>%s</description><content:encoded>%s</content:encoded></item>\n",
			html.EscapeString(a.Title), link, link, a.Published.UTC().Format(time.RFC1123Z), html.EscapeString(a.Category),
			html.EscapeString(a.Excerpt), html.EscapeString("<p>"+strings.Join(a.Body, "</p><p>")+"</p>"))
	}
	b.WriteString("</channel></rss>")
	return []byte(b.String())
}
