package server

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/webtest"
)

func TestFrameAncestorsAreSourceLists(t *testing.T) {
	for list, want := range map[string]string{
		"*":                                   "*",
		"'self'":                              "'self'",
		"'none'":                              "'none'",
		"https:":                              "https:",
		"https://a.example https://b.example": "https://a.example https://b.example",
		"  https://a.example\thttps://b.example ":  "https://a.example https://b.example",
		"'self' https://*.partner.example:8443":    "'self' https://*.partner.example:8443",
		"partner.example:* http://192.0.2.1/news/": "partner.example:* http://192.0.2.1/news/",
		"https://a.example/p%C3%A9age/x.html":      "https://a.example/p%C3%A9age/x.html",
		"https://*":                                "https://*",
	} {
		if got, err := ParseFrameAncestors(list); err != nil || got != want {
			t.Errorf("ParseFrameAncestors(%q) = %q, %v; want %q", list, got, err, want)
		}
	}
	for list, says := range map[string]string{
		"https://a.example, https://b.example": "not commas",
		"https://a.example,https://b.example":  "not commas",
		"":                                     "name the sites",
		"https://a.example; script-src *":      "semicolon",
		"'unsafe-inline'":                      "no keyword but 'self' and 'none'",
		"'nonce-abc'":                          "no keyword but 'self' and 'none'",
		"self":                                 "with its single quotes, 'self'",
		"'none' https://a.example":             "'none' allows no site",
		"https://a.example/?q=1":               "not a source",
		"https://[::1]":                        "not a source",
		"https://a.example:port":               "not a source",
		"https://a..example":                   "not a source",
		"https://user@a.example":               "not a source",
		`"https://a.example"`:                  "not a source",
	} {
		got, err := ParseFrameAncestors(list)
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("ParseFrameAncestors(%q) = %q, %v; want an error saying %q", list, got, err, says)
		}
	}
}

func TestWidgetsNameTheirFrameAncestors(t *testing.T) {
	srv := newTestServerWith(t, func(c *Config) { c.FrameAncestors = " https://a.example   https://b.example " })
	res, _ := webtest.Get(t, srv.URL+"/embed")
	if csp := res.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "; frame-ancestors https://a.example https://b.example 'self'") {
		t.Errorf("the widget's policy: %q", csp)
	}
	if _, err := New(Config{Log: slog.New(slog.DiscardHandler), FrameAncestors: "https://a.example, https://b.example"}); err == nil || !strings.Contains(err.Error(), "not commas") {
		t.Errorf("New with a comma-separated list: %v", err)
	}
}
