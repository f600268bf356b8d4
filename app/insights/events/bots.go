package events

import (
	"bytes"
	"strings"
)

// botMarks are words that the user agents of crawlers, link previewers,
// monitors and scripts carry, lower-cased: "bot" alone covers Googlebot,
// bingbot, DuckDuckBot, Applebot, YandexBot, AhrefsBot, Twitterbot and
// their kin. A headless browser is not dropped for being one: it may be
// a reader's assistive or testing tool, and it sends a beacon only after
// running the page for a second with the widget in view, as a reader does.
var botMarks = []string{
	"bot", "crawl", "spider", "slurp", "archiver", "scrape",
	"facebookexternalhit", "facebookcatalog", "embedly", "quora link preview",
	"whatsapp", "telegram", "skypeuripreview", "vkshare", "pinterest",
	"lighthouse", "pagespeed", "pingdom", "uptime", "gtmetrix",
	"curl/", "wget/", "python-requests", "python-urllib", "aiohttp", "httpx",
	"go-http-client", "okhttp", "java/", "libwww", "node-fetch", "axios/",
	"phantomjs", "feedfetcher", "mediapartners", "adsbot",
}

// IsBot reports whether a user agent is a known bot's, or missing (every
// browser sends one). It allocates nothing: it runs for every beacon.
func IsBot(userAgent string) bool {
	if strings.TrimSpace(userAgent) == "" {
		return true
	}
	var buf [512]byte
	lower := buf[:0]
	for i := 0; i < len(userAgent) && i < len(buf); i++ {
		c := userAgent[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower = append(lower, c)
	}
	for _, mark := range botMarks {
		if bytes.Contains(lower, []byte(mark)) {
			return true
		}
	}
	return false
}
