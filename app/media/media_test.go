package media

import (
	"testing"
)

func TestImageType(t *testing.T) {
	for _, tc := range []struct {
		name string
		head string
		want string
	}{
		{"jpeg", "\xFF\xD8\xFF\xE0\x00\x10JFIF", "image/jpeg"},
		{"png", "\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR", "image/png"},
		{"gif", "GIF89a\x01\x00\x01\x00", "image/gif"},
		{"webp", "RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"},
		{"avif", "\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1miaf", "image/avif"},
		{"avif as a compatible brand", "\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00avifmiaf", "image/avif"},
		{"heic", "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", ""},
		{"svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, ""},
		{"svg with a BOM and a prolog", "\uFEFF<?xml version=\"1.0\"?><svg/>", ""},
		{"html", "<!doctype html><script>alert(1)</script>", ""},
		{"empty", "", ""},
		{"riff but not webp", "RIFF\x24\x00\x00\x00WAVEfmt ", ""},
		{"ftyp box larger than the bytes", "\x00\x00\x10\x00ftypavif", ""},
	} {
		if got := imageType([]byte(tc.head)); got != tc.want {
			t.Errorf("%s: imageType = %q, want %q", tc.name, got, tc.want)
		}
	}
}
