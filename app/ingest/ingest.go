// Package ingest brings publishers' articles into the store: a Source
// (app/ingest/feed, app/ingest/wordpress) pulls what changed, Import writes
// it in one transaction, its images pointed at Kiosque's own /media/
// paths (see app/media), and a Poller does that on a schedule.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/kiosque/kiosque/app/store"
)

// Source is somewhere articles come from.
type Source interface {
	// Key names the source durably ("feed:https://…",
	// "wordpress:https://…"): it is the origin of its articles and the key
	// of its saved state.
	Key() string
	// Pull fetches what changed since state was saved. It writes nothing.
	// A source given an address where it must find its articles (a
	// WordPress site's API, the feed a page links to) looks for them when
	// state has no Endpoint, or when the one it has stopped answering, and
	// says what it found in Pull.Found.
	Pull(ctx context.Context, state store.SourceState, progress Progress) (Pull, error)
}

// LookFirst returns src made to look for where its articles are at every
// pull, as at its first: for an import a person runs, who is to see what
// is at the address given now. What it does not find fails the pull, and
// is recorded as any failure.
func LookFirst(src Source) Source { return lookFirst{src} }

type lookFirst struct{ Source }

func (l lookFirst) Pull(ctx context.Context, state store.SourceState, progress Progress) (Pull, error) {
	state.Endpoint = "" // see Source.Pull
	return l.Source.Pull(ctx, state, progress)
}

// Progress is told how far a pull has got: done items out of total, total
// being 0 while unknown. It may be nil.
type Progress func(done, total int)

// Pull is what one poll of a source brought.
type Pull struct {
	// NotModified is an unchanged source (a 304): there is nothing to
	// import.
	NotModified bool
	Articles    []store.Imported
	Skipped     []Skipped
	// RemoveMissing, Present and Withdrawn: see store.Import.
	RemoveMissing bool
	Present       []string
	Withdrawn     []string
	// State is the source's state after this pull (validators, cursor,
	// endpoint), saved with the articles.
	State store.SourceState
	// Found says, in one line, what the source found at its address when
	// this pull looked for it ("WordPress site, API at …", "feed at …");
	// empty when it did not look.
	Found string
}

// Skipped is an item left out of an import, and why.
type Skipped struct {
	ID     string // its identity at the source
	Title  string
	Reason string
}

// Report says what one import did.
type Report struct {
	Source string
	// Found: see Pull.
	Found       string
	NotModified bool
	store.ImportResult
	Skipped []Skipped
	// ImagesByPort counts the images the articles point at by the port
	// they are fetched from (see RefusedImagePorts).
	ImagesByPort map[uint16]int
}

// Import pulls src once and writes what it brought in one transaction:
// the articles, their images (pointed at /media/ paths and recorded), and
// the source's state. On failure the stored articles are unchanged and
// the failure is recorded in the source's state (for backing off); the
// error says which source failed and why.
func Import(ctx context.Context, st store.SourceStore, src Source, progress Progress) (Report, error) {
	key := src.Key()
	report := Report{Source: key}
	state, err := st.SourceState(ctx, key)
	if err != nil {
		return report, fmt.Errorf("import %s: %w", key, err)
	}
	pull, err := src.Pull(ctx, state, progress)
	report.Found = pull.Found
	if err == nil && pull.NotModified {
		report.NotModified = true
		next := succeeded(pull.State, state, time.Now())
		if err := st.SaveSourceState(ctx, next); err != nil {
			return report, fmt.Errorf("import %s: %w", key, err)
		}
		return report, nil
	}
	if err == nil {
		articles, skipped := validArticles(pull.Articles)
		report.Skipped = append(pull.Skipped, skipped...)
		// A skipped item still exists at the source: it is not a deletion.
		present := pull.Present
		if pull.RemoveMissing {
			for _, s := range skipped {
				present = append(present, s.ID)
			}
		}
		articles, media := selfHosted(articles)
		report.ImagesByPort = imagesByPort(media)
		report.ImportResult, err = st.ApplyImport(ctx, store.Import{
			Origin:        key,
			Articles:      articles,
			RemoveMissing: pull.RemoveMissing,
			Present:       present,
			Withdrawn:     pull.Withdrawn,
			Media:         media,
			State:         succeeded(pull.State, state, time.Now()),
		})
	}
	if err != nil {
		if ctx.Err() == nil { // a shutdown is not the source's failure
			failed := state
			failed.LastAttempt = time.Now().UTC()
			failed.LastError = err.Error()
			failed.Failures++
			if serr := st.SaveSourceState(ctx, failed); serr != nil {
				err = errors.Join(err, serr)
			}
		}
		return report, fmt.Errorf("import %s: %w", key, err)
	}
	return report, nil
}

// succeeded returns the state to save after a successful pull: the pull's
// validators and cursor, the bookkeeping reset.
func succeeded(next, prev store.SourceState, now time.Time) store.SourceState {
	if next.Key == "" {
		next = prev
	}
	next.LastAttempt = now.UTC()
	next.LastSuccess = now.UTC()
	next.LastError = ""
	next.Failures = 0
	return next
}

// validArticles sets aside the articles the store would refuse, so that
// one bad item does not sink the whole import.
func validArticles(items []store.Imported) ([]store.Imported, []Skipped) {
	valid := items[:0:0]
	var skipped []Skipped
	for _, it := range items {
		if it.OriginID == "" {
			skipped = append(skipped, Skipped{Title: it.Article.Title, Reason: "no identity at its source (guid, link or id)"})
			continue
		}
		if err := store.Validate(it.Article); err != nil {
			skipped = append(skipped, Skipped{ID: it.OriginID, Title: it.Article.Title, Reason: err.Error()})
			continue
		}
		valid = append(valid, it)
	}
	return valid, skipped
}

// LogValue lets a Report be logged in one line.
func (r Report) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("source", r.Source),
		slog.Bool("not_modified", r.NotModified),
		slog.Int("added", len(r.Added)),
		slog.Int("updated", len(r.Updated)),
		slog.Int("removed", len(r.Removed)),
		slog.Int("unchanged", r.Unchanged),
		slog.Int("skipped", len(r.Skipped)),
		slog.Int("blocked", len(r.Blocked)),
	)
}
