package ingesttest

import (
	"time"

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
