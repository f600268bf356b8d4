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
	if ifNoneMatch == "" {
		return false
	}
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag || t == Encoded(tag, "gzip") || t == Encoded(tag, "br") {
			return true
		}
	}
	return false
}
