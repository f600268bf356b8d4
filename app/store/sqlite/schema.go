package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// The schema, one step per version. A database at version N runs the steps
// after N, in one transaction each; PRAGMA user_version records N.
var migrations = []string{
	1: `
CREATE TABLE articles (
	id            INTEGER PRIMARY KEY,
	slug          TEXT NOT NULL UNIQUE,
	url           TEXT NOT NULL,
	title         TEXT NOT NULL,
	excerpt       TEXT NOT NULL,
	body          TEXT NOT NULL,  -- JSON array of paragraphs
	html          TEXT NOT NULL,  -- sanitized HTML of the body, or ''
	category      TEXT NOT NULL,
	category_slug TEXT NOT NULL,
	tags          TEXT NOT NULL,  -- JSON array
	author        TEXT NOT NULL,
	published     INTEGER NOT NULL, -- Unix milliseconds, UTC
	updated       INTEGER NOT NULL,
	lang          TEXT NOT NULL,
	image         TEXT,           -- JSON object, or NULL
	source        TEXT NOT NULL
);
CREATE INDEX articles_newest ON articles (published DESC, id DESC);
CREATE INDEX articles_category_newest ON articles (category_slug, published DESC, id DESC);
`,
}

func migrate(ctx context.Context, db *sql.DB) error {
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	latest := len(migrations) - 1
	if version > latest {
		return fmt.Errorf("schema version %d is newer than this program knows (%d)", version, latest)
	}
	for v := version + 1; v <= latest; v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate to schema %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate to schema %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(v)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate to schema %d: %w", v, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate to schema %d: %w", v, err)
		}
	}
	return nil
}
