package browsertest

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// BenchmarkEmbedFirstCard times, on a partner's page, the loader's start
// (the request for /embed.js) to the widget's frame shown with its cards,
// with an empty cache each time (a fresh browser profile per run). It also
// reports the loader's size, plain and gzipped.
//
//	go test -run '^$' -bench EmbedFirstCard -benchtime 20x ./app/browsertest
func BenchmarkEmbedFirstCard(b *testing.B) {
	p := startPartnerSite(b)
	raw, zipped := embedScriptSizes(b, p.widget)

	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(filepath.Join(b.TempDir(), "profile")),
		chromedp.WindowSize(900, 1000),
	)
	defer cancel()
	browserCtx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	if err := chromedp.Do(browserCtx); err != nil { // start the browser outside the timing
		b.Fatal(err)
	}

	var total time.Duration
	for b.Loop() {
		total += timeFirstCard(b, browserCtx, p.host+"/page/bench")
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/op")
	b.ReportMetric(0, "ns/op") // the wall time of a run is mostly the browser's set-up
	b.ReportMetric(float64(raw), "embed.js-B")
	b.ReportMetric(float64(zipped), "embed.js-gzip-B")
}

// timeFirstCard opens page in a new, empty browser context and returns the
// time from the loader's request to the first frame painted with its cards.
func timeFirstCard(b *testing.B, browserCtx context.Context, page string) time.Duration {
	b.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 30*time.Second)
	defer cancelTimeout()
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		b.Fatal(err)
	}
	ms, err := chromedp.Run(ctx, chromedp.Poll[float64](`shownAt.first && shownAt.first - loaderStart()`,
		chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		b.Fatalf("the widget never showed: %v", err)
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// embedScriptSizes fetches /embed.js as served, plain and gzipped.
func embedScriptSizes(b *testing.B, widget string) (raw, zipped int) {
	b.Helper()
	get := func(encoding string) []byte {
		req, err := http.NewRequest(http.MethodGet, widget+"/embed.js", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Accept-Encoding", encoding)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("GET /embed.js: %s %v", res.Status, err)
		}
		return body
	}
	plain, gz := get("identity"), get("gzip")
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		b.Fatalf("/embed.js is not gzipped when asked: %v", err)
	}
	if unzipped, err := io.ReadAll(zr); err != nil || !bytes.Equal(unzipped, plain) {
		b.Fatalf("/embed.js gzipped differs from plain (%v)", err)
	}
	return len(plain), len(gz)
}
