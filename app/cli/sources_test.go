//go:build !wasm

package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/ingest/ingesttest"
)

// kiosque sources, given the servers' sources, shows apart those left
// over (a failed one-off import, a source no longer configured), and
// forgets one with no article; never one polled or with articles.
func TestSourcesShowsWhatIsLeftOverAndForgetsIt(t *testing.T) {
	data := t.TempDir()
	polled := httptest.NewServer(ingesttest.NewFeed(ingesttest.FreshFeed("Un article suivi"), "application/rss+xml", false))
	defer polled.Close()
	dropped := httptest.NewServer(ingesttest.NewFeed(ingesttest.FreshFeed("Un article d'une source abandonnée"), "application/rss+xml", false))
	defer dropped.Close()
	missing := httptest.NewServer(http.NotFoundHandler())
	defer missing.Close()
	for _, feed := range []string{polled.URL, dropped.URL} {
		if err := Run(context.Background(), []string{"ingest", "-data", data, "-feed", feed}, noEnv, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	if err := Run(context.Background(), []string{"ingest", "-data", data, "-feed", missing.URL + "/feed"}, noEnv, io.Discard, io.Discard); err == nil {
		t.Fatal("ingest of a 404 succeeded")
	}
	sources := func(getenv func(string) string, args ...string) (string, error) {
		var out bytes.Buffer
		err := Run(context.Background(), append([]string{"sources", "-data", data}, args...), getenv, &out, io.Discard)
		return out.String(), err
	}
	// The servers' configuration, as they read it: two sources, one not
	// polled yet, separated by a comma.
	env := map[string]string{"KIOSQUE_SOURCE": "feed:" + polled.URL + ",feed:https://next.example/feed"}
	getenv := func(name string) string { return env[name] }
	out, err := sources(getenv)
	if err != nil {
		t.Fatal(err)
	}
	mine, leftOver, ok := strings.Cut(out, "Left over")
	if !ok || !strings.Contains(mine, "feed:"+polled.URL+" ") || !strings.Contains(mine, "feed:https://next.example/feed ") ||
		!strings.Contains(leftOver, "feed:"+dropped.URL+" ") || !strings.Contains(leftOver, "feed:"+missing.URL+"/feed ") ||
		strings.Contains(mine, dropped.URL) || strings.Contains(leftOver, polled.URL) {
		t.Errorf("sources with KIOSQUE_SOURCE does not show polled and left-over sources apart:\n%s", out)
	}

	if _, err := sources(getenv, "forget", polled.URL); err == nil || !strings.Contains(err.Error(), "the servers poll") {
		t.Errorf("forget a polled source: %v", err)
	}
	if _, err := sources(getenv, "forget", dropped.URL); err == nil || !strings.Contains(err.Error(), "has articles stored") {
		t.Errorf("forget a source with articles: %v", err)
	}
	if out, err := sources(getenv, "forget", missing.URL+"/feed"); err != nil || !strings.Contains(out, "Forgot feed:"+missing.URL+"/feed") {
		t.Errorf("forget the failed import: %v %s", err, out)
	}
	if _, err := sources(getenv, "forget", missing.URL+"/feed"); err == nil || !strings.Contains(err.Error(), "no source is recorded") {
		t.Errorf("forget it again: %v", err)
	}
	out, err = sources(noEnv)
	if err != nil || strings.Contains(out, missing.URL) || !strings.Contains(out, dropped.URL) || !strings.Contains(out, polled.URL) {
		t.Errorf("after forgetting the failed import (%v):\n%s", err, out)
	}
}
