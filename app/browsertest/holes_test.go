package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A widget never leaves a hole or an error box on a partner's page: an
// option the server does not take is left out with a console warning
// that names it (or taken, when its meaning is obvious); a widget the
// server cannot show gives its place back to the fallback link; an
// article not here shows the latest of its section; an article named by
// its address shows that article.
func TestAWidgetNeverLeavesAHole(t *testing.T) {
	p := startPartnerSite(t)
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(p.host+"/page/wrong"))
	ready := []string{"purple", "upper", "many", "grid", "german", "missing", "address"}
	// Frames are made as their boxes near the viewport: scroll past each.
	for _, id := range append(ready, "nosection") {
		b.run(t, chromedp.Evaluate[chromedp.Void](`document.getElementById("`+id+`").scrollIntoView()`))
		waitFor(t, b, `document.getElementById("`+id+`").querySelector("iframe") !== null || document.getElementById("`+id+`").dataset.kiosqueState === "failed"`)
	}
	waitFor(t, b, `["`+strings.Join(ready, `","`)+`"].every(id => document.getElementById(id).dataset.kiosqueState === "ready") &&
		document.getElementById("nosection").dataset.kiosqueState === "failed"`)

	// The one the server could not show: its fallback, as it was.
	box := eval[map[string]any](t, b, `(() => {
		const box = document.getElementById("nosection"), link = box.querySelector("a");
		return {frames: box.querySelectorAll("iframe").length, height: box.getBoundingClientRect().height,
			minHeight: box.style.minHeight, link: link.offsetHeight > 0};
	})()`)
	if box["frames"].(float64) != 0 || box["height"].(float64) > 60 || box["minHeight"] != "" || box["link"] != true {
		t.Errorf("a widget the server could not show left %v, want its fallback link alone", box)
	}

	warnings := strings.Join(eval[[]string](t, b, `warnings`), "\n")
	for _, want := range []string{`data-theme="purple"`, `data-layout="grid"`, `data-lang="de"`, "could not show: " /* in the reader's words, naming category */, "category"} {
		if !strings.Contains(warnings, want) {
			t.Errorf("no console warning names %s; warnings:\n%s", want, warnings)
		}
	}
	if strings.Contains(warnings, `"Dark"`) || strings.Contains(warnings, `"20"`) {
		t.Errorf("data-theme=Dark and data-limit=20 (12) are obvious enough to be taken; warnings:\n%s", warnings)
	}

	for _, tc := range []struct{ id, check, want string }{
		{"purple", `document.documentElement.dataset.theme`, "light"},
		{"upper", `document.documentElement.dataset.theme`, "dark"},
		{"many", `new URLSearchParams(location.search).get("limit")`, "12"},
		{"german", `document.documentElement.lang`, "fr"},
		{"missing", `String(!!document.querySelector("[role=alert]")) + " " + (document.querySelectorAll(".card").length > 0)`, "false true"},
		{"address", `document.querySelector(".card h2, .card h3").textContent.trim()`, p.exclusive.Title},
	} {
		inside := frame(t, b, "#"+tc.id+" iframe")
		if got := eval[string](t, inside, tc.check); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: %s = %q, want %q", tc.id, tc.check, got, tc.want)
		}
	}
}

// A widget on a site that the server's -frame-ancestors leaves out is
// blocked by the browser: the loader gives its place back to the fallback
// link and says why in the console, instead of a blank reserved height.
func TestAWidgetBlockedByFrameAncestorsGivesItsPlaceBack(t *testing.T) {
	p := startPartnerSiteFramedOnlyBy(t, "https://elsewhere.example")
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(p.host+"/page/bench"))
	waitFor(t, b, `document.getElementById("first").dataset.kiosqueState === "failed"`)
	height := eval[float64](t, b, `document.getElementById("first").getBoundingClientRect().height`)
	if height > 60 {
		t.Errorf("the blocked widget's box is %.0f px tall, want its fallback link's height", height)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(strings.Join(eval[[]string](t, b, `warnings`), "\n"), "-frame-ancestors") {
		if time.Now().After(deadline) {
			t.Fatalf("no console warning names -frame-ancestors: %q", eval[[]string](t, b, `warnings`))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
