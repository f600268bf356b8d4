// Package articles tells whether the slug a beacon names is an article's,
// asking the store as seldom as it can: a beacon names an article a
// widget showed, so a few hundred slugs come again and again, and a
// client that names slugs no article has must not make the store answer
// once per beacon.
package articles

import (
	"context"
	"sync"
	"time"
)

// Defaults of a Known.
const (
	// defaultMissing is how many slugs not found are remembered.
	defaultMissing = 10_000
	// defaultForget is how long a slug not found is remembered: an
	// article imported meanwhile is counted that long after at most.
	defaultForget = time.Minute
)

// Find asks the store whether slug names an article.
type Find func(ctx context.Context, slug string) (bool, error)

// Known remembers the slugs found for good (an article deleted since
// stays known, and its counts are kept like those of any article gone;
// they are bounded by the articles the store held), and those not found
// for a while, a bounded number.
type Known struct {
	find   Find
	max    int
	forget time.Duration
	now    func() time.Time

	found sync.Map // slug → struct{}

	mu      sync.Mutex
	missing map[string]time.Time // slug → when to ask again
}

// Options size a Known; zero values are the defaults.
type Options struct {
	Missing int
	Forget  time.Duration
	Now     func() time.Time
}

// New returns a Known that asks find.
func New(find Find, o Options) *Known {
	if o.Missing <= 0 {
		o.Missing = defaultMissing
	}
	if o.Forget <= 0 {
		o.Forget = defaultForget
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Known{find: find, max: o.Missing, forget: o.Forget, now: o.Now, missing: make(map[string]time.Time)}
}

// Has reports whether slug names an article.
func (k *Known) Has(ctx context.Context, slug string) (bool, error) {
	if _, ok := k.found.Load(slug); ok {
		return true, nil
	}
	now := k.now()
	k.mu.Lock()
	until, missing := k.missing[slug]
	k.mu.Unlock()
	if missing && now.Before(until) {
		return false, nil
	}
	found, err := k.find(ctx, slug)
	if err != nil {
		return false, err
	}
	if found {
		k.found.Store(slug, struct{}{})
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if found {
		delete(k.missing, slug)
		return true, nil
	}
	if len(k.missing) >= k.max {
		k.forgetSome(now)
	}
	k.missing[slug] = now.Add(k.forget)
	return false, nil
}

// forgetSome makes room for a slug: the expired ones go, or else one at
// random (Go's maps range in no set order), which the store is asked
// again about.
func (k *Known) forgetSome(now time.Time) {
	for slug, until := range k.missing {
		if !now.Before(until) {
			delete(k.missing, slug)
		}
	}
	for slug := range k.missing {
		if len(k.missing) < k.max {
			return
		}
		delete(k.missing, slug)
	}
}

// missingCount is how many slugs not found are remembered.
func (k *Known) missingCount() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.missing)
}
