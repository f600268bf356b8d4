package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// otherSlug is another article of the sample, which widgets of the seed
// article recommend.
const otherSlug = "al-omrane-inaugure-son-agence-renovee-a-paris"

// eventsBudget is the rate of widget events a server must take on one
// core (the insights issue).
const eventsBudget = 20_000

// eventsScript is wrk's request: a widget's beacon, four views for a
// click, as many readers behind a proxy on this machine (each request
// names another address in X-Forwarded-For), so that the token buckets
// see the traffic of a busy site, not one client; from the widget's
// frame, on the server's origin, as the server takes them.
const eventsScript = `
local n = 0
local view = '{"kind":"view","partner":"presse.example","placement":"colonne","article":"%[1]s"}'
local click = '{"kind":"click","partner":"presse.example","placement":"colonne","article":"%[2]s","from":"%[1]s","position":2}'
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
wrk.headers["Origin"] = "%[3]s"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
request = function()
  n = n + 1
  wrk.headers["X-Forwarded-For"] = string.format("10.%%d.%%d.%%d", math.floor(n / 65536) %% 256, math.floor(n / 256) %% 256, n %% 256)
  local body = view
  if n %% 5 == 0 then body = click end
  return wrk.format(nil, nil, nil, body)
end
`

var wrkTotal = regexp.MustCompile(`(\d+) requests in`)

// measureInsights loads a server with widget beacons on one core, then
// stops it as an operator would (SIGTERM) and counts what it stored:
// every event it took, none lost.
func measureInsights(ctx context.Context, o options, t *table) error {
	data, err := os.MkdirTemp("", "kiosque-bench-insights-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)
	// An empty store: the server fills it with the sample. The proxy on
	// this machine is trusted, so that X-Forwarded-For names the reader.
	// No ceiling: what one core takes is measured, not the ceiling's rate.
	k, err := startKiosque(ctx, o, data, "-trusted-proxies", "127.0.0.1/32", "-insights-ceiling", "1e9")
	if err != nil {
		return err
	}
	script := filepath.Join(data, "events.lua")
	if err := os.WriteFile(script, []byte(fmt.Sprintf(eventsScript, seedSlug, otherSlug, k.url)), 0o644); err != nil {
		k.stop()
		return err
	}
	sent, rates, err := loadEvents(ctx, o, k.url+"/api/v1/events", script)
	k.stop() // SIGTERM: a graceful shutdown, which stores the last counts
	if err != nil {
		return err
	}

	st, err := sqlite.Open(ctx, data)
	if err != nil {
		return err
	}
	defer st.Close()
	totals, err := st.InsightTotals(ctx, store.InsightQuery{From: 0, To: store.HourOf(time.Now()) + 2})
	if err != nil {
		return err
	}
	var stored int64
	for _, c := range totals {
		stored += c.N
	}
	// wrk counts the answers it read; the server also took those in
	// flight when wrk stopped (up to a request per connection), so it may
	// store a few more than wrk counts, never fewer.
	t.floor("insights", "widget events taken per second, one core", medianOf(rates), "req/s", eventsBudget)
	t.limit("insights", fmt.Sprintf("events lost at a graceful shutdown, of %d answered (%d stored)", sent, stored), float64(max(0, sent-stored)), "", 0)
	return nil
}

// loadEvents sends events with wrk, a warm-up then o.rounds runs, and
// returns how many it sent and the rate of each run.
func loadEvents(ctx context.Context, o options, url, script string) (sent int64, rates []float64, err error) {
	for round := range o.rounds + 1 { // the first warms up
		seconds := o.seconds
		if round == 0 {
			seconds = 1
		}
		out, err := wrkWithScript(ctx, o, url, script, seconds)
		if err != nil {
			return sent, rates, err
		}
		total, rate := wrkTotal.FindStringSubmatch(out), wrkRate.FindStringSubmatch(out)
		if total == nil || rate == nil {
			return sent, rates, fmt.Errorf("cannot read wrk's output:\n%s", out)
		}
		if bad := wrkErrors.FindString(out); bad != "" {
			return sent, rates, fmt.Errorf("events: %s", bad)
		}
		n, _ := strconv.ParseInt(total[1], 10, 64)
		sent += n
		if round > 0 {
			r, _ := strconv.ParseFloat(rate[1], 64)
			rates = append(rates, r)
		}
	}
	return sent, rates, nil
}

// wrkWithScript runs wrk from the load core with a Lua script, 64
// connections on one thread as the other figures.
func wrkWithScript(ctx context.Context, o options, url, script string, seconds int) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(seconds+20)*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "taskset", "-c", o.loadCPU, "wrk", "-t1", "-c64", "-d"+strconv.Itoa(seconds)+"s", "-s", script, url)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("wrk %s: %w", url, err)
	}
	return strings.TrimSpace(string(out)), nil
}
