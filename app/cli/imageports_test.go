//go:build !wasm

package cli

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/ingest/ingesttest"
)

// An import whose images are on a port the servers' -media-ports refuses
// says so, naming -media-ports; with the port allowed, it does not.
func TestAnImportWarnsOfImagesOnARefusedPort(t *testing.T) {
	body := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Le Quotidien</title><link>https://quotidien.example</link><description>Les nouvelles</description><language>fr-FR</language>
<item><title>Une photo sur un autre port</title><link>https://quotidien.example/photo/</link>
<pubDate>` + time.Now().UTC().Add(-time.Minute).Format(time.RFC1123Z) + `</pubDate><category>Société</category>
<guid isPermaLink="false">https://quotidien.example/?p=1</guid>
<description>Un résumé.</description>
<content:encoded><![CDATA[<p>Le texte de l'article, assez long pour être gardé.</p><p><img src="http://images.quotidien.example:8080/photo.jpg" alt="Une photo"></p>]]></content:encoded></item>
</channel></rss>`)
	feed := httptest.NewServer(ingesttest.NewFeed(body, "application/rss+xml", false))
	defer feed.Close()
	const warning = "1 images are on port 8080, which -media-ports does not allow"
	for _, tc := range []struct {
		args []string
		warn bool
	}{
		{nil, true},
		{[]string{"-media-ports", "80,443,8080"}, false},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"ingest", "-data", t.TempDir(), "-feed", feed.URL}, tc.args...)
		if err := Run(context.Background(), args, noEnv, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stderr.String(), warning) != tc.warn {
			t.Errorf("ingest %v: warned %v, want %v:\n%s%s", tc.args, !tc.warn, tc.warn, stdout.String(), stderr.String())
		}
	}
}
