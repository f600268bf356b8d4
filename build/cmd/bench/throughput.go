package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// The slug of the sample's seed article, which every store holds.
const seedSlug = "hammouchi-examine-a-vienne-les-defis-du-terrorisme"

// Budgets of the delivery issue: Kiosque's throughput as a share of
// nginx's, and its p99 latency as a multiple.
const (
	throughputBudget = 0.65
	latencyBudget    = 2.0
)

// probe is one kind of request, asked of both servers.
type probe struct {
	name     string // as the table names it
	path     string // Kiosque's route
	encoding string // Accept-Encoding sent; empty for none
	revalid  bool   // a conditional request with the current tag (304)
}

var probes = []probe{
	{name: "/api/v1/articles", path: "/api/v1/articles"},
	{name: "/api/v1/articles gzip, br", path: "/api/v1/articles", encoding: "gzip, br"},
	{name: "/related", path: "/api/v1/articles/" + seedSlug + "/related"},
	{name: "/related gzip, br", path: "/api/v1/articles/" + seedSlug + "/related", encoding: "gzip, br"},
	{name: "/embed", path: "/embed?article=" + seedSlug + "&lang=fr"},
	{name: "/embed gzip, br", path: "/embed?article=" + seedSlug + "&lang=fr", encoding: "gzip, br"},
	{name: "/embed 304", path: "/embed?article=" + seedSlug + "&lang=fr", encoding: "gzip, br", revalid: true},
}

// measureThroughput compares Kiosque with nginx serving the same bytes,
// with the sample store and with a large one: a kept answer costs the
// same whatever the store holds.
func measureThroughput(ctx context.Context, o options, t *table) error {
	for _, n := range []int{0, o.large} {
		if err := compareWithNginx(ctx, o, t, n); err != nil {
			return err
		}
	}
	return nil
}

func compareWithNginx(ctx context.Context, o options, t *table, extra int) error {
	data, err := storeWith(ctx, extra)
	if err != nil {
		return err
	}
	k, err := startKiosque(ctx, o, data)
	if err != nil {
		return err
	}
	defer k.stop()

	// nginx serves each answer Kiosque gives, with its headers; a
	// conditional request asks for the answer of the probe before it.
	var files []nginxFile
	bodies := map[string][]byte{}
	served := map[int]string{} // probe → nginx's path
	for i, p := range probes {
		if p.revalid {
			served[i] = served[i-1]
			continue
		}
		res, body, err := fetch(k.url+p.path, p.encoding, "")
		if err != nil {
			return err
		}
		name := fmt.Sprintf("/answer-%d", i)
		h := http.Header{}
		for key, values := range res.Header {
			switch key {
			case "Date", "Content-Length", "Etag", "Last-Modified", "Connection":
			default:
				h[key] = values
			}
		}
		files = append(files, nginxFile{Path: name, Header: h})
		bodies[name[1:]] = body
		served[i] = name
	}
	ng, err := startNginx(ctx, o, files, bodies)
	if err != nil {
		return err
	}
	defer ng.close()

	group := fmt.Sprintf("throughput, %d articles", extra+36)
	for i, p := range probes {
		kiosqueURL, nginxURL := k.url+p.path, ng.url+served[i]
		var kHeaders, nHeaders []string
		if p.encoding != "" {
			kHeaders = append(kHeaders, "Accept-Encoding: "+p.encoding)
			nHeaders = append(nHeaders, "Accept-Encoding: "+p.encoding)
		}
		if p.revalid {
			kTag, err := tagOf(kiosqueURL, p.encoding)
			if err != nil {
				return err
			}
			nTag, err := tagOf(nginxURL, p.encoding)
			if err != nil {
				return err
			}
			kHeaders = append(kHeaders, "If-None-Match: "+kTag)
			nHeaders = append(nHeaders, "If-None-Match: "+nTag)
		}
		// Each round runs Kiosque then nginx, back to back: the ratio of a
		// round is measured under the same conditions.
		var kRuns, nRuns []wrkResult
		var rates, tails []float64
		for round := 0; round < o.rounds; round++ {
			kr, err := runWrk(ctx, o, kiosqueURL, kHeaders, round == 0)
			if err != nil {
				return fmt.Errorf("kiosque %s: %w", p.name, err)
			}
			nr, err := runWrk(ctx, o, nginxURL, nHeaders, round == 0)
			if err != nil {
				return fmt.Errorf("nginx %s: %w", p.name, err)
			}
			kRuns, nRuns = append(kRuns, kr), append(nRuns, nr)
			rates, tails = append(rates, kr.rps/nr.rps), append(tails, kr.p99ms/nr.p99ms)
		}
		kr, nr := median(kRuns), median(nRuns)
		t.compareRatio(group, p.name+" req/s", kr.rps, nr.rps, medianOf(rates), "req/s", throughputBudget, 0)
		t.compareRatio(group, p.name+" p99", kr.p99ms, nr.p99ms, medianOf(tails), "ms", 0, latencyBudget)
	}
	return nil
}

// fetch gets a URL as wrk will ask it, without Go's transparent gzip.
func fetch(url, encoding, ifNoneMatch string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	if encoding != "" {
		req.Header.Set("Accept-Encoding", encoding)
	}
	if ifNoneMatch != "" {
		req.Header.Set("If-None-Match", ifNoneMatch)
	}
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNotModified {
		err = fmt.Errorf("GET %s: %s", url, res.Status)
	}
	return res, body, err
}

// tagOf is the ETag a server gives the answer at url, as asked.
func tagOf(url, encoding string) (string, error) {
	res, _, err := fetch(url, encoding, "")
	if err != nil {
		return "", err
	}
	tag := res.Header.Get("ETag")
	if tag == "" {
		return "", fmt.Errorf("%s has no ETag", url)
	}
	if res, _, err := fetch(url, encoding, tag); err != nil || res.StatusCode != http.StatusNotModified {
		return "", fmt.Errorf("%s does not answer its own tag with 304 (%v)", url, err)
	}
	return tag, nil
}

type wrkResult struct {
	rps   float64
	p99ms float64
}

// What bench reads in wrk's report.
var (
	wrkRate   = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkP99    = regexp.MustCompile(`\n\s+99%\s+([0-9.]+)(us|ms|s)\b`)
	wrkErrors = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)|Socket errors: .*`)
)

// runWrk loads url from the load core: 64 connections on one thread, as
// the issue measured. A first run of each pair warms both servers up.
func runWrk(ctx context.Context, o options, url string, headers []string, warm bool) (wrkResult, error) {
	if warm {
		if _, err := wrk(ctx, o, url, headers, 1); err != nil {
			return wrkResult{}, err
		}
	}
	out, err := wrk(ctx, o, url, headers, o.seconds)
	if err != nil {
		return wrkResult{}, err
	}
	rate := wrkRate.FindStringSubmatch(out)
	p99 := wrkP99.FindStringSubmatch(out)
	if rate == nil || p99 == nil {
		return wrkResult{}, fmt.Errorf("cannot read wrk's output:\n%s", out)
	}
	if bad := wrkErrors.FindString(out); bad != "" {
		return wrkResult{}, fmt.Errorf("%s: %s", url, bad)
	}
	rps, _ := strconv.ParseFloat(rate[1], 64)
	v, _ := strconv.ParseFloat(p99[1], 64)
	switch p99[2] {
	case "us":
		v /= 1000
	case "s":
		v *= 1000
	}
	return wrkResult{rps: rps, p99ms: v}, nil
}

func wrk(ctx context.Context, o options, url string, headers []string, seconds int) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(seconds+20)*time.Second)
	defer cancel()
	args := []string{"-c", o.loadCPU, "wrk", "-t1", "-c64", "-d" + strconv.Itoa(seconds) + "s", "--latency"}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	cmd := exec.CommandContext(ctx, "taskset", append(args, url)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("wrk %s: %w", url, err)
	}
	return string(out), nil
}

// median keeps the run of median throughput, with its latency.
func median(runs []wrkResult) wrkResult {
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(a, b wrkResult) int {
		switch {
		case a.rps < b.rps:
			return -1
		case a.rps > b.rps:
			return 1
		}
		return 0
	})
	return sorted[len(sorted)/2]
}
