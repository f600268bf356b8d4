package store

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kiosque/kiosque/app/news"
)

// The rules of an import, decided here once from what a store reads (its
// articles of the origin, its block list) as an ImportPlan; each backend
// only runs the plan's SQL and gives the new articles their slugs.

// StoredItem is what an import needs to know of an article stored from its
// origin.
type StoredItem struct {
	ID   int64 // the store's, in the order articles were stored
	Slug string
	Hash string // ContentHash
}

// ImportPlan is what an import changes.
type ImportPlan struct {
	// Remove are the articles gone from the source (see Import), in the
	// order they were stored. They go first: a post deleted and created
	// again under its slug (a new id at the source) gets the slug back,
	// not a numbered one.
	Remove []StoredItem
	// Update are the stored articles whose content changed, in the
	// import's order; each keeps its id and its slug, so that links to it
	// keep working.
	Update []Write
	// Insert are the new articles, in the import's order, under the slug
	// they want: the backend gives each the first free slug of the rule
	// (FreeSlugCandidates) and lists it in Result.Added.
	Insert []Write
	// Result is the import's result, Added aside.
	Result ImportResult
}

// Write is an article an import writes.
type Write struct {
	ID       int64 // the stored article's, for an update
	OriginID string
	Slug     string // the stored one for an update, the wanted one for an insert
	Row      Row
}

// planImport decides what imp changes in a store that holds stored (the
// articles of imp.Origin, by their identity at the source) and whose block
// list is blocked. An item without an identity, or one that is no valid
// article, fails the whole import.
func planImport(imp Import, stored map[string]StoredItem, blocked Blocks) (ImportPlan, error) {
	plan := ImportPlan{Remove: missing(imp, stored)}
	for _, old := range plan.Remove {
		plan.Result.Removed = append(plan.Result.Removed, old.Slug)
	}
	withdrawn := imp.withdrawnSet()
	seen := make(map[string]bool, len(imp.Articles))
	for _, item := range imp.Articles {
		if item.OriginID == "" {
			return ImportPlan{}, fmt.Errorf("%w %q: origin id is empty", ErrInvalid, item.Article.Slug)
		}
		if seen[item.OriginID] {
			continue // a feed listing an item twice: the first one wins
		}
		seen[item.OriginID] = true
		if withdrawn[item.OriginID] {
			continue
		}
		if blocked.Holds(imp.Origin, item) {
			plan.Result.Blocked = append(plan.Result.Blocked, item.OriginID)
			continue
		}
		a := item.Article
		old, known := stored[item.OriginID]
		row := rowOf(a)
		if known && old.Hash == row.Hash {
			plan.Result.Unchanged++
			continue
		}
		if known {
			a.Slug = old.Slug
		}
		if err := Validate(a); err != nil {
			return ImportPlan{}, err
		}
		w := Write{ID: old.ID, OriginID: item.OriginID, Slug: a.Slug, Row: row}
		if known {
			plan.Update = append(plan.Update, w)
			plan.Result.Updated = append(plan.Result.Updated, a.Slug)
		} else {
			plan.Insert = append(plan.Insert, w)
		}
	}
	return plan, nil
}

// Check refuses an import without an origin, or whose state is another
// source's, before a store opens a transaction; a state without a key is
// given the origin's.
func (imp *Import) Check() error {
	if imp.Origin == "" {
		return errors.New("apply import: origin is empty")
	}
	if imp.State.Key == "" {
		imp.State.Key = imp.Origin
	}
	if imp.State.Key != imp.Origin {
		return fmt.Errorf("apply import from %s: state is for %s", imp.Origin, imp.State.Key)
	}
	return nil
}

// replaced are the ids of the stored articles the plan removes or
// updates: the images they point at before the import may be forgotten.
func (p ImportPlan) replaced() []int64 {
	ids := make([]int64, 0, len(p.Remove)+len(p.Update))
	for _, old := range p.Remove {
		ids = append(ids, old.ID)
	}
	for _, w := range p.Update {
		ids = append(ids, w.ID)
	}
	return ids
}

// mediaToCheck are the images that no article may point at after the
// import, each once, sorted: those the replaced articles pointed at
// (before), and those the import brought, which a blocked item may have
// been the only one to show. A backend forgets those no article points at.
func mediaToCheck(imp Import, before []string) []string {
	keys := slices.Clone(before)
	for _, m := range imp.Media {
		keys = append(keys, m.Key)
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// missing returns the stored items that the import removes, in the order
// they were stored: those withdrawn, and with RemoveMissing those neither
// brought nor listed as present.
func missing(imp Import, stored map[string]StoredItem) []StoredItem {
	withdrawn := imp.withdrawnSet()
	keep := make(map[string]bool, len(imp.Present)+len(imp.Articles))
	for _, id := range imp.Present {
		keep[id] = true
	}
	for _, item := range imp.Articles {
		keep[item.OriginID] = true
	}
	var gone []StoredItem
	for originID, it := range stored {
		if withdrawn[originID] || (imp.RemoveMissing && !keep[originID]) {
			gone = append(gone, it)
		}
	}
	slices.SortFunc(gone, func(a, b StoredItem) int { return cmp.Compare(a.ID, b.ID) })
	return gone
}

func (imp Import) withdrawnSet() map[string]bool {
	withdrawn := make(map[string]bool, len(imp.Withdrawn))
	for _, id := range imp.Withdrawn {
		withdrawn[id] = true
	}
	return withdrawn
}

// Row is an article as both stores write it: its columns, Normalize'd,
// its content hash and the images it points at.
type Row struct {
	URL, Title, Excerpt, HTML, Category, CategorySlug, Author, Lang, Source, Hash string
	Body, Tags                                                                    string // JSON arrays
	Image                                                                         any    // JSON, or nil for NULL
	Published, Updated                                                            time.Time
	Media                                                                         []string
}

// rowOf is the row stored for a. Its HTML is stored as it is: writers
// sanitize it (see Writer).
func rowOf(a news.Article) Row {
	a = Normalize(a)
	body, _ := json.Marshal(NonNil(a.Body))
	tags, _ := json.Marshal(NonNil(a.Tags))
	var image any
	if a.Image != nil {
		b, _ := json.Marshal(a.Image)
		image = string(b)
	}
	return Row{
		URL: a.URL, Title: a.Title, Excerpt: a.Excerpt, Body: string(body), HTML: a.HTML,
		Category: a.Category, CategorySlug: Slugify(a.Category), Tags: string(tags),
		Author: a.Author, Lang: string(a.Lang), Source: a.Source, Hash: ContentHash(a),
		Published: a.Published, Updated: a.Updated, Image: image, Media: MediaKeys(a),
	}
}

// RowColumns are the columns of a Row, in the order of Values.
const RowColumns = "url, title, excerpt, body, html, category, category_slug, tags, author, published, updated, lang, image, source, content_hash"

// rowExcluded are the RowColumns of the row an upsert proposed (ON
// CONFLICT … DO UPDATE SET (RowColumns) = (rowExcluded)).
const rowExcluded = "excluded.url, excluded.title, excluded.excerpt, excluded.body, excluded.html, excluded.category, " +
	"excluded.category_slug, excluded.tags, excluded.author, excluded.published, excluded.updated, excluded.lang, " +
	"excluded.image, excluded.source, excluded.content_hash"

// Values are the row's values in the order of RowColumns, its times as
// at makes them (SQLite keeps Unix milliseconds, PostgreSQL a
// timestamptz).
func (r Row) Values(at func(time.Time) any) []any {
	return []any{r.URL, r.Title, r.Excerpt, r.Body, r.HTML, r.Category, r.CategorySlug, r.Tags, r.Author,
		at(r.Published), at(r.Updated), r.Lang, r.Image, r.Source, r.Hash}
}

// NonNil is s, or an empty list for nil: stored as [], never null.
func NonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
