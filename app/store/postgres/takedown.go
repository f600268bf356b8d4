package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kiosque/kiosque/app/store"
)

var _ store.Takedowns = (*Store)(nil)

// Block removes the articles ref names and puts them on the block list, in
// one transaction (see store.ApplyBlock).
func (s *Store) Block(ctx context.Context, ref string) (store.Takedown, error) {
	var done store.Takedown
	err := s.write(ctx, fmt.Sprintf("block %q", ref), func(tx pgx.Tx) (err error) {
		done, err = store.ApplyBlock(ctx, takedownTx{tx}, ref, time.Now().UTC().Truncate(time.Millisecond))
		return err
	})
	if err != nil {
		return store.Takedown{}, err
	}
	return done, nil
}

// Unblock takes the entries ref names off the block list (see
// store.ApplyUnblock).
func (s *Store) Unblock(ctx context.Context, ref string) ([]store.Block, error) {
	var entries []store.Block
	err := s.write(ctx, fmt.Sprintf("unblock %q", ref), func(tx pgx.Tx) (err error) {
		entries, err = store.ApplyUnblock(ctx, takedownTx{tx}, ref)
		return err
	})
	if err != nil {
		return nil, err
	}
	return entries, nil
}

// takedownTx is a takedown's transaction, as store.TakedownTx.
type takedownTx struct{ pgx.Tx }

func (tx takedownTx) ArticleBySlug(ctx context.Context, slug string) (store.TakenDown, bool, error) {
	rows, err := tx.Query(ctx, "SELECT "+store.TakenDownColumns+" FROM articles WHERE slug = $1", slug)
	if err != nil {
		return store.TakenDown{}, false, err
	}
	found, err := pgx.CollectRows(rows, scanTakenDown)
	if err != nil || len(found) == 0 {
		return store.TakenDown{}, false, err
	}
	return found[0], true, nil
}

// ArticlesAt returns the articles whose URL has this store.URLKey.
func (tx takedownTx) ArticlesAt(ctx context.Context, urlKey string) ([]store.TakenDown, error) {
	rows, err := tx.Query(ctx, "SELECT "+store.TakenDownColumns+" FROM articles WHERE url = ANY($1) ORDER BY id", store.URLForms(urlKey))
	if err != nil {
		return nil, fmt.Errorf("find the articles at %s: %w", urlKey, err)
	}
	found, err := pgx.CollectRows(rows, scanTakenDown)
	if err != nil {
		return nil, fmt.Errorf("find the articles at %s: %w", urlKey, err)
	}
	return found, nil
}

func scanTakenDown(row pgx.CollectableRow) (store.TakenDown, error) {
	var a store.TakenDown
	err := row.Scan(&a.ID, &a.Slug, &a.URL, &a.Title, &a.Origin, &a.OriginID)
	return a, err
}

func (tx takedownTx) BlockList(ctx context.Context, column, value string) ([]store.Block, error) {
	return store.NewSQLReader(reader{tx}, dialect).BlockList(ctx, column, value)
}

func (tx takedownTx) AddBlock(ctx context.Context, b store.Block, urlKey string) error {
	return addBlock(ctx, tx.Tx, b, urlKey)
}

func (tx takedownTx) DeleteBlocks(ctx context.Context, column, value string) error {
	_, err := tx.Exec(ctx, "DELETE FROM blocked WHERE "+column+" = $1", value)
	return err
}

func (tx takedownTx) Remove(ctx context.Context, articles []store.TakenDown) ([]string, error) {
	ids := make([]int64, len(articles))
	slugs := make([]string, len(articles))
	for i, a := range articles {
		ids[i], slugs[i] = a.ID, a.Slug
	}
	pointedAt, err := store.MediaOf(ctx, reader{tx.Tx}, ids)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM articles WHERE id = ANY($1)", ids); err != nil {
		return nil, fmt.Errorf("remove %q: %w", slugs, err)
	}
	if err := dropFromLists(ctx, tx.Tx, slugs); err != nil {
		return nil, err
	}
	return store.ForgetUnusedMedia(ctx, reader{tx.Tx}, pointedAt)
}

func (tx takedownTx) Refetch(ctx context.Context, key string) error {
	q, args := "UPDATE sources SET etag = '', last_modified = '', cursor = NULL", []any{}
	if key != "" {
		q, args = q+" WHERE key = $1", []any{key}
	}
	_, err := tx.Exec(ctx, q, args...)
	return err
}

func addBlock(ctx context.Context, tx pgx.Tx, b store.Block, urlKey string) error {
	_, err := tx.Exec(ctx, "INSERT INTO blocked (url, url_key, slug, title, origin, origin_id, since) VALUES ($1, $2, $3, $4, $5, $6, $7)",
		b.URL, urlKey, b.Slug, b.Title, b.Origin, b.OriginID, b.Since)
	if err != nil {
		return fmt.Errorf("add to the block list: %w", err)
	}
	return nil
}

// dropFromLists takes the slugs out of every related list that names
// them: readers would skip them, but a list keeps its length.
func dropFromLists(ctx context.Context, tx pgx.Tx, slugs []string) error {
	// jsonb's - removes every element of an array equal to the text, ?|
	// finds the arrays holding any.
	_, err := tx.Exec(ctx, "UPDATE related SET list = list - $1::text[] WHERE list ?| $1::text[]", slugs)
	if err != nil {
		return fmt.Errorf("drop %q from the related lists: %w", slugs, err)
	}
	return nil
}

// blocks reads the block list as an import checks it.
func blocks(ctx context.Context, tx pgx.Tx) (store.Blocks, error) {
	entries, err := store.NewSQLReader(reader{tx}, dialect).BlockList(ctx, "", "")
	if err != nil {
		return store.Blocks{}, fmt.Errorf("read the block list: %w", err)
	}
	return store.NewBlocks(entries), nil
}
