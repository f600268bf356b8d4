package ingest

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/store"
)

// PollerOptions configure a Poller. Zero values take the defaults.
type PollerOptions struct {
	// Interval between polls of a healthy source (default 15 minutes).
	Interval time.Duration
	// MaxBackoff caps the wait after failures (default 6 hours, or
	// Interval if longer).
	MaxBackoff time.Duration
	// OnChange is told the report of each import that added, updated or
	// removed articles. Calls are never concurrent. It may be nil.
	OnChange func(ctx context.Context, report Report)
	// Polled, when set, is told the outcome of every poll of a source:
	// "changed", "unchanged" or "failed" (the metrics count them).
	Polled func(source, outcome string)
	// Locker, when given, makes each import of a source hold the source's
	// lock (ImportLock): another process importing it meanwhile (a replica,
	// `kiosque ingest`) makes this poll wait for the next one.
	Locker store.Locker
	// Images, when set, are the options the images are fetched with: an
	// import whose images are on ports they refuse is warned of.
	Images *fetch.Options
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// Poller polls sources on a schedule, each on its own: a failing source
// backs off without delaying the others.
type Poller struct {
	store   store.SourceStore
	sources []Source
	opts    PollerOptions
	notify  sync.Mutex // serializes OnChange
}

// warnOfRefusedImages warns of the images of an import on ports their
// fetches refuse: they would fail for every reader (502), silently.
func (p *Poller) warnOfRefusedImages(ctx context.Context, log *slog.Logger, report Report) {
	if p.opts.Images == nil {
		return
	}
	if ports, n := report.RefusedImagePorts(*p.opts.Images); n > 0 {
		log.WarnContext(ctx, "images of this source are on ports that -media-ports does not allow: readers will get none; add the ports to -media-ports",
			"ports", ports, "images", n)
	}
}

// NewPoller returns a Poller of sources writing to st.
func NewPoller(st store.SourceStore, sources []Source, opts PollerOptions) *Poller {
	if opts.Interval <= 0 {
		opts.Interval = 15 * time.Minute
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 6 * time.Hour
	}
	opts.MaxBackoff = max(opts.MaxBackoff, opts.Interval)
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Poller{store: st, sources: sources, opts: opts}
}

// Run polls until ctx is done, then returns once every poll has stopped.
func (p *Poller) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, src := range p.sources {
		wg.Go(func() { p.pollSource(ctx, src) })
	}
	wg.Wait()
}

func (p *Poller) pollSource(ctx context.Context, src Source) {
	log := p.opts.Logger.With("source", src.Key())
	state, err := p.store.SourceState(ctx, src.Key())
	if err != nil {
		log.ErrorContext(ctx, "read source state", "err", err)
	}
	failures := state.Failures
	// A restart does not poll sooner than the schedule says.
	wait := time.Duration(0)
	if !state.LastAttempt.IsZero() {
		wait = time.Until(state.LastAttempt.Add(p.delay(failures, 0)))
	}
	timer := time.NewTimer(max(wait, 0))
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		lock, ok, err := p.lock(ctx, src)
		if !ok {
			if err != nil && ctx.Err() == nil {
				log.WarnContext(ctx, "cannot tell whether another process imports this source", "err", err)
			}
			log.DebugContext(ctx, "another process imports this source: waiting for the next poll")
			timer.Reset(p.delay(0, 0))
			continue
		}
		report, err := Import(ctx, p.store, src, nil)
		lock.Release()
		if ctx.Err() != nil {
			return
		}
		if report.Found != "" {
			log.InfoContext(ctx, report.Found)
		}
		p.polled(src.Key(), err, report.Changed())
		if err != nil {
			failures++
			wait = p.delay(failures, fetch.RetryAfter(err))
			log.WarnContext(ctx, "poll failed", "err", err, "failures", failures, "retry_in", wait.Round(time.Second))
		} else {
			failures = 0
			wait = p.delay(0, 0)
			if report.Changed() {
				log.InfoContext(ctx, "imported", "report", report)
				p.warnOfRefusedImages(ctx, log, report)
				p.changed(ctx, report)
			} else {
				log.DebugContext(ctx, "no change", "report", report)
			}
		}
		timer.Reset(wait)
	}
}

// polled tells Polled how a poll went.
func (p *Poller) polled(source string, err error, changed bool) {
	if p.opts.Polled == nil {
		return
	}
	switch {
	case err != nil:
		p.opts.Polled(source, "failed")
	case changed:
		p.opts.Polled(source, "changed")
	default:
		p.opts.Polled(source, "unchanged")
	}
}

// lock takes the source's import lock, when the poller has a Locker.
func (p *Poller) lock(ctx context.Context, src Source) (store.Lock, bool, error) {
	if p.opts.Locker == nil {
		return noLock{}, true, nil
	}
	return p.opts.Locker.TryLock(ctx, ImportLock(src.Key()))
}

// noLock is the lock of a poller that takes none.
type noLock struct{}

func (noLock) Release()              {}
func (noLock) Lost() <-chan struct{} { return nil }

// ImportLock names the lock an import of the source with this key holds,
// so that no source is imported twice at once, whoever imports it.
func ImportLock(key string) string { return "kiosque import " + key }

func (p *Poller) changed(ctx context.Context, report Report) {
	if p.opts.OnChange == nil {
		return
	}
	p.notify.Lock()
	defer p.notify.Unlock()
	p.opts.OnChange(ctx, report)
}

// delay is the wait before the next poll: the interval give or take 10%
// for a healthy source; after failures, the interval doubled per failure
// up to MaxBackoff, with jitter so that sources failing together (a shared
// host down) do not retry together; never less than the Retry-After the
// server asked for.
func (p *Poller) delay(failures int, retryAfter time.Duration) time.Duration {
	if failures == 0 {
		return time.Duration(float64(p.opts.Interval) * (0.9 + 0.2*rand.Float64()))
	}
	return max(Backoff(p.opts.Interval, p.opts.MaxBackoff, failures, rand.Float64()), min(retryAfter, 7*24*time.Hour))
}

// Backoff is the wait after failures failed polls in a row: base doubled
// per failure, capped at ceiling, then spread by jitter (in [0, 1)) over
// its upper half.
func Backoff(base, ceiling time.Duration, failures int, jitter float64) time.Duration {
	d := base
	for i := 1; i < failures && d < ceiling; i++ {
		d *= 2
	}
	d = min(d, ceiling)
	return d/2 + time.Duration(jitter*float64(d/2))
}
