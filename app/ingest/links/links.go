// Package links reads the links a web page announces about itself: its
// Link headers (RFC 8288) and the <link> elements of its head, where a
// WordPress site names its REST API and a site names its feeds.
package links

import (
	"bytes"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Link is one link a page announces.
type Link struct {
	// URL is absolute: a relative reference is resolved against the
	// page's address (or its <base href>).
	URL string
	// Rel are the link's relation types, lower-cased ("alternate",
	// "https://api.w.org/").
	Rel []string
	// Type is the media type the link announces, lower-cased, without
	// parameters ("application/rss+xml"); empty if none.
	Type  string
	Title string
}

// Is reports whether the link has the relation type rel (compared without
// regard to case, as RFC 8288 says).
func (l Link) Is(rel string) bool {
	for _, r := range l.Rel {
		if strings.EqualFold(r, rel) {
			return true
		}
	}
	return false
}

// Find returns the first link of links with the relation type rel.
func Find(links []Link, rel string) (Link, bool) {
	for _, l := range links {
		if l.Is(rel) {
			return l, true
		}
	}
	return Link{}, false
}

// newLink makes a Link of the raw values, resolving ref against base; ok
// is false for a reference that cannot be resolved to an http or https
// URL.
func newLink(base *url.URL, ref, rel, typ, title string) (Link, bool) {
	u, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return Link{}, false
	}
	u = base.ResolveReference(u)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Link{}, false
	}
	u.Fragment = ""
	if t, _, err := mime.ParseMediaType(typ); err == nil {
		typ = t
	} else {
		typ = strings.ToLower(strings.TrimSpace(typ))
	}
	return Link{URL: u.String(), Rel: strings.Fields(strings.ToLower(rel)), Type: typ, Title: strings.TrimSpace(title)}, true
}

// InHeader returns the links of h's Link headers, in their order, their
// references resolved against base (the address that answered).
func InHeader(h http.Header, base *url.URL) []Link {
	var found []Link
	for _, v := range h.Values("Link") {
		for _, raw := range parseLinkHeader(v) {
			if l, ok := newLink(base, raw.ref, raw.params["rel"], raw.params["type"], raw.params["title"]); ok {
				found = append(found, l)
			}
		}
	}
	return found
}

// rawLink is one link-value of a Link header: its reference and its
// parameters, by lower-cased name (the first of each name counts, as
// RFC 8288 says of rel).
type rawLink struct {
	ref    string
	params map[string]string
}

// parseLinkHeader reads one Link header value: link-values separated by
// commas, each "<reference>" and parameters separated by semicolons, a
// parameter's value a token or a quoted string. What it cannot read it
// skips to the next link-value.
func parseLinkHeader(v string) []rawLink {
	var out []rawLink
	for {
		v = strings.TrimLeft(v, " \t,")
		if v == "" {
			return out
		}
		if v[0] != '<' {
			v = skipLinkValue(v)
			continue
		}
		end := strings.IndexByte(v, '>')
		if end < 0 {
			return out
		}
		link := rawLink{ref: v[1:end], params: map[string]string{}}
		v = v[end+1:]
		for {
			v = strings.TrimLeft(v, " \t")
			if v == "" || v[0] != ';' {
				break
			}
			v = strings.TrimLeft(v[1:], " \t")
			nameEnd := strings.IndexAny(v, "=;, \t")
			if nameEnd < 0 {
				nameEnd = len(v)
			}
			name := strings.ToLower(v[:nameEnd])
			v = strings.TrimLeft(v[nameEnd:], " \t")
			value := ""
			if v != "" && v[0] == '=' {
				value, v = paramValue(strings.TrimLeft(v[1:], " \t"))
			}
			if _, seen := link.params[name]; !seen && name != "" {
				link.params[name] = value
			}
		}
		out = append(out, link)
		v = skipLinkValue(v)
	}
}

// paramValue reads a token or a quoted string at the start of v, and
// returns it and what follows.
func paramValue(v string) (string, string) {
	if v == "" || v[0] != '"' {
		end := strings.IndexAny(v, ";, \t")
		if end < 0 {
			return v, ""
		}
		return v[:end], v[end:]
	}
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && i+1 < len(v):
			i++
			b.WriteByte(v[i])
		case c == '"':
			return b.String(), v[i+1:]
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), "" // unterminated: the rest is the value
}

// skipLinkValue skips to the comma that ends the current link-value,
// outside quoted strings and references.
func skipLinkValue(v string) string {
	quoted, inRef := false, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case quoted && c == '\\':
			i++
		case c == '"' && !inRef:
			quoted = !quoted
		case c == '<' && !quoted:
			inRef = true
		case c == '>' && !quoted:
			inRef = false
		case c == ',' && !quoted && !inRef:
			return v[i+1:]
		}
	}
	return ""
}

// InHead returns the <link> elements of an HTML page's head, in their
// order, their references resolved against the page's first <base href>,
// itself resolved against base (the page's address). Reading stops at the
// body, where <link>s name no feed or API.
func InHead(page []byte, base *url.URL) []Link {
	var found []Link
	z := html.NewTokenizer(bytes.NewReader(page))
	baseSet := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return found
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch atom.Lookup(name) {
			case atom.Body:
				return found
			case atom.Base:
				if href, ok := attrs(z, hasAttr)["href"]; ok && !baseSet {
					baseSet = true
					if u, err := url.Parse(strings.TrimSpace(href)); err == nil {
						base = base.ResolveReference(u)
					}
				}
			case atom.Link:
				a := attrs(z, hasAttr)
				if l, ok := newLink(base, a["href"], a["rel"], a["type"], a["title"]); ok && a["href"] != "" {
					found = append(found, l)
				}
			}
		}
	}
}

// attrs reads the attributes of the current tag, the first of each name.
func attrs(z *html.Tokenizer, more bool) map[string]string {
	a := map[string]string{}
	for more {
		var key, val []byte
		key, val, more = z.TagAttr()
		if _, seen := a[string(key)]; !seen {
			a[string(key)] = string(val)
		}
	}
	return a
}
