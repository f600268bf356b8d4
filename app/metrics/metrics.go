// Package metrics counts what an operator of Kiosque watches, and serves
// it in Prometheus' text format on an address of its own. Its registry is
// its own: nothing else registers there.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/store"
)

// Metrics are one server's counters.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.HistogramVec
	imports  *prometheus.CounterVec
	purges   *prometheus.CounterVec
	statuses []string // status codes as label values, made once
}

// New makes the metrics of one server: its requests and imports, the Go
// runtime's and the process's.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "kiosque_http_request_duration_seconds",
			Help: "Requests answered, by route and status, and how long each took.",
			// From an answer kept in memory (tens of microseconds) to a
			// page built from a slow store.
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "status"}),
		imports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kiosque_imports_total",
			Help: "Polls of each source, by outcome: changed, unchanged or failed.",
		}, []string{"source", "outcome"}),
		purges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kiosque_purges_total",
			Help: "Purge requests to each cache in front, by outcome: sent (confirmed), retried (failed, to be tried again) or failed (given up).",
		}, []string{"cache", "outcome"}),
		statuses: make([]string, 600),
	}
	for code := range m.statuses {
		m.statuses[code] = strconv.Itoa(code)
	}
	m.registry.MustRegister(m.requests, m.imports, m.purges,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Answered returns what counts each request the front answers, under the
// route routeOf names for its path (a pattern, so that the names stay
// few): front.Options.Answered.
func (m *Metrics) Answered(routeOf func(path string) string) func(path string, status int, took time.Duration) {
	return func(path string, status int, took time.Duration) {
		m.request(routeOf(path), status, took)
	}
}

// request counts a request answered.
func (m *Metrics) request(route string, status int, took time.Duration) {
	label := "other"
	if status >= 0 && status < len(m.statuses) {
		label = m.statuses[status]
	}
	m.requests.WithLabelValues(route, label).Observe(took.Seconds())
}

// Polled counts a poll of a source (ingest.PollerOptions.Polled).
func (m *Metrics) Polled(source, outcome string) {
	m.imports.WithLabelValues(source, outcome).Inc()
}

// Purged counts a purge request to a cache (purge.Options.Counted).
func (m *Metrics) Purged(cache, outcome string) {
	m.purges.WithLabelValues(cache, outcome).Inc()
}

// WatchAnswers reports the kept answers' counters at every scrape.
func (m *Metrics) WatchAnswers(c *answers.Cache) {
	for _, stat := range []struct {
		name, help string
		gauge      bool
		read       func(answers.Stats) float64
	}{
		{"kiosque_kept_answer_hits_total", "Requests answered from an answer kept in memory.", false, func(s answers.Stats) float64 { return float64(s.Hits) }},
		{"kiosque_kept_answer_misses_total", "Requests whose answer had to be built.", false, func(s answers.Stats) float64 { return float64(s.Misses) }},
		{"kiosque_kept_answer_bytes", "Memory held by the kept answers.", true, func(s answers.Stats) float64 { return float64(s.Bytes) }},
		{"kiosque_kept_answer_drops_total", "Times every kept answer was dropped, at a change of the store.", false, func(s answers.Stats) float64 { return float64(s.Drops) }},
	} {
		read := func() float64 { return stat.read(c.Stats()) }
		if stat.gauge {
			m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: stat.name, Help: stat.help}, read))
		} else {
			m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: stat.name, Help: stat.help}, read))
		}
	}
}

// WatchStore reports what the store holds at every scrape.
func (m *Metrics) WatchStore(s store.Sizer) {
	m.registry.MustRegister(&sizes{store: s,
		articles: prometheus.NewDesc("kiosque_articles_stored", "Articles in the store.", nil, nil),
		lists:    prometheus.NewDesc("kiosque_related_lists", "Articles that have a stored \"you may also like\" list.", nil, nil),
		entries:  prometheus.NewDesc("kiosque_related_list_entries", "Articles named in all the related lists together.", nil, nil),
		up:       prometheus.NewDesc("kiosque_store_up", "Whether the store answered the scrape's question (1) or not (0).", nil, nil),
	})
}

// Release says which release this server runs, as kiosque_build_info,
// always 1, whose labels name it: join it on instance to see which server
// runs which release during an upgrade.
func (m *Metrics) Release(release, goVersion, goApp string) {
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "kiosque_build_info",
		Help:        "Always 1; its labels name the release this server runs, and the Go and go-app it was built with.",
		ConstLabels: prometheus.Labels{"release": release, "go": goVersion, "goapp": goApp},
	})
	info.Set(1)
	m.registry.MustRegister(info)
}

// WatchLeader reports at every scrape whether this server leads (1) or
// follows (0): among the servers sharing a store, one leads at a time.
func (m *Metrics) WatchLeader(leading func() bool) {
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "kiosque_leader",
		Help: "1 when this server leads (imports the sources and keeps the related lists), 0 when it follows.",
	}, func() float64 {
		if leading() {
			return 1
		}
		return 0
	}))
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// sizes asks the store how much it holds, at each scrape.
type sizes struct {
	store                        store.Sizer
	articles, lists, entries, up *prometheus.Desc
}

// scrapeTimeout bounds the store's answer, so that a scrape stays quick
// when the store is out of reach.
const scrapeTimeout = 2 * time.Second

func (s *sizes) Describe(ch chan<- *prometheus.Desc) {
	ch <- s.articles
	ch <- s.lists
	ch <- s.entries
	ch <- s.up
}

func (s *sizes) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	z, err := s.store.Sizes(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(s.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(s.up, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(s.articles, prometheus.GaugeValue, float64(z.Articles))
	ch <- prometheus.MustNewConstMetric(s.lists, prometheus.GaugeValue, float64(z.Lists))
	ch <- prometheus.MustNewConstMetric(s.entries, prometheus.GaugeValue, float64(z.ListEntries))
}
