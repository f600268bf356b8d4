//go:build !wasm

package ui

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// ariaTrue is "true" for an ARIA state in the prerendered page. go-app
// writes an attribute whose value is "true" bare, as HTML writes a boolean
// one (aria-hidden=""), and ARIA reads an empty value as none: written as
// a character reference, the value stays.
const ariaTrue = "&#116;rue"

// attr makes text safe as an attribute value in the prerendered page.
// go-app writes attribute values with Go's string quoting, not HTML
// escaping: a `"` in a title would end the attribute, and `\` or an
// invisible character would show as an escape sequence. So every character
// that quoting would touch, and every character with meaning in HTML, is
// written as a character reference, which quoting leaves alone and the
// browser turns back into the text as written.
//
// go-app also trims attribute values, and writes "true" bare, as a boolean
// attribute, which HTML reads as empty: attr trims first, as the browser's
// go-app does (escaped spaces would escape the trim), and writes "true" as
// ariaTrue.
func attr(s string) string {
	s = strings.TrimSpace(s)
	if s == "true" {
		return ariaTrue
	}
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '"' || r == '\'' || r == '<' || r == '>' || r == '\\' || !strconv.IsPrint(r):
			b.WriteString("&#")
			b.WriteString(strconv.Itoa(int(r)))
			b.WriteByte(';')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsEscape(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		switch {
		case r == '&', r == '"', r == '\'', r == '<', r == '>', r == '\\', !strconv.IsPrint(r):
			return true
		}
	}
	return false
}
