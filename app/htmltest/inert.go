package htmltest

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/kiosque/kiosque/app/mediakey"
)

// CheckInert returns an error describing the first thing in the HTML
// fragment that could run script or load from a non-http(s) URL: an
// element or attribute outside Kiosque's allow-list, a URL of another
// scheme, a link without rel="nofollow noopener". Images may also come
// from Kiosque's own /media/ (where imports point them). It checks what a
// browser would parse, independently of the sanitizer it tests.
func CheckInert(fragment string) error {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"})
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	for _, n := range nodes {
		if err := checkNode(n); err != nil {
			return err
		}
	}
	return nil
}

// allowedAttrs returns the attributes element el may carry, and whether
// it is allowed at all.
func allowedAttrs(el string) ([]string, bool) {
	switch el {
	case "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "em", "strong", "i", "b", "small", "sub", "sup",
		"ul", "ol", "li", "blockquote", "figure", "figcaption":
		return nil, true
	case "a":
		return []string{"href", "rel", "target"}, true
	case "img":
		return []string{"src", "alt", "width", "height"}, true
	}
	return nil, false
}

func checkNode(n *html.Node) error {
	switch n.Type {
	case html.CommentNode:
		return fmt.Errorf("comment %q", n.Data)
	case html.ElementNode:
		attrs, ok := allowedAttrs(n.Data)
		if !ok || n.Namespace != "" {
			return fmt.Errorf("element <%s> is not allowed", n.Data)
		}
		for _, a := range n.Attr {
			if a.Namespace != "" || !contains(attrs, a.Key) {
				return fmt.Errorf("attribute %s=%q on <%s> is not allowed", a.Key, a.Val, n.Data)
			}
			if a.Key == "src" && strings.HasPrefix(a.Val, mediakey.Prefix) {
				if !mediakey.Valid(strings.TrimPrefix(a.Val, mediakey.Prefix)) {
					return fmt.Errorf("%s=%q on <%s>: not a media path", a.Key, a.Val, n.Data)
				}
				continue
			}
			if a.Key == "href" || a.Key == "src" {
				u, err := url.Parse(a.Val)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
					return fmt.Errorf("%s=%q on <%s>: not an http(s) URL", a.Key, a.Val, n.Data)
				}
			}
		}
		if n.Data == "a" && Attr(n, "href") != "" {
			if rel := strings.Fields(Attr(n, "rel")); !contains(rel, "nofollow") || !contains(rel, "noopener") {
				return fmt.Errorf("link to %s has rel=%q, want nofollow noopener", Attr(n, "href"), Attr(n, "rel"))
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := checkNode(c); err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }
