package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/store"
)

// writeArticles runs the plan's updates and inserts, the inserts under
// the first free slug, which it adds to the plan's result.
func writeArticles(ctx context.Context, tx *sql.Tx, origin string, plan *store.ImportPlan) error {
	update, err := tx.PrepareContext(ctx, "UPDATE articles SET ("+store.RowColumns+") = ("+marks(15)+") WHERE id = ?")
	if err != nil {
		return err
	}
	defer update.Close()
	insert, err := tx.PrepareContext(ctx, "INSERT INTO articles (slug, origin, origin_id, "+store.RowColumns+") VALUES ("+marks(18)+") RETURNING id")
	if err != nil {
		return err
	}
	defer insert.Close()
	for _, w := range plan.Update {
		if _, err := update.ExecContext(ctx, append(values(w.Row), w.ID)...); err != nil {
			return fmt.Errorf("update %q: %w", w.Slug, err)
		}
		if err := store.SetArticleMedia(ctx, reader{tx}, w.ID, w.Row.Media); err != nil {
			return err
		}
	}
	for _, w := range plan.Insert {
		slug, err := freeSlug(ctx, tx, w.Slug, origin, w.OriginID)
		if err != nil {
			return err
		}
		var id int64
		if err := insert.QueryRowContext(ctx, append([]any{slug, origin, w.OriginID}, values(w.Row)...)...).Scan(&id); err != nil {
			return fmt.Errorf("insert %q: %w", slug, err)
		}
		if err := store.AddArticleMedia(ctx, reader{tx}, id, w.Row.Media); err != nil {
			return err
		}
		plan.Result.Added = append(plan.Result.Added, slug)
	}
	return nil
}

// freeSlug returns want when it is free, or else the first free slug of
// the rule (store.FreeSlugCandidates) for a new item that wants it.
func freeSlug(ctx context.Context, tx *sql.Tx, want, origin, originID string) (string, error) {
	for round := -1; ; round++ {
		candidates := []string{want}
		if round >= 0 {
			candidates = store.FreeSlugCandidates(want, origin, originID, round)
		}
		for _, slug := range candidates {
			free, err := slugFree(ctx, tx, slug)
			if err != nil {
				return "", err
			}
			if free {
				return slug, nil
			}
		}
	}
}

// slugFree says whether no stored article has this slug.
func slugFree(ctx context.Context, tx *sql.Tx, slug string) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, "SELECT 1 FROM articles WHERE slug = ?", slug).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("find a free slug for %q: %w", slug, err)
	}
	return false, nil
}

// values are the row's values in the order of store.RowColumns, its times
// in Unix milliseconds.
func values(r store.Row) []any {
	return r.Values(millis)
}

// millis is a time as SQLite keeps it, in Unix milliseconds.
func millis(t time.Time) any { return t.UnixMilli() }

// marks are n placeholders, comma-separated.
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func toMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
