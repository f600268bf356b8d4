package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// lighthouseVersion is the last Lighthouse that runs on the Node.js of
// Debian 12 and of the machines here.
const lighthouseVersion = "12.2.3"

// Lighthouse's trace parser reads a field this Chromium's traces lack, and
// six audits then end in error (their weight is 0, the scores are the
// same): the field is read with optional chaining instead.
const (
	traceParser    = "node_modules/@paulirish/trace_engine/models/trace/handlers/ScreenshotsHandler.js"
	traceParserBug = "evt.args.data.beginEvent.args.chrome_frame_reporter.frame_sequence"
	traceParserFix = "evt.args.data.beginEvent.args?.chrome_frame_reporter?.frame_sequence"
)

// The goals of the delivery issue: performance per page, and at least 95
// in the three other categories.
var lighthousePages = []struct {
	name, path  string
	performance float64
}{
	{"/embed?article=…", "/embed?article=" + seedSlug, 90},
	{"/", "/", 80},
	{"/a/{slug}", "/a/" + seedSlug, 80},
	{"/publish", "/publish", 80},
}

// measureLighthouse runs Lighthouse's mobile profile on the site's kinds
// of page, against Debian's Chromium.
func measureLighthouse(ctx context.Context, o options, t *table) error {
	bin, err := installLighthouse(ctx, filepath.Join(o.cacheDir, "lighthouse"))
	if err != nil {
		return err
	}
	k, err := startWith(ctx, o, 0)
	if err != nil {
		return err
	}
	defer k.stop()
	for _, p := range lighthousePages {
		r, err := runLighthouse(ctx, bin, k.url+p.path)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		group := "Lighthouse " + p.name
		t.floor(group, "performance", r.score("performance"), "", p.performance)
		for _, c := range []string{"accessibility", "best-practices", "seo"} {
			t.floor(group, c, r.score(c), "", 95)
		}
		t.add(group, "LCP (simulated), TBT", fmt.Sprintf("%.0f ms, %.0f ms", r.Audits["largest-contentful-paint"].NumericValue, r.Audits["total-blocking-time"].NumericValue))
	}
	return nil
}

// installLighthouse fetches Lighthouse from the npm registry into dir, once.
func installLighthouse(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "node_modules", ".bin", "lighthouse")
	if _, err := os.Stat(bin); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "npm", "install", "--prefix", dir, "--no-audit", "--no-fund", "--ignore-scripts", "--silent", "lighthouse@"+lighthouseVersion)
		cmd.Env = append(os.Environ(), "PUPPETEER_SKIP_DOWNLOAD=1")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("install lighthouse@%s with npm: %w", lighthouseVersion, err)
		}
	}
	parser := filepath.Join(dir, traceParser)
	src, err := os.ReadFile(parser)
	if err != nil {
		return "", fmt.Errorf("lighthouse's trace parser: %w", err)
	}
	if fixed := strings.ReplaceAll(string(src), traceParserBug, traceParserFix); fixed != string(src) {
		if err := os.WriteFile(parser, []byte(fixed), 0o644); err != nil {
			return "", err
		}
	}
	return bin, nil
}

type lighthouseReport struct {
	Categories map[string]struct {
		Score float64 `json:"score"`
	} `json:"categories"`
	Audits map[string]struct {
		NumericValue float64 `json:"numericValue"`
	} `json:"audits"`
	RuntimeError *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"runtimeError"`
}

func (r lighthouseReport) score(category string) float64 {
	return r.Categories[category].Score * 100
}

// runLighthouse runs Lighthouse once on a page, in a fresh profile of
// Debian's Chromium (as root, Chromium needs --no-sandbox).
func runLighthouse(ctx context.Context, bin, page string) (lighthouseReport, error) {
	profile, err := os.MkdirTemp("", "kiosque-bench-lighthouse-")
	if err != nil {
		return lighthouseReport{}, err
	}
	defer os.RemoveAll(profile)
	out := filepath.Join(profile, "report.json")
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, page, "--quiet", "--output=json", "--output-path="+out,
		"--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run --disable-sync --user-data-dir="+filepath.Join(profile, "chromium"))
	cmd.Env = append(os.Environ(), "CHROME_PATH=/usr/bin/chromium")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return lighthouseReport{}, fmt.Errorf("lighthouse: %w", err)
	}
	body, err := os.ReadFile(out)
	if err != nil {
		return lighthouseReport{}, err
	}
	var r lighthouseReport
	if err := json.Unmarshal(body, &r); err != nil {
		return lighthouseReport{}, fmt.Errorf("read lighthouse's report: %w", err)
	}
	if r.RuntimeError != nil {
		return r, fmt.Errorf("lighthouse: %s: %s", r.RuntimeError.Code, r.RuntimeError.Message)
	}
	return r, nil
}
