// Package ingesttest serves Kiosque's ingest fixtures over real HTTP for
// tests: a WordPress-shaped REST API, RSS and Atom feeds, hostile content
// whose scripts would set window.__kiosquePwned, and misbehaving servers.
//
// The fixtures are in testdata/ (embedded):
//
//	wordpress/posts.json            five posts as /wp-json/wp/v2/posts?_embed returns them:
//	                                entity-encoded titles, an Arabic post (102), an author
//	                                error object (103), featured media, categories and tags
//	wordpress/post-101-edited.json  post 101 as edited after a first sync
//	wordpress/index.json            the /wp-json/ index (the site's name)
//	wordpress/home.html             a WordPress 6.1 site's page, to its head (links to its API and feeds)
//	feeds/rss.xml, feeds/atom.xml   an RSS 2.0 feed (WordPress's shape) and an Atom feed
//	hostile/wordpress-posts.json    posts 901–903: scripts, event handlers, javascript: and
//	                                data: URLs, CSS expression(), broken UTF-8
//	hostile/rss.xml, hostile/atom.xml  the same payloads in feeds
//	hostile/payloads.html           the body payloads alone
package ingesttest

import (
	"embed"
	"encoding/json"
	"io/fs"
	"testing"
)

// PwnedFlag is the property every hostile payload tries to set on window:
// a browser test that finds it set has seen a script run.
const PwnedFlag = "__kiosquePwned"

//go:embed testdata
var fixtures embed.FS

// Fixture returns the fixture file at name, relative to testdata/
// ("hostile/rss.xml").
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(fixtures, "testdata/"+name)
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return b
}

// mustFixture returns a fixture the package serves by itself.
func mustFixture(name string) []byte {
	b, err := fs.ReadFile(fixtures, "testdata/"+name)
	if err != nil {
		panic("ingesttest: " + err.Error())
	}
	return b
}

// Posts returns the posts of a fixture holding a JSON array of WordPress
// posts ("wordpress/posts.json"), or holding one post.
func Posts(t testing.TB, name string) []json.RawMessage {
	t.Helper()
	b := Fixture(t, name)
	var posts []json.RawMessage
	if err := json.Unmarshal(b, &posts); err != nil {
		var one json.RawMessage
		if err := json.Unmarshal(b, &one); err != nil {
			t.Fatalf("fixture %s: %v", name, err)
		}
		posts = []json.RawMessage{one}
	}
	return posts
}
