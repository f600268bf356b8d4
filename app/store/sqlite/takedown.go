package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/store"
)

var _ store.Takedowns = (*Store)(nil)

// Block removes the articles ref names and puts them on the block list, in
// one transaction (see store.ApplyBlock).
func (s *Store) Block(ctx context.Context, ref string) (store.Takedown, error) {
	var done store.Takedown
	err := s.write(ctx, fmt.Sprintf("block %q", ref), func(tx *sql.Tx) (err error) {
		done, err = store.ApplyBlock(ctx, takedownTx{tx}, ref, time.Now().UTC().Truncate(time.Millisecond))
		return err
	})
	return done, err
}

// Unblock takes the entries ref names off the block list (see
// store.ApplyUnblock).
func (s *Store) Unblock(ctx context.Context, ref string) ([]store.Block, error) {
	var entries []store.Block
	err := s.write(ctx, fmt.Sprintf("unblock %q", ref), func(tx *sql.Tx) (err error) {
		entries, err = store.ApplyUnblock(ctx, takedownTx{tx}, ref)
		return err
	})
	return entries, err
}

// takedownTx is a takedown's transaction, as store.TakedownTx.
type takedownTx struct{ *sql.Tx }

func (tx takedownTx) ArticleBySlug(ctx context.Context, slug string) (store.TakenDown, bool, error) {
	a, err := scanTakenDown(tx.QueryRowContext(ctx, "SELECT "+store.TakenDownColumns+" FROM articles WHERE slug = ?", slug))
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	return a, err == nil, err
}

// ArticlesAt returns the articles whose URL has this store.URLKey.
func (tx takedownTx) ArticlesAt(ctx context.Context, urlKey string) ([]store.TakenDown, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+store.TakenDownColumns+" FROM articles WHERE url IN (?, ?, ?, ?) ORDER BY id", anys(store.URLForms(urlKey))...)
	found, err := collect(rows, err, scanTakenDown)
	if err != nil {
		return nil, fmt.Errorf("find the articles at %s: %w", urlKey, err)
	}
	return found, nil
}

func scanTakenDown(row scanner) (store.TakenDown, error) {
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
	_, err := tx.ExecContext(ctx, "DELETE FROM blocked WHERE "+column+" = ?", value)
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
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, "DELETE FROM articles WHERE id = ?", id); err != nil {
			return nil, err
		}
	}
	if err := dropFromLists(ctx, tx.Tx, slugs); err != nil {
		return nil, err
	}
	return store.ForgetUnusedMedia(ctx, reader{tx.Tx}, pointedAt)
}

func (tx takedownTx) Refetch(ctx context.Context, key string) error {
	q, args := "UPDATE sources SET etag = '', last_modified = '', cursor = 0", []any{}
	if key != "" {
		q, args = q+" WHERE key = ?", []any{key}
	}
	_, err := tx.ExecContext(ctx, q, args...)
	return err
}

func addBlock(ctx context.Context, tx *sql.Tx, b store.Block, urlKey string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO blocked (url, url_key, slug, title, origin, origin_id, since) VALUES (?, ?, ?, ?, ?, ?, ?)",
		b.URL, urlKey, b.Slug, b.Title, b.Origin, b.OriginID, b.Since.UnixMilli())
	if err != nil {
		return fmt.Errorf("add to the block list: %w", err)
	}
	return nil
}

// dropFromLists takes the slugs out of every related list that names
// them: readers would skip them, but a list keeps its length.
func dropFromLists(ctx context.Context, tx *sql.Tx, slugs []string) error {
	if len(slugs) == 0 {
		return nil
	}
	gone := make(map[string]bool, len(slugs))
	where := make([]string, len(slugs))
	args := make([]any, len(slugs))
	for i, slug := range slugs {
		gone[slug] = true
		where[i] = "instr(list, ?) > 0"
		b, _ := json.Marshal(slug)
		args[i] = string(b)
	}
	rows, err := tx.QueryContext(ctx, "SELECT slug, list FROM related WHERE "+strings.Join(where, " OR "), args...)
	if err != nil {
		return fmt.Errorf("read the related lists naming %q: %w", slugs, err)
	}
	lists := map[string][]string{}
	for rows.Next() {
		var slug, list string
		if err := rows.Scan(&slug, &list); err != nil {
			rows.Close()
			return fmt.Errorf("read the related lists naming %q: %w", slugs, err)
		}
		var names []string
		if err := json.Unmarshal([]byte(list), &names); err != nil {
			rows.Close()
			return fmt.Errorf("read the related list of %q: %w", slug, err)
		}
		lists[slug] = slices.DeleteFunc(names, func(s string) bool { return gone[s] })
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the related lists naming %q: %w", slugs, err)
	}
	for slug, list := range lists {
		b, _ := json.Marshal(store.NonNil(list))
		if _, err := tx.ExecContext(ctx, "UPDATE related SET list = ? WHERE slug = ?", string(b), slug); err != nil {
			return fmt.Errorf("store the related list of %q: %w", slug, err)
		}
	}
	return nil
}

// blocks reads the block list as an import checks it.
func blocks(ctx context.Context, tx *sql.Tx) (store.Blocks, error) {
	entries, err := store.NewSQLReader(reader{tx}, dialect).BlockList(ctx, "", "")
	if err != nil {
		return store.Blocks{}, fmt.Errorf("read the block list: %w", err)
	}
	return store.NewBlocks(entries), nil
}
