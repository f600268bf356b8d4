package events

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeTakesEachKind(t *testing.T) {
	for _, tc := range []struct {
		body string
		want Event
	}{
		{`{"kind":"view","partner":"News.Example","placement":" sidebar ","article":"a-b"}`,
			Event{Kind: View, Partner: "news.example", Placement: "sidebar", Article: "a-b"}},
		{`{"kind":"view","partner":"","article":""}`, Event{Kind: View}},
		{`{"kind":"view","partner":"127.0.0.1","article":"a","variant":3}`, Event{Kind: View, Partner: "127.0.0.1", Article: "a", Variant: 3}},
		{`{"kind":"click","partner":"[::1]","article":"b","from":"a","position":2}`,
			Event{Kind: Click, Partner: "[::1]", Article: "b", From: "a", Position: 2}},
		{`{"kind":"click","article":"b","from":"a","position":12,"variant":8,"ranker":"baseline"}`,
			Event{Kind: Click, Article: "b", From: "a", Position: 12, Variant: 8, Ranker: RankerBaseline}},
		{`{"kind":"click","article":"a","position":0,"variant":8}`, Event{Kind: Click, Article: "a", Variant: 8}},
		{`{"kind":"outcome","placement":"Bas de  page","article":"a","variant":1,"kiosque":2,"baseline":1}`,
			Event{Kind: Outcome, Placement: "bas-de-page", Article: "a", Variant: 1, Kiosque: 2, Baseline: 1}},
		{`{"kind":"view","placement":"col.2_top"}`, Event{Kind: View, Placement: "col-2_top"}},
		{` {"kind":"view","position":null} ` + "\n", Event{Kind: View}},
		{`{"kind":"view","placement":"بالأسفل"}`, Event{Kind: View, Placement: "بالأسفل"}},
	} {
		got, err := Decode([]byte(tc.body))
		if err != nil || got != tc.want {
			t.Errorf("Decode(%s) = %+v, %v; want %+v", tc.body, got, err, tc.want)
		}
	}
}

// Anything else is refused, naming the field at fault: an identifier
// added by a client included.
func TestDecodeRefusesWhatItDoesNotKnow(t *testing.T) {
	for _, tc := range []struct {
		body, field string
	}{
		{`{"kind":"view","id":"7f3c2a"}`, "id"},
		{`{"kind":"view","session":1}`, "session"},
		{`{"kind":"view","user":{"id":1}}`, "user"},
		{`{"kind":"scroll"}`, "kind"},
		{`{}`, "kind"},
		{`{"kind":"view","partner":"news.example/path"}`, "partner"},
		{`{"kind":"view","partner":"news example"}`, "partner"},
		{`{"kind":"view","partner":"` + strings.Repeat("a", 254) + `"}`, "partner"},
		{`{"kind":"view","placement":"<script>"}`, "placement"},
		{`{"kind":"view","placement":"` + strings.Repeat("p", MaxPlacement+1) + `"}`, "placement"},
		{`{"kind":"view","placement":"a/b"}`, "placement"},
		{`{"kind":"view","placement":"x@evil"}`, "placement"},
		{`{"kind":"view","placement":"a\u0000"}`, "placement"},
		{`{"kind":"view","partner":7}`, "partner"},
		{`{"kind":"view","variant":99999999999999999999}`, "variant"},
		{`{"kind":"view"} x`, ""},
		{`{"kind":"view","variant":9}`, "variant"},
		{`{"kind":"view","variant":-1}`, "variant"},
		{`{"kind":"view","position":2}`, "position"},
		{`{"kind":"view","kiosque":1}`, "kiosque"},
		{`{"kind":"click","position":1}`, "article"},
		{`{"kind":"click","article":"b","position":13}`, "position"},
		{`{"kind":"click","article":"b","position":1.5}`, "position"},
		{`{"kind":"click","article":"b","position":"1"}`, "position"},
		{`{"kind":"click","article":"b","position":1,"ranker":"kiosque"}`, "ranker"},
		{`{"kind":"click","article":"b","position":1,"variant":2}`, "ranker"},
		{`{"kind":"click","article":"b","position":1,"variant":2,"ranker":"other"}`, "ranker"},
		{`{"kind":"click","article":"b","position":0,"variant":2,"ranker":"kiosque"}`, "ranker"},
		{`{"kind":"outcome","article":"a","kiosque":1}`, "variant"},
		{`{"kind":"outcome","variant":1,"kiosque":1}`, "article"},
		{`{"kind":"outcome","article":"a","variant":1}`, "kiosque"},
		{`{"kind":"outcome","article":"a","variant":1,"kiosque":-1,"baseline":2}`, "kiosque"},
		{`{"kind":"view"}{"kind":"view"}`, ""},
		{`[{"kind":"view"}]`, ""},
		{`{"kind":"view"`, ""},
		{``, ""},
	} {
		_, err := Decode([]byte(tc.body))
		var e *Error
		if !errors.As(err, &e) || e.Field != tc.field {
			t.Errorf("Decode(%s): %v, want an error of the field %q", tc.body, err, tc.field)
		}
	}
	if _, err := Decode([]byte(`{"kind":"view","placement":"` + strings.Repeat("x", MaxBody) + `"}`)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a body over %d bytes: %v", MaxBody, err)
	}
}

func TestIsBot(t *testing.T) {
	for ua, want := range map[string]bool{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36":                                 false,
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1":         false,
		"Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0":                                                                          false,
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)":                                                                        true,
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)":                                                                         true,
		"Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0 Mobile Safari/537.36 Chrome-Lighthouse": true,
		"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)":                                                                       true,
		"curl/8.5.0":          true,
		"Go-http-client/1.1":  true,
		"python-requests/2.3": true,
		"":                    true,
		"   ":                 true,
	} {
		if got := IsBot(ua); got != want {
			t.Errorf("IsBot(%q) = %v, want %v", ua, got, want)
		}
	}
}
