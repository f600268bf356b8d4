package params

import (
	"net/url"
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/news"
)

func TestParseEmbed(t *testing.T) {
	good := []struct {
		query string
		want  Embed
	}{
		{"", Embed{Limit: 6, Theme: ThemeAuto, Layout: LayoutBoth, Target: "_top", Wasm: WasmIntent}},
		{"article=x&limit=12&theme=dark&lang=ar&layout=carousel&target=_blank&wasm=eager",
			Embed{Article: "x", Limit: 12, Theme: ThemeDark, Lang: news.Arabic, Layout: LayoutCarousel, Target: "_blank", Wasm: WasmEager}},
		{"category=sport&lang=EN-gb&wasm=idle", Embed{Category: "sport", Limit: 6, Theme: ThemeAuto, Lang: news.English, Layout: LayoutBoth, Target: "_top", Wasm: WasmIdle}},
		{"article=x&maxheight=750", Embed{Article: "x", Limit: 6, Theme: ThemeAuto, Layout: LayoutBoth, Target: "_top", Wasm: WasmIntent, MaxHeight: 750}},
	}
	for _, tc := range good {
		got, err := ParseEmbed(mustQuery(t, tc.query))
		if err != nil || got != tc.want {
			t.Errorf("%q: got %+v, %v; want %+v", tc.query, got, err, tc.want)
		}
	}
	bad := map[string]string{
		"limit=0": "limit", "limit=13": "limit", "limit=abc": "limit", "theme=blue": "theme",
		"lang=de": "lang", "layout=grid": "layout", "target=_parent": "target", "article=a&url=b": "url",
		"wasm=false": "wasm", "wasm=now": "wasm", "maxheight=0": "maxheight", "maxheight=100001": "maxheight", "maxheight=tall": "maxheight",
	}
	for query, param := range bad {
		_, err := ParseEmbed(mustQuery(t, query))
		pe, ok := err.(*Error)
		if !ok || pe.Param != param {
			t.Errorf("%q: got %v, want an error naming %s", query, err, param)
		}
	}
}

func mustQuery(t *testing.T, q string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCanonicalPageKeepsWhatThePageReads(t *testing.T) {
	for page, want := range map[string]string{
		"/embed?maxheight=750&utm_source=x&article=a": "/embed?article=a&maxheight=750",
		// An article's page passes layout on to its oEmbed discovery.
		"/a/x?theme=dark&layout=carousel&limit=3": "/a/x?layout=carousel&theme=dark",
		"/saved?layout=cards&lang=ar":             "/saved?lang=ar",
	} {
		path, raw, _ := strings.Cut(page, "?")
		if got := CanonicalPage(path, raw); got != want {
			t.Errorf("%s: got %s, want %s", page, got, want)
		}
	}
}
