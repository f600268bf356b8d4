// Package media serves the images of imported articles from Kiosque's own
// server, as the pages' CSP (img-src 'self') requires: ingest points each
// image at Path(url) and records the key's URL in the store, and the
// Handler fetches the image the first time it is asked for, checks that it
// is a picture, and keeps it on disk.
package media

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// Prefix is the path the images are served under.
const Prefix = "/media/"

// Key names the image at src: a hash of the URL, so that the same image
// has the same key in every article and on every import, and an extension
// guessed from its path, for whoever reads the URL. The type served is the
// one the bytes turn out to be, whatever the extension says.
func Key(src string) string {
	sum := sha256.Sum256([]byte(src))
	return hex.EncodeToString(sum[:16]) + extension(src)
}

// Path is where Kiosque serves the image at src.
func Path(src string) string { return Prefix + Key(src) }

// keyPattern is what Key returns: a request for anything else is refused
// before it comes near the disk.
var keyPattern = regexp.MustCompile(`^[0-9a-f]{32}(\.(jpg|png|gif|webp|avif))?$`)

// ValidKey reports whether key is one Key could have returned.
func ValidKey(key string) bool { return keyPattern.MatchString(key) }

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

// imageType returns the media type of the raster image b holds, or "" if
// it holds anything else: SVG (which can carry script), HTML, or an image
// type browsers don't all show. The bytes decide, not the Content-Type a
// server announces: CDNs label JPEGs application/octet-stream, and a
// label is no proof of content.
func imageType(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\xFF\xD8\xFF")):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1A\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "image/gif"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "image/webp"
	case isAVIF(b):
		return "image/avif"
	}
	return ""
}

// validType reports whether imageType may return t.
func validType(t string) bool {
	switch t {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "image/avif":
		return true
	}
	return false
}

// isAVIF reports whether b starts with an ISO-BMFF ftyp box naming an AVIF
// brand, major or compatible.
func isAVIF(b []byte) bool {
	if len(b) < 16 || string(b[4:8]) != "ftyp" {
		return false
	}
	size := int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3])
	if size < 16 || size > len(b) || size > 4096 {
		return false
	}
	for i := 8; i+4 <= size; i += 4 {
		if i == 12 {
			continue // the minor version, not a brand
		}
		if brand := string(b[i : i+4]); brand == "avif" || brand == "avis" {
			return true
		}
	}
	return false
}
