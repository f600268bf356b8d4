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

// Matches reports whether an If-None-Match header names tag. Weak tags
// match too: If-None-Match uses the weak comparison (RFC 9110, 13.1.2).
func Matches(ifNoneMatch, tag string) bool {
	if ifNoneMatch == "" {
		return false
	}
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == tag {
			return true
		}
	}
	return false
}
