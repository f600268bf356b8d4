package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

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
