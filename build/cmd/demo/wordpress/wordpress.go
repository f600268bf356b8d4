// Package wordpress reproduces what WordPress does with an oEmbed answer
// from a provider it does not know, so that the demo and the browser tests
// show the widget the way a WordPress post would: the filtering of the
// answer's HTML (wp_filter_oembed_result) and the script of the page that
// receives the frame's messages (wp-embed.js). Written from WordPress's
// documented behaviour, not copied from its (GPL) code.
package wordpress

import (
	"crypto/rand"
	_ "embed"
	"fmt"
	"html"
	"regexp"
	"strings"
)

// ReceiverScript is what wp-embed.js does on the post's page: keep each
// frame hidden until it posts {secret, message: "height", value}, then show
// it at that height clamped to 200-1000 px and hide the fallback quote;
// greet the frames with {message: "ready", secret}; follow
// {message: "link"} to the frame's own host only.
//
//go:embed wp-embed.js
var ReceiverScript string

// Secret returns a fresh 10-character secret, as WordPress makes one per
// embed.
func Secret() string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 10)
	rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}

// What wp_kses keeps of an unknown provider's HTML: these elements, with
// these attributes.
var allowed = map[string]map[string]bool{
	"a":          {"href": true},
	"blockquote": {"data-secret": true},
	"iframe": {"src": true, "width": true, "height": true, "frameborder": true, "marginwidth": true,
		"marginheight": true, "scrolling": true, "title": true, "data-secret": true},
}

var (
	tagPattern  = regexp.MustCompile(`(?s)<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>`)
	attrPattern = regexp.MustCompile(`(?s)([a-zA-Z][a-zA-Z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?`)
	// WordPress needs a frame, and takes at most one quote before it.
	shape = regexp.MustCompile(`(?s)(<blockquote>.*?</blockquote>)?.*(<iframe[^>]*></iframe>)`)
)

// kses keeps the allowed elements and attributes and drops the other tags
// (their text stays, as wp_kses leaves it).
func kses(s string) string {
	return tagPattern.ReplaceAllStringFunc(s, func(tag string) string {
		m := tagPattern.FindStringSubmatch(tag)
		name := strings.ToLower(m[2])
		attrs, ok := allowed[name]
		if !ok {
			return ""
		}
		if m[1] == "/" {
			return "</" + name + ">"
		}
		var b strings.Builder
		b.WriteString("<" + name)
		for _, a := range attrPattern.FindAllStringSubmatch(m[3], -1) {
			key := strings.ToLower(a[1])
			if !attrs[key] {
				continue
			}
			value := html.UnescapeString(a[2] + a[3] + a[4])
			fmt.Fprintf(&b, ` %s="%s"`, key, html.EscapeString(value))
		}
		b.WriteString(">")
		return b.String()
	})
}

var srcAttr = regexp.MustCompile(` src="([^"]*)"`)

// FilterOEmbed turns a provider's HTML into what WordPress puts in the
// post: the quote and the frame only, the frame sandboxed to scripts
// (an opaque origin), its URL given #?secret=, and hidden while a quote
// stands in for it. It returns an error when there is no frame, as
// WordPress then shows a plain link.
func FilterOEmbed(providerHTML, secret string) (string, error) {
	m := shape.FindStringSubmatch(kses(providerHTML))
	if m == nil {
		return "", fmt.Errorf("wordpress: no iframe in the oEmbed HTML %q", providerHTML)
	}
	quote, frame := m[1], m[2]
	frame = srcAttr.ReplaceAllString(frame, ` src="${1}#?secret=`+secret+`" data-secret="`+secret+`"`)
	if quote != "" {
		quote = strings.Replace(quote, "<blockquote", `<blockquote class="wp-embedded-content" data-secret="`+secret+`"`, 1)
		frame = strings.Replace(frame, "<iframe", `<iframe style="position: absolute; visibility: hidden;"`, 1)
	}
	frame = strings.Replace(frame, "<iframe", `<iframe class="wp-embedded-content" sandbox="allow-scripts" security="restricted"`, 1)
	return quote + frame, nil
}
