// Package etag computes entity tags from content and answers conditional
// requests, for every response Kiosque sends: pages, JSON and files.
package etag

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Of returns a strong entity tag for body, quoted as HTTP wants it.
func Of(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:10]) + `"`
}

// Encoded is the tag of a body's form compressed with coding ("gzip",
// "br"): each form of a body needs a strong tag of its own.
func Encoded(tag, coding string) string {
	return strings.TrimSuffix(tag, `"`) + "-" + coding + `"`
}

// Matches reports whether an If-None-Match header names tag, or the tag of
// one of its compressed forms: a client holding any form of the body is up
// to date. Weak tags match too: If-None-Match uses the weak comparison
// (RFC 9110, 13.1.2).
func Matches(ifNoneMatch, tag string) bool {
	bare := strings.TrimSuffix(tag, `"`)
	for rest := ifNoneMatch; rest != ""; {
		var t string
		t, rest, _ = strings.Cut(rest, ",")
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag || isForm(t, bare, "gzip") || isForm(t, bare, "br") {
			return true
		}
	}
	return false
}

// isForm reports whether t is Encoded(bare+`"`, coding), without building it:
// Matches runs on every conditional request.
func isForm(t, bare, coding string) bool {
	return len(t) == len(bare)+1+len(coding)+1 && strings.HasPrefix(t, bare) &&
		t[len(bare)] == '-' && t[len(bare)+1:len(t)-1] == coding && t[len(t)-1] == '"'
}
