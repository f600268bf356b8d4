// Package htmltest finds elements in parsed HTML, as a browser would see
// the page. It is for tests only: of pages, and of imported content.
package htmltest

import (
	"strings"

	"golang.org/x/net/html"
)

// Parse parses a document or a fragment as a browser does.
func Parse(s string) (*html.Node, error) {
	return html.Parse(strings.NewReader(s))
}

// All returns the elements under n, in document order, for which match is
// true.
func All(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var found []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			found = append(found, d)
		}
	}
	return found
}

// Attr returns the value of an element's attribute, or "".
func Attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// Text returns the text under n, as textContent does.
func Text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// Tag matches elements by tag name.
func Tag(tag string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag }
}

// Class matches elements with a class.
func Class(class string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		for _, c := range strings.Fields(Attr(n, "class")) {
			if c == class {
				return true
			}
		}
		return false
	}
}
