//go:build !wasm

package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
	"github.com/kiosque/kiosque/app/webtest"
)

// A shutdown while beacons stream in loses none of those the server took:
// it stops taking them, finishes those it was taking, and stores the
// counts before it closes the store.
func TestAShutdownUnderAStreamOfEventsLosesNone(t *testing.T) {
	data := t.TempDir()
	// The test stands for a proxy on this machine, which the server trusts
	// to say whom it forwards for.
	base, stop := serveUntilCancelled(t, "-data", data, "-web", webDir, "-trusted-proxies", "127.0.0.1/32,::1", "-insights-ceiling", "1e9")
	view := `{"kind":"view","partner":"presse.example","article":"` + seedSlug + `"}`
	var taken, sent atomic.Int64
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	for sender := range 8 {
		wg.Go(func() {
			client := &http.Client{Timeout: 5 * time.Second}
			for i := 0; ctx.Err() == nil; i++ {
				req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/events", strings.NewReader(view))
				req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
				req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0")
				req.Header.Set("Origin", base) // as the widget's frame sends it
				// Many readers, through a proxy on this machine: the
				// token buckets hold no one back.
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", sender, i>>8&255, i&255))
				sent.Add(1)
				res, err := client.Do(req)
				if err != nil {
					continue // the server has stopped taking them
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				switch res.StatusCode {
				case http.StatusNoContent:
					taken.Add(1)
				default:
					t.Errorf("an event: %s", res.Status)
					cancel() // one is enough to fail
				}
			}
		})
	}
	for start := time.Now(); taken.Load() < 2000; time.Sleep(10 * time.Millisecond) {
		if ctx.Err() != nil || time.Since(start) > time.Minute {
			t.Fatalf("the server took %d events in %s", taken.Load(), time.Since(start).Round(time.Second))
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v after a shutdown", err)
	}
	cancel()
	wg.Wait()

	st, err := sqlite.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	totals, err := st.InsightTotals(context.Background(), store.InsightQuery{From: 0, To: store.HourOf(time.Now()) + 2})
	if err != nil {
		t.Fatal(err)
	}
	var stored int64
	for _, c := range totals {
		if c.Kind == store.InsightView {
			stored += c.N
		}
	}
	t.Logf("%d events sent, %d taken, %d stored", sent.Load(), taken.Load(), stored)
	if stored != taken.Load() {
		t.Errorf("the server took %d events and stored %d", taken.Load(), stored)
	}
}

func TestInsightsFlagsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "-interleave", "1.5"}, "give a share of views, from 0 to 1"},
		{[]string{"serve", "-interleave", "-0.1"}, "give a share of views, from 0 to 1"},
		{[]string{"serve", "-insights=false", "-interleave", "0.1"}, "-interleave needs -insights"},
		{[]string{"serve", "-admin-token", "court"}, "at least 16 characters"},
		{[]string{"serve", "-insights-retention", "0"}, "keep counts at least 1 day"},
		{[]string{"serve", "-insights-ceiling", "0"}, "above 0"},
	} {
		err := Run(context.Background(), tc.args, noEnv, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("kiosque %s: got %v, want an error saying %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
	env := func(name string) string {
		if name == "KIOSQUE_ADMIN_TOKEN" {
			return "court"
		}
		return ""
	}
	if err := Run(context.Background(), []string{"serve"}, env, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "at least 16") {
		t.Errorf("a short KIOSQUE_ADMIN_TOKEN: %v", err)
	}
}

// With -insights=false the widget says nothing of insights, and the
// dashboard is not there.
func TestInsightsOff(t *testing.T) {
	base, stop := serveUntilCancelled(t, "-data", t.TempDir(), "-web", webDir, "-insights=false", "-admin-token", "0123456789abcdef")
	defer stop()
	if webtest.Shows(t, base, "data-insights", "/embed?article="+seedSlug) {
		t.Error("with -insights=false the widget is marked to send its views and clicks")
	}
	res, _ := webtest.Get(t, base+"/insights", "Authorization", "Bearer 0123456789abcdef")
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("/insights with -insights=false: %s", res.Status)
	}
}

// Behind a proxy that the server does not trust, every beacon comes from
// the proxy: all readers share one token bucket. A server that counts
// insights beyond loopback with no trusted proxy says so at start, even
// with -public-url; and the flag's help says it covers X-Forwarded-For.
func TestInsightsBeyondLoopbackWithNoTrustedProxyWarn(t *testing.T) {
	const warning = "counting insights beyond loopback with no -trusted-proxies"
	data := t.TempDir()
	for _, tc := range []struct {
		args []string
		warn bool
	}{
		{[]string{"-addr", "0.0.0.0:0", "-public-url", "https://widget.example"}, true},
		{[]string{"-addr", "0.0.0.0:0", "-public-url", "https://widget.example", "-trusted-proxies", "127.0.0.1/32"}, false},
		{[]string{"-addr", "0.0.0.0:0", "-insights=false"}, false},
		{nil, false}, // loopback
	} {
		_, log, stop := serveWith(t, noEnv, append([]string{"-data", data, "-web", webDir}, tc.args...)...)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(log.String(), warning); got != tc.warn {
			t.Errorf("serve %s: warned %v, want %v:\n%s", strings.Join(tc.args, " "), got, tc.warn, log)
		}
	}
	var help strings.Builder
	Run(context.Background(), []string{"serve", "-h"}, noEnv, io.Discard, &help)
	if i := strings.Index(help.String(), "-trusted-proxies"); i < 0 || !strings.Contains(help.String()[i:min(i+400, help.Len())], "X-Forwarded-For") {
		t.Errorf("the help of -trusted-proxies does not name X-Forwarded-For:\n%s", help.String())
	}
}
