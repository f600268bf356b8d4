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
		done, err = store.ApplyBlock(ctx, takedownTx(tx), ref, time.Now().UTC().Truncate(time.Millisecond))
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
		entries, err = store.ApplyUnblock(ctx, takedownTx(tx), ref)
		return err
	})
	if err != nil {
		return nil, err
	}
	return entries, nil
}

// takedownTx is a takedown's transaction, as store.TakedownTx.
func takedownTx(tx pgx.Tx) store.TakedownTx {
	return store.NewTakedownTx(reader{tx}, dialect, func(ctx context.Context, slugs []string) error {
		return dropFromLists(ctx, tx, slugs)
	})
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
