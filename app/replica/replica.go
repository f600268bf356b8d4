// Package replica is one Kiosque server among those that share a store
// (one alone on SQLite is the simplest case). It puts the site together
// with what the server keeps of the store in memory, and keeps that in
// step with the store: the kept answers are dropped on every commit by
// any writer, and whichever server leads imports from the sources, keeps
// the related lists, and purges the caches in front of what changed.
package replica

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/insights/limit"
	"github.com/kiosque/kiosque/app/insights/tally"
	"github.com/kiosque/kiosque/app/media"
	"github.com/kiosque/kiosque/app/purge"
	"github.com/kiosque/kiosque/app/related/keeper"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/server"
	"github.com/kiosque/kiosque/app/store"
)

// Config is what a replica is made of.
type Config struct {
	Log   *slog.Logger
	Store store.Backend
	// Site holds the site's settings (name, web files, URLs, framing).
	// New fills in what comes from the replica: the store, the related
	// lists, health, the kept answers and the images.
	Site server.Config
	// DataDir is where the images of imported articles are kept; each
	// server keeps its own copies. Empty: none are served.
	DataDir string
	// Fetch says how images are fetched (New sets their size and time
	// limits), MediaDownloads how many at once (0: media's default).
	Fetch          fetch.Options
	MediaDownloads int
	// CacheBytes bounds the memory of the kept answers.
	CacheBytes int64
	// Sources are polled every PollEvery by the leader.
	Sources   []ingest.Source
	PollEvery time.Duration
	// Polled, when set, is told the outcome of every poll of a source.
	Polled func(source, outcome string)
	// Insights says how the widget's views and clicks are counted; its
	// zero value counts them, with no dashboard and no interleaving.
	Insights Insights
	// Caches are the caches in front of the servers that the leader
	// purges at every change (app/purge); PurgeOptions say how.
	Caches       []purge.Cache
	PurgeOptions purge.Options
}

// Insights are the settings of the publisher's insights (app/insights).
type Insights struct {
	// Off counts nothing: the widget sends nothing, and there is no
	// dashboard.
	Off bool
	// AdminToken opens the dashboard, /insights; empty, nobody may.
	AdminToken string
	// Interleave is the share of article widgets' views (0 to 1) whose
	// carousel merges the ranker's list with the baseline's; the leader
	// then keeps the baseline's lists too.
	Interleave float64
	// FlushEvery is how often the counts go to the store; 0 is
	// tally.DefaultEvery. A crash loses at most this long's events.
	FlushEvery time.Duration
	// Ceiling is the events a second this server takes from all clients
	// together; 0 is DefaultCeiling.
	Ceiling float64
	// Retention is how long counts are kept: older hours are deleted
	// every hour. 0 is DefaultRetention.
	Retention time.Duration
}

// Defaults of Insights.
const (
	// DefaultCeiling is over three times the beacons of a large
	// publisher's peak (1,000 page views a second), and a quarter of
	// what one core takes.
	DefaultCeiling = 5000
	// DefaultRetention keeps a year of counts, and the weeks around it,
	// for the dashboard's longest period.
	DefaultRetention = 400 * 24 * time.Hour
)

// The token buckets of the insights: each client (an IPv4 address, an
// IPv6 /64) may send two events a second, in bursts of sixty (a page of
// several widgets, readers behind one address); and weigh in the ranker's
// verdict five times an hour: fewer than the six views that alone could
// decide it (no view won of six is the first that Clopper–Pearson calls
// worse), more than one reader's clicks in interleaved carousels.
var (
	eventRate   = limit.Options{Rate: 2, Burst: 60}
	verdictRate = limit.Options{Rate: 5.0 / 3600, Burst: 5}
)

// Replica is a server put together: the site, and what keeps what it
// derives from the store (the kept answers, the related lists) in step
// with the store.
type Replica struct {
	st        store.Backend
	site      *server.Server
	answers   *answers.Cache
	keeper    *keeper.Keeper
	poller    *ingest.Poller // nil without sources
	media     *media.Handler // nil without a data folder
	log       *slog.Logger
	tally     *tally.Tally // nil with insights off
	purges    *purge.Queue // nil without caches to purge
	flush     time.Duration
	retention time.Duration // how long insight counts are kept

	changed       chan struct{} // the store changed since the images were last collected
	leading       atomic.Bool   // this server is the leader
	sampleGone    atomic.Bool   // no sample article is left in the store
	storeDown     atomic.Bool   // the store does not answer
	listsReady    chan struct{} // closed once this server, leading, has the lists up to date
	listsUpToDate sync.Once
}

// New puts a replica together. Run does its background work.
func New(c Config) (*Replica, error) {
	r := &Replica{
		st:         c.Store,
		answers:    answers.NewCache(c.CacheBytes),
		log:        c.Log,
		listsReady: make(chan struct{}),
		changed:    make(chan struct{}, 1),
		flush:      cmp.Or(c.Insights.FlushEvery, tally.DefaultEvery),
		retention:  cmp.Or(c.Insights.Retention, DefaultRetention),
	}
	lists := keeper.Options{Baseline: !c.Insights.Off && c.Insights.Interleave > 0}
	if len(c.Caches) > 0 {
		opts := c.PurgeOptions
		opts.Done = r.purged
		r.purges = purge.NewQueue(c.Log, c.Caches, opts)
		lists.Changed = r.purgeChange
	}
	r.keeper = keeper.New(c.Store, c.Log, lists)
	site := c.Site
	site.Purged = r.purges != nil
	site.Log, site.Store, site.Lists = c.Log, c.Store, c.Store
	site.Health, site.StoreFailing = c.Store.Ping, r.storeFailing
	site.Answers = r.answers
	if !c.Insights.Off {
		r.tally = tally.New(c.Store, c.Log, 0)
		site.Insights = &server.Insights{
			Tally:      r.tally,
			Store:      c.Store,
			Limiter:    limit.New(eventRate),
			Ceiling:    limit.NewCeiling(limit.Options{Rate: cmp.Or(c.Insights.Ceiling, DefaultCeiling), Burst: int(cmp.Or(c.Insights.Ceiling, DefaultCeiling))}),
			Verdicts:   limit.New(verdictRate),
			Baseline:   c.Store,
			Interleave: c.Insights.Interleave,
			AdminToken: c.Insights.AdminToken,
		}
	}
	if c.DataDir != "" {
		opts := c.Fetch
		opts.MaxBytes, opts.Timeout = media.MaxBytes, 20*time.Second
		h, err := media.New(c.Store, c.DataDir, media.Options{Client: fetch.New(opts), MaxDownloads: c.MediaDownloads, Logger: c.Log})
		if err != nil {
			return nil, err
		}
		site.Media, r.media = h, h
	}
	var err error
	if r.site, err = server.New(site); err != nil {
		return nil, err
	}
	if len(c.Sources) > 0 {
		r.poller = ingest.NewPoller(c.Store, c.Sources, ingest.PollerOptions{
			Interval: c.PollEvery,
			// What an import changed shows at once.
			OnChange: func(ctx context.Context, report ingest.Report) {
				if len(report.Put()) > 0 {
					r.clearSample(ctx)
				}
				r.imported(ctx)
			},
			Logger: c.Log,
			Locker: c.Store,
			Polled: c.Polled,
			Images: &c.Fetch,
		})
	}
	return r, nil
}

// Site is the site this replica serves.
func (r *Replica) Site() *server.Server { return r.site }

// Leading says whether this server leads now: it imports the sources
// and keeps the related lists.
func (r *Replica) Leading() bool { return r.leading.Load() }

// Answers are the answers this replica keeps.
func (r *Replica) Answers() *answers.Cache { return r.answers }

// ListsReady is closed once this replica leads with the related lists
// up to date.
func (r *Replica) ListsReady() <-chan struct{} { return r.listsReady }

// Run does the replica's background work until ctx is done: it follows
// the store's changes, watches whether the store answers, leads when no
// other server does, and deletes the images no article shows any more.
// Once ctx is done, it cancels the image downloads under way and returns
// when they have ended.
func (r *Replica) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { r.follow(ctx) })
	wg.Go(func() { r.watchHealth(ctx) })
	wg.Go(func() { r.lead(ctx) })
	if r.media != nil {
		wg.Go(func() { r.collectImages(ctx) })
	}
	if r.tally != nil {
		wg.Go(func() { r.tally.Run(ctx, r.flush) })
		wg.Go(func() { r.pruneInsights(ctx) })
	}
	if r.purges != nil {
		wg.Go(func() { r.purges.Run(ctx) })
	}
	wg.Wait()
	if r.media != nil {
		r.media.Close()
	}
}

// pruneInsights deletes the insight counts older than the retention, at
// start and every hour. Every replica does: deleting is idempotent.
func (r *Replica) pruneInsights(ctx context.Context) {
	ticker := time.NewTicker(time.Hour)
	defer ticker.Stop()
	for {
		before := store.HourOf(time.Now().Add(-r.retention))
		n, err := r.st.DeleteInsightsBefore(ctx, before)
		switch {
		case err != nil && ctx.Err() == nil:
			r.log.WarnContext(ctx, "insight counts past their retention not deleted; tried again in an hour", "err", err)
		case n > 0:
			r.log.InfoContext(ctx, "deleted insight counts past their retention", "rows", n, "before", store.TimeOfHour(before))
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// clearSample removes the bundled sample articles once a source brought
// the publisher's own: they are never mixed.
func (r *Replica) clearSample(ctx context.Context) {
	if r.sampleGone.Load() {
		return
	}
	n, err := sample.Clear(ctx, r.st)
	if err != nil {
		r.log.WarnContext(ctx, "sample articles not removed", "err", err)
		return
	}
	if n > 0 {
		r.log.InfoContext(ctx, "removed the sample articles: a source brought the publisher's own", "articles", n)
	}
	r.sampleGone.Store(true)
}

// Close stores the insight counts taken since the last flush. Call it
// once the server takes no more requests (a graceful shutdown drains
// them first), before the store closes: no event counted is then lost.
func (r *Replica) Close(ctx context.Context) error {
	if r.tally == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	pending := r.tally.Pending()
	if err := r.tally.Flush(ctx); err != nil {
		r.log.ErrorContext(ctx, "insight counts lost at shutdown: the store did not take them", "events", r.tally.Pending(), "err", err)
		return fmt.Errorf("store the last insight counts: %w", err)
	}
	r.log.InfoContext(ctx, "insight counts stored", "events", pending)
	return nil
}
