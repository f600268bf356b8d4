// Package media serves the images of imported articles from Kiosque's own
// server, as the pages' CSP (img-src 'self') requires: ingest points each
// image at mediakey.Path of its URL and records the URL in the store, and
// the Handler fetches the image the first time it is asked for, checks
// that it is a picture, and keeps it on disk.
package media

import "bytes"

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
