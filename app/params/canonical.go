// Package params reads the query parameters that the server and the
// browser share: the widget's options, themes and languages, whole numbers
// in a range, and the canonical form of a query, which names a page or an
// answer whatever order its parameters came in. A value it refuses is an
// *Error that names its parameter.
package params

import (
	"net/url"
	"strings"
)

// Canonical returns the canonical form of a raw query: of the parameters
// named in known, the first value of each (as url.Values.Get and
// URLSearchParams.get read it) unless it is empty, escaped as
// url.QueryEscape does, in the order of known (give them sorted, and the
// form is the one url.Values.Encode and URLSearchParams.sort make). Anything else
// (tracking parameters, a repeated name) is dropped: it does not change
// the answer, so it must not make another.
//
// The query a page's own links and the loader make is canonical already;
// then Canonical allocates nothing, as it runs on every request.
func Canonical(raw string, known ...string) string {
	if isCanonical(raw, known) {
		return raw
	}
	q, _ := url.ParseQuery(raw) // a malformed pair is dropped, as browsers do
	var b strings.Builder
	for _, name := range known {
		if v := q.Get(name); v != "" {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(name))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String()
}

// CanonicalURI is a path with the canonical form of its query.
func CanonicalURI(path, raw string, known ...string) string {
	if q := Canonical(raw, known...); q != "" {
		return path + "?" + q
	}
	return path
}

// isCanonical reports, without allocating, whether raw is a canonical
// query: known names in order, each once, with values that escaping leaves
// as they are. A value with escapes is taken as not canonical (rare: a
// slug in Arabic): Canonical then builds the form.
func isCanonical(raw string, known []string) bool {
	next := 0 // index in known of the first name still allowed
	for raw != "" {
		var pair string
		var more bool
		pair, raw, more = strings.Cut(raw, "&")
		if more && raw == "" {
			return false // a trailing &
		}
		name, value, ok := strings.Cut(pair, "=")
		if !ok || value == "" || !plain(value) {
			return false
		}
		i := indexFrom(known, next, name)
		if i < 0 {
			return false
		}
		next = i + 1
	}
	return true
}

// indexFrom is the index of name in known at or after from, or -1.
func indexFrom(known []string, from int, name string) int {
	for i := from; i < len(known); i++ {
		if known[i] == name {
			return i
		}
	}
	return -1
}

// plain reports whether url.QueryEscape leaves s as it is.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return false
		}
	}
	return true
}
