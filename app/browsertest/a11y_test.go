package browsertest

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeScript is axe-core, which make test fetches from the npm registry.
func axeScript(t *testing.T) string {
	t.Helper()
	path := os.Getenv("KIOSQUE_AXE")
	if path == "" {
		path = "../../build/cache/axe-core/axe.min.js"
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("axe-core is missing (%v): make test fetches it", err)
	}
	return string(b)
}

type axeViolation struct {
	ID     string
	Impact string
	Help   string
	Nodes  []struct{ Target []string }
}

// TestPagesPassAxe runs axe-core's WCAG 2.1 A and AA rules, and its best
// practices, on every kind of page, in both directions and both themes:
// both as it is served and once its app has taken over.
func TestPagesPassAxe(t *testing.T) {
	axe := axeScript(t)
	srv := startKiosque(t)
	b := newBrowser(t)
	for _, path := range []string{
		"/",
		"/?lang=ar&theme=dark",
		"/a/" + seedSlug,
		"/a/" + arabicSlug(t) + "?theme=dark",
		"/embed?article=" + seedSlug,
		"/embed?article=" + arabicSlug(t) + "&lang=ar&theme=dark",
		"/embed?category=sport&layout=cards&theme=light",
		"/saved",
	} {
		b.run(t, chromedp.Navigate(srv.URL+path))
		waitFor(t, b, `document.readyState === "complete"`)
		if path != "/saved" { // the saved list starts its app by itself
			checkAxe(t, b, axe, path+" (before its app)")
		}
		startApp(t, b)
		checkAxe(t, b, axe, path)
	}
}

func checkAxe(t *testing.T, b *browser, axe, page string) {
	t.Helper()
	b.run(t, chromedp.Evaluate[chromedp.Void](axe))
	violations, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}).then(r => r.violations)`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe: %v", page, err)
	}
	for _, v := range violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, n.Target...)
		}
		t.Errorf("%s: %s (%s): %s at %v", page, v.ID, v.Impact, v.Help, where)
	}
}
