package server

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"

	"github.com/tdewolff/minify/v2"
)

// lookSource is the script that gives a widget the look of the page around
// its frame, from the frame's fragment (the loader, web/embed.js, writes
// it). It is inline in the widget's head so that it runs before the first
// paint, with no request of its own.
//
//go:embed look.js
var lookSource []byte

// inlineScript is a script as a page carries it inline, and the CSP
// source that allows exactly it.
type inlineScript struct {
	JS     template.JS
	Source string // 'sha256-…'
}

// newInlineScript minifies src for m, the page minifier, which must leave
// it as it is inside a page's <script>: the hash is of the very bytes the
// pages carry, or the browser would refuse the script.
func newInlineScript(m *minify.M, src []byte) (inlineScript, error) {
	js, err := m.Bytes("text/javascript", src)
	if err != nil {
		return inlineScript{}, fmt.Errorf("minify an inline script: %w", err)
	}
	const open, end = "<script>", "</script>"
	page, err := m.Bytes("text/html", []byte(open+string(js)+end))
	if err != nil {
		return inlineScript{}, fmt.Errorf("minify an inline script in a page: %w", err)
	}
	inner, opened := bytes.CutPrefix(page, []byte(open))
	inner, ended := bytes.CutSuffix(inner, []byte(end))
	if !opened || !ended || bytes.Contains(inner, []byte("</")) {
		return inlineScript{}, fmt.Errorf("an inline script does not stay one script in a page: %.80q", page)
	}
	sum := sha256.Sum256(inner)
	return inlineScript{JS: template.JS(inner), Source: "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"}, nil
}
