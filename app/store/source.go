package store

import (
	"context"
	"time"

	"github.com/kiosque/kiosque/app/news"
)

// SourceStore keeps what Kiosque imports from outside sources (feeds,
// WordPress sites): articles by their identity at the source, and the state
// that makes the next poll cheap and polite.
type SourceStore interface {
	// ApplyImport writes one import of one source in a single transaction:
	// it applies whole or not at all, its Media and State included.
	ApplyImport(ctx context.Context, imp Import) (ImportResult, error)
	// SourceState returns what was saved for the source with this key, or
	// a zero state (with Key set) for a source never seen.
	SourceState(ctx context.Context, key string) (SourceState, error)
	// SaveSourceState records a poll that brought no articles: an
	// unchanged source, or a failure.
	SaveSourceState(ctx context.Context, state SourceState) error
	// Sources returns every source ever polled, by key, with the number
	// of articles each has stored.
	Sources(ctx context.Context) ([]SourceSummary, error)
}

// SourceSummary is what an operator asks of a source: its state, and how
// many of its articles are stored.
type SourceSummary struct {
	SourceState
	Articles int
}

// Import is what one poll of a source brings.
type Import struct {
	// Origin names the source, as its SourceState.Key: "feed:https://…",
	// "wordpress:https://…". Articles of other origins are never touched.
	Origin string
	// Articles are inserted, or update in place the article with the same
	// OriginID (which keeps its slug and id). Their HTML is clean, as
	// Writer says.
	Articles []Imported
	// RemoveMissing says that Present lists every item the source still
	// has: the origin's stored articles that are neither in Present nor in
	// Articles are removed. Feeds show only their latest items, so their
	// imports leave it false.
	RemoveMissing bool
	Present       []string
	// Withdrawn are items the source still has but no longer shows to
	// the public (a post now password-protected): the origin's stored
	// articles with these identities are removed, whatever RemoveMissing
	// says, and none is inserted.
	Withdrawn []string
	// Media are the images the articles point at (see MediaStore),
	// recorded with them: an article never points at an image that is not
	// recorded. An image no stored article points at after the import
	// (one of an article removed, or edited to show another) is forgotten.
	Media []Media
	// State is saved with the articles, so that an ETag or a sync cursor is
	// never recorded for content that failed to be written.
	State SourceState
}

// Imported is an article with its identity at its source.
type Imported struct {
	// OriginID identifies the item within its origin: a feed item's GUID
	// or link, a WordPress post id.
	OriginID string
	// Article.Slug is the wanted slug; a new article whose slug is taken
	// gets a suffix, numbered ("title-2") or from its identity (see
	// FreeSlugCandidates). Article.ID is ignored.
	Article news.Article
}

// ImportResult says what an import changed, by slug.
type ImportResult struct {
	Added     []string
	Updated   []string
	Removed   []string
	Unchanged int
	// Blocked are the items left out because they are on the block list
	// (see Takedowns), by their identity at the source.
	Blocked []string
}

// Changed reports whether the import added, updated or removed anything.
func (r ImportResult) Changed() bool {
	return len(r.Added)+len(r.Updated)+len(r.Removed) > 0
}

// Put lists the slugs that were added or updated.
func (r ImportResult) Put() []string {
	put := make([]string, 0, len(r.Added)+len(r.Updated))
	put = append(put, r.Added...)
	return append(put, r.Updated...)
}

// SourceState is what Kiosque remembers of a source between polls.
type SourceState struct {
	Key string
	// Endpoint is where the source was found at the address its key
	// names: a WordPress site's REST API root, the feed a page links to;
	// empty until found. A source looks for it again when it stops
	// answering.
	Endpoint string
	// ETag and LastModified are sent back on the next request, so that an
	// unchanged source answers 304 without a body.
	ETag         string
	LastModified string
	// Cursor is the latest modification time seen at the source (for
	// WordPress's modified_after); zero before the first import.
	Cursor time.Time
	// FullSync is when the source last listed everything it has, which is
	// how deletions are found.
	FullSync time.Time
	// LastAttempt is the time of the last poll, LastSuccess of the last one
	// that worked (changed or not).
	LastAttempt time.Time
	LastSuccess time.Time
	// LastError describes the last failure, empty after a success; Failures
	// counts failures in a row, for backing off.
	LastError string
	Failures  int
}
