package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kiosque/kiosque/app/store"
)

// writeArticles runs the plan's updates and inserts, writesPerBatch to a
// round trip, the inserts under the first free slug, which it adds to the
// plan's result.
func writeArticles(ctx context.Context, tx pgx.Tx, origin string, plan *store.ImportPlan) error {
	// The new items' slugs are looked up in batches, before anything is
	// inserted: one lookup per item, while the table grows within the
	// transaction, would keep the plan made for it when it was small (a
	// sequential scan), and a first import of many articles would take
	// quadratic time.
	wanted := make([]string, len(plan.Insert))
	for i, w := range plan.Insert {
		wanted[i] = w.Slug
	}
	taken, err := takenSlugs(ctx, tx, wanted)
	if err != nil {
		return err
	}
	writes := &batch{ctx: ctx, tx: tx}
	for _, w := range plan.Update {
		if err := writes.queue(fmt.Sprintf("update %q", w.Slug), "UPDATE articles SET ("+store.RowColumns+") = ("+
			params(1, 15)+") WHERE id = $16", append(values(w.Row), w.ID)...); err != nil {
			return err
		}
		if err := queueArticleMedia(writes.queue, w.Slug, w.Row.Media, true); err != nil {
			return err
		}
	}
	for _, w := range plan.Insert {
		slug := w.Slug
		if taken[slug] {
			if slug, err = freeSlug(ctx, tx, slug, origin, w.OriginID, taken); err != nil {
				return err
			}
		}
		taken[slug] = true // by this import, before its insert is sent
		if err := writes.queue(fmt.Sprintf("insert %q", slug), "INSERT INTO articles (slug, origin, origin_id, "+
			store.RowColumns+") VALUES ("+params(1, 18)+")", append([]any{slug, origin, w.OriginID}, values(w.Row)...)...); err != nil {
			return err
		}
		if err := queueArticleMedia(writes.queue, slug, w.Row.Media, false); err != nil {
			return err
		}
		plan.Result.Added = append(plan.Result.Added, slug)
	}
	return writes.flush()
}

// queueArticleMedia queues the statements that record the images the
// article with this slug points at, in place of those recorded before.
func queueArticleMedia(queue func(what, sql string, args ...any) error, slug string, keys []string, replace bool) error {
	if replace {
		if err := queue(fmt.Sprintf("forget the images of %q", slug),
			"DELETE FROM article_media WHERE article_id = (SELECT id FROM articles WHERE slug = $1)", slug); err != nil {
			return err
		}
	}
	if len(keys) == 0 {
		return nil
	}
	return queue(fmt.Sprintf("record the images of %q", slug),
		"INSERT INTO article_media (article_id, key) SELECT id, unnest($2::text[]) FROM articles WHERE slug = $1", slug, keys)
}

// writesPerBatch is how many inserts and updates an import sends in one
// round trip.
const writesPerBatch = 1000

// batch queues writes and sends them writesPerBatch at a time; what names
// each, for its error.
type batch struct {
	ctx    context.Context
	tx     pgx.Tx
	writes pgx.Batch
	what   []string
}

func (b *batch) queue(what, sql string, args ...any) error {
	b.writes.Queue(sql, args...)
	b.what = append(b.what, what)
	if b.writes.Len() >= writesPerBatch {
		return b.flush()
	}
	return nil
}

func (b *batch) flush() error {
	if b.writes.Len() == 0 {
		return nil
	}
	br := b.tx.SendBatch(b.ctx, &b.writes)
	for _, what := range b.what {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	b.writes, b.what = pgx.Batch{}, nil
	return br.Close()
}

// takenSlugs returns which of slugs are stored, asked for slugsPerQuery
// at a time.
func takenSlugs(ctx context.Context, tx pgx.Tx, slugs []string) (map[string]bool, error) {
	taken := make(map[string]bool)
	for batch := range slices.Chunk(slugs, slugsPerQuery) {
		rows, err := tx.Query(ctx, "SELECT slug FROM articles WHERE slug = ANY($1)", batch)
		if err != nil {
			return nil, fmt.Errorf("look up slugs: %w", err)
		}
		found, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, fmt.Errorf("look up slugs: %w", err)
		}
		for _, slug := range found {
			taken[slug] = true
		}
	}
	return taken, nil
}

// freeSlug returns the first slug of the rule (store.FreeSlugCandidates)
// for a new item that wants want, that is neither stored nor in taken (the
// slugs of this import's inserts not sent yet).
func freeSlug(ctx context.Context, tx pgx.Tx, want, origin, originID string, taken map[string]bool) (string, error) {
	for round := 0; ; round++ {
		candidates := store.FreeSlugCandidates(want, origin, originID, round)
		rows, err := tx.Query(ctx, "SELECT slug FROM articles WHERE slug = ANY($1)", candidates)
		if err != nil {
			return "", fmt.Errorf("find a free slug for %q: %w", want, err)
		}
		stored, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return "", fmt.Errorf("find a free slug for %q: %w", want, err)
		}
		for _, slug := range candidates {
			if !taken[slug] && !slices.Contains(stored, slug) {
				return slug, nil
			}
		}
	}
}

// toNullable is t to the millisecond, or NULL for the zero time.
func toNullable(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	ms := toMillis(t)
	return &ms
}

func fromNullable(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
