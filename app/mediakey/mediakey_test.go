package mediakey

import (
	"slices"
	"strings"
	"testing"
)

func TestOf(t *testing.T) {
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
		key := Of(tc.src)
		if !Valid(key) || !strings.HasSuffix(key, tc.ext) || len(key) != 32+len(tc.ext) {
			t.Errorf("Of(%q) = %q, want 32 hex digits and %q", tc.src, key, tc.ext)
		}
		if Of(tc.src) != key || Path(tc.src) != Prefix+key {
			t.Errorf("Of(%q) is not stable", tc.src)
		}
	}
	if Of("https://example.ma/a.jpg") == Of("https://example.ma/b.jpg") {
		t.Error("two URLs, one key")
	}
}

func TestValidRefusesPaths(t *testing.T) {
	for _, bad := range []string{
		"", "..", "../kiosque.db", "0123456789abcdef0123456789abcdef/..", "0123456789ABCDEF0123456789ABCDEF",
		"0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0", "0123456789abcdef0123456789abcdef.svg",
		"0123456789abcdef0123456789abcdef.jpg.html", ".0123456789abcdef0123456789abcdef.jpg.1.tmp",
		"0123456789abcdef0123456789abcdef\x00.jpg", "0123456789abcdef0123456789abcdef.jpg\n",
	} {
		if Valid(bad) {
			t.Errorf("Valid(%q) = true", bad)
		}
	}
}

func TestRefs(t *testing.T) {
	key := Of("https://example.ma/a.jpg")
	text := `<p><img src="/media/` + key + `" alt=""></p><a href="/media/../kiosque.db">x</a><img src="/media/` + key + `">`
	if got := Refs(text); !slices.Equal(got, []string{key, key}) {
		t.Errorf("Refs = %q, want %q twice", got, key)
	}
	if got := Refs("<p>no image</p>"); got != nil {
		t.Errorf("Refs of a text without images = %q", got)
	}
}
