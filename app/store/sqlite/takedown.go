package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/kiosque/kiosque/app/store"
)

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
