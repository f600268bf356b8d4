package server

import (
	_ "embed"
	"encoding/json"
)

// workerTemplate is the service worker go-app fills with the release and
// the app shell's files. go-app's own serves every page from its cache
// first, so news would stay stale until the next release.
//
//go:embed worker.js
var workerTemplate string

// Colours of the site, light and dark, as the style sheet has them.
const (
	lightBackground = "#f7f4ee"
	darkBackground  = "#15171a"
	accent          = "#b3261e"
)

type manifestIcon struct {
	Src     string `json:"src"`
	Type    string `json:"type"`
	Sizes   string `json:"sizes"`
	Purpose string `json:"purpose,omitempty"`
}

// webManifest describes the site as an installable app. go-app's lacks the
// id, the language, the direction and the dark colours.
func webManifest(cfg Config, resolve func(string) string) ([]byte, error) {
	type colours struct {
		ThemeColor      string `json:"theme_color"`
		BackgroundColor string `json:"background_color"`
	}
	manifest := struct {
		ID              string         `json:"id"`
		Name            string         `json:"name"`
		ShortName       string         `json:"short_name"`
		Description     string         `json:"description"`
		Lang            string         `json:"lang"`
		Dir             string         `json:"dir"`
		StartURL        string         `json:"start_url"`
		Scope           string         `json:"scope"`
		Display         string         `json:"display"`
		ThemeColor      string         `json:"theme_color"`
		BackgroundColor string         `json:"background_color"`
		Categories      []string       `json:"categories"`
		Icons           []manifestIcon `json:"icons"`
		// The colour scheme preferences proposal: Chromium reads it, others
		// ignore it.
		UserPreferences map[string]map[string]colours `json:"user_preferences"`
	}{
		ID:              "/",
		Name:            cfg.Site,
		ShortName:       cfg.Site,
		Description:     cfg.describe(),
		Lang:            string(cfg.Lang),
		Dir:             "auto",
		StartURL:        "/",
		Scope:           "/",
		Display:         "standalone",
		ThemeColor:      accent,
		BackgroundColor: lightBackground,
		Categories:      []string{"news"},
		Icons: []manifestIcon{
			{Src: resolve("/web/icons/icon-192.png"), Type: "image/png", Sizes: "192x192", Purpose: "any"},
			{Src: resolve("/web/icons/icon-512.png"), Type: "image/png", Sizes: "512x512", Purpose: "any"},
			{Src: resolve("/web/icons/maskable-512.png"), Type: "image/png", Sizes: "512x512", Purpose: "maskable"},
			{Src: resolve("/web/icons/icon.svg"), Type: "image/svg+xml", Sizes: "any", Purpose: "any"},
		},
		UserPreferences: map[string]map[string]colours{
			"color_scheme": {"dark": {ThemeColor: darkBackground, BackgroundColor: darkBackground}},
		},
	}
	return json.MarshalIndent(manifest, "", "  ")
}
