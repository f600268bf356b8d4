package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The slug of the sample's seed article, which every store holds.
const seedSlug = "hammouchi-examine-a-vienne-les-defis-du-terrorisme"

// Budgets of the one-stack issue: Kiosque's rate at saturation as a share
// of nginx's (about 45,000 answers a second on one core: far past any one
// publisher's peak, and a CDN takes the rest); and the p99 latency a
// reader meets at a constant 2,000 requests a second (twice a large
// publisher's peak), from an open-model generator, as a multiple of
// nginx's. The p99 at saturation is shown, with no budget: no reader
// meets a saturated origin behind a CDN.
const (
	throughputBudget = 0.4
	latencyBudget    = 2.0
	constantRate     = 2000 // requests a second
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

// compareWithNginx compares Kiosque, with extra articles beside the
// sample's, with nginx serving its answers, probe by probe; and the stack
// references, serving the same answers, with nginx.
func compareWithNginx(ctx context.Context, o options, t *table, extra int) error {
	k, err := startWith(ctx, o, extra)
	if err != nil {
		return err
	}
	defer k.stop()
	files, bodies, served, err := answersOf(k)
	if err != nil {
		return err
	}
	ng, err := startNginx(ctx, o, files, bodies)
	if err != nil {
		return err
	}
	defer ng.close()
	var refs []*stackRef
	for _, s := range stacks {
		ref, err := startStackRef(ctx, o, s, files, bodies)
		if err != nil {
			return err
		}
		defer ref.stop()
		refs = append(refs, ref)
	}

	group := fmt.Sprintf("throughput, %d articles", extra+36)
	for i, p := range probes {
		at := servers{kiosque: k.url + p.path, nginx: ng.url + served[i]}
		for _, ref := range refs {
			at.refs = append(at.refs, refAt{ref.stack, ref.url + served[i]})
		}
		if err := compareProbe(ctx, o, t, group, p, at); err != nil {
			return err
		}
	}
	return nil
}

// servers are where a probe is asked of each server.
type servers struct {
	kiosque, nginx string
	refs           []refAt
}

// refAt is where a probe is asked of a stack reference.
type refAt struct {
	stack stack
	url   string
}

// answersOf fetches each answer Kiosque (k) gives, with its headers, for
// the references to serve, and returns the path they serve each probe's
// at; a conditional request asks for the answer of the probe before it.
func answersOf(k *kiosque) ([]nginxFile, map[string][]byte, map[int]string, error) {
	var files []nginxFile
	bodies := map[string][]byte{}
	served := map[int]string{} // probe → the references' path
	for i, p := range probes {
		if p.revalid {
			served[i] = served[i-1]
			continue
		}
		res, body, err := fetch(k.url+p.path, p.encoding, "")
		if err != nil {
			return nil, nil, nil, err
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
	return files, bodies, served, nil
}

// compareProbe asks p of Kiosque and of nginx, at saturation and at a
// constant rate, and of the stack references at saturation, and adds the
// ratios to group.
func compareProbe(ctx context.Context, o options, t *table, group string, p probe, at servers) error {
	kHeaders, err := headersFor(at.kiosque, p)
	if err != nil {
		return err
	}
	nHeaders, err := headersFor(at.nginx, p)
	if err != nil {
		return err
	}
	refHeaders := make([][]string, len(at.refs))
	for i, ref := range at.refs {
		if refHeaders[i], err = headersFor(ref.url, p); err != nil {
			return err
		}
	}
	// Each round runs Kiosque, nginx and the references back to back: the
	// ratios of a round are measured under the same conditions.
	var kRuns, nRuns []wrkResult
	var rates, tails, steady []float64
	var kSteady, nSteady []float64
	refRuns := make([][]wrkResult, len(at.refs))
	refRates := make([][]float64, len(at.refs))
	for round := 0; round < o.rounds; round++ {
		kr, err := runWrk(ctx, o, at.kiosque, kHeaders, round == 0)
		if err != nil {
			return fmt.Errorf("kiosque %s: %w", p.name, err)
		}
		nr, err := runWrk(ctx, o, at.nginx, nHeaders, round == 0)
		if err != nil {
			return fmt.Errorf("nginx %s: %w", p.name, err)
		}
		for i, ref := range at.refs {
			rr, err := runWrk(ctx, o, ref.url, refHeaders[i], round == 0)
			if err != nil {
				return fmt.Errorf("%s reference %s: %w", ref.stack, p.name, err)
			}
			refRuns[i], refRates[i] = append(refRuns[i], rr), append(refRates[i], rr.rps/nr.rps)
		}
		kRuns, nRuns = append(kRuns, kr), append(nRuns, nr)
		rates, tails = append(rates, kr.rps/nr.rps), append(tails, kr.p99ms/nr.p99ms)
		kp, err := constantLoadP99(ctx, o, at.kiosque, kHeaders)
		if err != nil {
			return fmt.Errorf("kiosque %s: %w", p.name, err)
		}
		np, err := constantLoadP99(ctx, o, at.nginx, nHeaders)
		if err != nil {
			return fmt.Errorf("nginx %s: %w", p.name, err)
		}
		kSteady, nSteady = append(kSteady, kp), append(nSteady, np)
		steady = append(steady, kp/np)
	}
	kr, nr := median(kRuns), median(nRuns)
	t.compareRatio(group, p.name+" req/s", kr.rps, nr.rps, medianOf(rates), "req/s", throughputBudget, 0)
	for i, ref := range at.refs {
		t.compareRatio(group, ref.stack.row()+": "+p.name+" req/s", median(refRuns[i]).rps, nr.rps, medianOf(refRates[i]), "req/s", 0, 0)
	}
	t.compareRatio(group, p.name+" p99 saturated", kr.p99ms, nr.p99ms, medianOf(tails), "ms", 0, 0)
	t.compareRatio(group, fmt.Sprintf("%s p99 at %d/s", p.name, constantRate), medianOf(kSteady), medianOf(nSteady), medianOf(steady), "ms", 0, latencyBudget)
	return nil
}

// headersFor are the headers p is asked with of the server at url: its
// encoding and, for a conditional request, that server's current tag.
func headersFor(url string, p probe) ([]string, error) {
	var headers []string
	if p.encoding != "" {
		headers = append(headers, "Accept-Encoding: "+p.encoding)
	}
	if p.revalid {
		tag, err := tagOf(url, p.encoding)
		if err != nil {
			return nil, err
		}
		headers = append(headers, "If-None-Match: "+tag)
	}
	return headers, nil
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

// constantLoadP99 sends url constantRate times a second for o.seconds from
// the load core, on schedule whatever the answers do (vegeta, an open
// model: a slow answer does not hold the next request back, so the tail
// is not hidden by coordinated omission), and returns the p99 latency in
// milliseconds.
func constantLoadP99(ctx context.Context, o options, url string, headers []string) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(o.seconds+30)*time.Second)
	defer cancel()
	targets := "GET " + url + "\n"
	asksEncoding := false
	for _, h := range headers {
		targets += h + "\n"
		asksEncoding = asksEncoding || strings.HasPrefix(h, "Accept-Encoding:")
	}
	if !asksEncoding {
		// vegeta's Go transport would otherwise ask for gzip on its own and
		// unzip each answer on the load core: Kiosque would send gzip where
		// nginx sends the plain bytes, and the load core's work would be
		// measured as Kiosque's latency.
		targets += "Accept-Encoding: identity\n"
	}
	attack := exec.CommandContext(ctx, "taskset", "-c", o.loadCPU, o.vegeta, "attack",
		"-rate", strconv.Itoa(constantRate)+"/s", "-duration", strconv.Itoa(o.seconds)+"s", "-timeout", "5s", "-keepalive=true",
		// The answers are read whole but not kept: kept, 2,000 plain 50 KB
		// lists a second (100 MB/s through vegeta's encoder) saturate the
		// load core, and its own queue becomes the latency measured.
		"-max-body", "0")
	attack.Stdin = strings.NewReader(targets)
	attack.Stderr = os.Stderr
	results, err := attack.Output()
	if err != nil {
		return 0, fmt.Errorf("vegeta attack %s: %w", url, err)
	}
	report := exec.CommandContext(ctx, o.vegeta, "report", "-type", "json")
	report.Stdin = bytes.NewReader(results)
	out, err := report.Output()
	if err != nil {
		return 0, fmt.Errorf("vegeta report %s: %w", url, err)
	}
	var r struct {
		Latencies struct {
			P99 int64 `json:"99th"`
		} `json:"latencies"`
		Requests    int            `json:"requests"`
		Success     float64        `json:"success"`
		StatusCodes map[string]int `json:"status_codes"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return 0, fmt.Errorf("read vegeta's report: %w", err)
	}
	if r.Requests == 0 || r.Success < 1 && r.StatusCodes["304"] != r.Requests {
		return 0, fmt.Errorf("%s at %d/s: %d requests, %.3f answered 2xx (%v)", url, constantRate, r.Requests, r.Success, r.StatusCodes)
	}
	return float64(r.Latencies.P99) / 1e6, nil
}
