package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// table is the one table bench prints: a row per figure, with Kiosque's
// value, the reference's, their ratio and the budget the ratio must meet.
type table struct {
	rows []row
}

type row struct {
	group, name  string
	kiosque, ref string
	ratio        string
	budget       string
	ok           string // "yes", "NO", or "" without a budget
}

// add records a figure with no reference.
func (t *table) add(group, name, value string) {
	t.rows = append(t.rows, row{group: group, name: name, kiosque: value})
}

// compare records Kiosque's figure next to the reference's. atLeast is the
// budget on kiosque/ref when more is better (throughput), atMost when less
// is (time, bytes); 0 for none.
func (t *table) compare(group, name string, kiosque, ref float64, unit string, atLeast, atMost float64) {
	ratio := 0.0
	if ref > 0 {
		ratio = kiosque / ref
	}
	t.compareRatio(group, name, kiosque, ref, ratio, unit, atLeast, atMost)
}

// compareRatio is compare with the ratio given: the median of the ratios
// of runs made side by side is steadier than the ratio of two medians on
// a noisy machine.
func (t *table) compareRatio(group, name string, kiosque, ref, ratio float64, unit string, atLeast, atMost float64) {
	r := row{group: group, name: name, kiosque: format(kiosque, unit), ref: format(ref, unit)}
	if ref > 0 {
		r.ratio = fmt.Sprintf("%.2f", ratio)
		switch {
		case atLeast > 0:
			r.budget, r.ok = fmt.Sprintf("≥ %.2f", atLeast), verdict(ratio >= atLeast)
		case atMost > 0:
			r.budget, r.ok = fmt.Sprintf("≤ %.2f", atMost), verdict(ratio <= atMost)
		}
	}
	t.rows = append(t.rows, r)
}

// limit records a figure with an absolute budget.
func (t *table) limit(group, name string, value float64, unit string, atMost float64) {
	t.rows = append(t.rows, row{group: group, name: name, kiosque: format(value, unit),
		budget: "≤ " + format(atMost, unit), ok: verdict(value <= atMost)})
}

// floor records a figure that must reach at least min.
func (t *table) floor(group, name string, value float64, unit string, min float64) {
	t.rows = append(t.rows, row{group: group, name: name, kiosque: format(value, unit),
		budget: "≥ " + format(min, unit), ok: verdict(value >= min)})
}

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

func format(v float64, unit string) string {
	switch unit {
	case "req/s":
		return fmt.Sprintf("%.0f/s", v)
	case "ms":
		if v < 10 {
			return fmt.Sprintf("%.2f ms", v)
		}
		return fmt.Sprintf("%.0f ms", v)
	case "KB":
		return fmt.Sprintf("%.1f KB", v)
	case "MB":
		return fmt.Sprintf("%.1f MB", v)
	case "":
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f %s", v, unit)
}

// missed counts the figures over their budget.
func (t *table) missed() int {
	n := 0
	for _, r := range t.rows {
		if r.ok == "NO" {
			n++
		}
	}
	return n
}

func (t *table) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "| what\t| measure\t| Kiosque\t| reference\t| ratio\t| budget\t| met\t|")
	fmt.Fprintln(tw, "|---\t|---\t|---\t|---\t|---\t|---\t|---\t|")
	for _, r := range t.rows {
		fmt.Fprintf(tw, "| %s\t| %s\t| %s\t| %s\t| %s\t| %s\t| %s\t|\n", r.group, r.name, r.kiosque, r.ref, r.ratio, r.budget, r.ok)
	}
	tw.Flush()
	fmt.Fprintln(w, strings.TrimSpace(`
References: the wasm against go-app's hello world built in the same run;
throughput and p99 against nginx (worker_processes 1) serving the same bytes
from files, each server alone on one pinned core (Kiosque with GOMAXPROCS=1),
wrk -t1 -c64 on the other core; the "alone" rows put in Kiosque's column
a stack serving the same bytes and headers from a map, with no site behind
it, on the same core and with the same limits: "fasthttp" is Kiosque's own
front writing each answer on fasthttp's own request, as Kiosque writes its
kept answers, the most it answers; "fasthttp + adaptor", the same front
handing each request to a net/http handler, as Kiosque does every other
request; "net/http", the standard library's server; browser figures in
Debian's Chromium with a 4x CPU throttle, the median of several fresh
profiles.`))
}
