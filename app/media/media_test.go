package media

import (
	"strings"
	"testing"
)

func TestKey(t *testing.T) {
	for _, tc := range []struct {
		src, ext string
	}{
		{"https://example.ma/wp-content/uploads/2024/03/port.jpg", ".jpg"},
		{"https://example.ma/a/b.JPEG?resize=300,200", ".jpg"},
		{"https://example.ma/a.png", ".png"},
		{"https://example.ma/a.webp", ".webp"},
		{"https://example.ma/a.avif", ".avif"},
		{"https://example.ma/a.gif#frag", ".gif"},
		{"https://example.ma/drawing.svg", ""},
		{"https://images.example.ma/image?id=42&format=jpg", ""},
		{"https://example.ma/../../etc/passwd", ""},
	} {
		key := Key(tc.src)
		if !ValidKey(key) || !strings.HasSuffix(key, tc.ext) || len(key) != 32+len(tc.ext) {
			t.Errorf("Key(%q) = %q, want 32 hex digits and %q", tc.src, key, tc.ext)
		}
		if Key(tc.src) != key || Path(tc.src) != "/media/"+key {
			t.Errorf("Key(%q) is not stable", tc.src)
		}
	}
	if Key("https://example.ma/a.jpg") == Key("https://example.ma/b.jpg") {
		t.Error("two URLs, one key")
	}
}

func TestValidKeyRefusesPaths(t *testing.T) {
	for _, bad := range []string{
		"", "..", "../kiosque.db", "0123456789abcdef0123456789abcdef/..", "0123456789ABCDEF0123456789ABCDEF",
		"0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0", "0123456789abcdef0123456789abcdef.svg",
		"0123456789abcdef0123456789abcdef.jpg.html", ".0123456789abcdef0123456789abcdef.jpg.1.tmp",
		"0123456789abcdef0123456789abcdef\x00.jpg", "0123456789abcdef0123456789abcdef.jpg\n",
	} {
		if ValidKey(bad) {
			t.Errorf("ValidKey(%q) = true", bad)
		}
	}
}

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
