// Package mediakey owns the paths the images of imported articles are
// served under: Prefix and a key made from the image's URL. Ingest makes
// them, the sanitizer lets them through, the store finds them in what it
// keeps, and app/media serves them: one format for all.
package mediakey

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// Prefix is the path the images are served under.
const Prefix = "/media/"

// keyPattern is a key as a regular expression, unanchored, in the syntax Go's
// regexp and PostgreSQL's regular expressions share: 32 hex digits, maybe
// an extension.
const keyPattern = `[0-9a-f]{32}(?:\.(?:jpg|png|gif|webp|avif))?`

// RefPattern finds the paths under Prefix in a text, each key as the first
// group; a database that matches regular expressions itself uses it too.
const RefPattern = Prefix + `(` + keyPattern + `)` // Prefix holds no metacharacter

var (
	valid = regexp.MustCompile(`^` + keyPattern + `$`)
	ref   = regexp.MustCompile(RefPattern)
)

// Of names the image at src: a hash of the URL, so that the same image
// has the same key in every article and on every import, and an extension
// guessed from its path, for whoever reads the URL. The type served is the
// one the bytes turn out to be, whatever the extension says.
func Of(src string) string {
	sum := sha256.Sum256([]byte(src))
	return hex.EncodeToString(sum[:16]) + extension(src)
}

// Path is where Kiosque serves the image at src.
func Path(src string) string { return Prefix + Of(src) }

// Valid reports whether key is one Of could have returned: a request for
// anything else is refused before it comes near the disk.
func Valid(key string) bool { return valid.MatchString(key) }

// Refs returns the keys of the paths under Prefix that text holds, in
// order, repeats included. A mention that is no image (a link) counts too.
func Refs(text string) []string {
	if !strings.Contains(text, Prefix) {
		return nil
	}
	var keys []string
	for _, m := range ref.FindAllStringSubmatch(text, -1) {
		keys = append(keys, m[1])
	}
	return keys
}

func extension(src string) string {
	u, err := url.Parse(src)
	if err != nil {
		return ""
	}
	switch ext := strings.ToLower(path.Ext(u.Path)); ext {
	case ".jpg", ".jpeg", ".jpe":
		return ".jpg"
	case ".png", ".gif", ".webp", ".avif":
		return ext
	}
	return ""
}
