package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
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
	// Imported articles keep their identity at the source (origin is the
	// source key, origin_id the item there) so that an edit updates in place;
	// content_hash tells an unchanged re-fetch from an edit. sources holds
	// what the next poll of each source needs.
	2: `
ALTER TABLE articles ADD COLUMN origin TEXT;
ALTER TABLE articles ADD COLUMN origin_id TEXT;
ALTER TABLE articles ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX articles_origin ON articles (origin, origin_id) WHERE origin IS NOT NULL;
CREATE TABLE sources (
	key           TEXT PRIMARY KEY,
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	cursor        INTEGER NOT NULL DEFAULT 0, -- Unix milliseconds, UTC; 0 if none
	full_sync     INTEGER NOT NULL DEFAULT 0,
	last_attempt  INTEGER NOT NULL DEFAULT 0,
	last_success  INTEGER NOT NULL DEFAULT 0,
	last_error    TEXT NOT NULL DEFAULT '',
	failures      INTEGER NOT NULL DEFAULT 0
);
`,
	// Imported articles point at /media/<key> rather than at the
	// publisher's images; media says where each key's image is. The
	// sources forget their validators and cursors, so that the next poll
	// fetches every article again and rewrites the images of those
	// imported before. (IF NOT EXISTS: a database taken back to an older
	// version by hand keeps the table.)
	3: `
CREATE TABLE IF NOT EXISTS media (
	key TEXT PRIMARY KEY, -- the name under /media/: a hash of url and an extension
	url TEXT NOT NULL     -- where the image is, on the publisher's site
) WITHOUT ROWID;
UPDATE sources SET etag = '', last_modified = '', cursor = 0;
`,
	4: `
-- oEmbed asks for articles by their canonical URL.
CREATE INDEX IF NOT EXISTS articles_url ON articles (url);
`,
	// Each article's "you may also like" list, kept by the leader's index
	// and read by every server: a restart answers at once. (IF NOT EXISTS,
	// as in 3.)
	5: `
CREATE TABLE IF NOT EXISTS related (
	slug TEXT PRIMARY KEY REFERENCES articles (slug) ON DELETE CASCADE ON UPDATE CASCADE,
	list TEXT NOT NULL -- JSON array of slugs, best first
) WITHOUT ROWID;
`,
	// The block list (store.Takedowns): what a takedown removed, which
	// imports skip, by URL (url_key is store.URLKey(url), '' for none) or
	// by identity at the source ('' for an article not imported). And the
	// images each article points at (store.MediaKeys), so that an image
	// no article points at any more is found without reading every
	// article: filled for the articles stored so far by recordArticleMedia. (IF
	// NOT EXISTS, as in 3.)
	6: `
CREATE TABLE IF NOT EXISTS blocked (
	id        INTEGER PRIMARY KEY,
	url       TEXT NOT NULL,
	url_key   TEXT NOT NULL,
	slug      TEXT NOT NULL,
	title     TEXT NOT NULL,
	origin    TEXT NOT NULL,
	origin_id TEXT NOT NULL,
	since     INTEGER NOT NULL -- Unix milliseconds, UTC
);
CREATE INDEX IF NOT EXISTS blocked_url ON blocked (url_key);
CREATE INDEX IF NOT EXISTS blocked_slug ON blocked (slug);
CREATE TABLE IF NOT EXISTS article_media (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	key        TEXT NOT NULL,
	PRIMARY KEY (article_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_media_key ON article_media (key);
`,
	// The publisher's insights (app/insights): each article's list by the
	// baseline ranker, for the servers that interleave it with the
	// ranker's, and counts of events per hour and key, never an event.
	// Counts outlive their article: no foreign key. (IF NOT EXISTS, as in
	// 3.)
	7: `
CREATE TABLE IF NOT EXISTS baseline_related (
	slug TEXT PRIMARY KEY REFERENCES articles (slug) ON DELETE CASCADE ON UPDATE CASCADE,
	list TEXT NOT NULL -- JSON array of slugs, best first
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS insight_counts (
	hour      INTEGER NOT NULL, -- hours since the Unix epoch, UTC
	partner   TEXT NOT NULL,
	placement TEXT NOT NULL,
	article   TEXT NOT NULL,
	kind      TEXT NOT NULL,
	position  INTEGER NOT NULL,
	ranker    TEXT NOT NULL,
	n         INTEGER NOT NULL,
	PRIMARY KEY (hour, partner, placement, article, kind, position, ranker)
) WITHOUT ROWID;
`,
	// Where each source was found at its address
	// (store.SourceState.Endpoint): a column added by addSourceEndpoint.
	8: ``,
	// The keys of purges the caches in front have not confirmed
	// (store.PurgeQueue).
	9: `
CREATE TABLE IF NOT EXISTS purge_keys (
	key    TEXT PRIMARY KEY,
	urgent INTEGER NOT NULL,
	added  INTEGER NOT NULL -- Unix milliseconds, UTC
) WITHOUT ROWID;
`,
	// The settings each server runs with, that must agree among those
	// sharing the store (store.SettingsStore).
	10: `
CREATE TABLE IF NOT EXISTS server_settings (
	server   TEXT PRIMARY KEY,
	settings TEXT NOT NULL,   -- JSON object, setting to value
	recorded INTEGER NOT NULL -- Unix milliseconds
) WITHOUT ROWID;
`,
}

// afterMigration are the steps of a migration that SQL alone cannot take,
// run in its transaction after its SQL.
var afterMigration = map[int]func(ctx context.Context, tx *sql.Tx) error{
	6: recordArticleMedia,
	8: addSourceEndpoint,
}

// addSourceEndpoint adds sources.endpoint, unless a database taken back to
// an older version by hand kept it (SQLite has no ADD COLUMN IF NOT
// EXISTS).
func addSourceEndpoint(ctx context.Context, tx *sql.Tx) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM pragma_table_info('sources') WHERE name = 'endpoint'").Scan(&n); err != nil {
		return fmt.Errorf("read the columns of sources: %w", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "ALTER TABLE sources ADD COLUMN endpoint TEXT NOT NULL DEFAULT ''"); err != nil {
		return fmt.Errorf("add sources.endpoint: %w", err)
	}
	return nil
}

// recordArticleMedia fills article_media for the articles stored before it
// existed.
func recordArticleMedia(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "SELECT id, html, image FROM articles WHERE instr(html, ?) > 0 OR instr(image, ?) > 0",
		mediakey.Prefix, mediakey.Prefix)
	if err != nil {
		return fmt.Errorf("read the images of articles: %w", err)
	}
	refs := map[int64][]string{}
	for rows.Next() {
		var (
			id    int64
			a     news.Article
			image sql.NullString
		)
		if err := rows.Scan(&id, &a.HTML, &image); err != nil {
			rows.Close()
			return fmt.Errorf("read the images of articles: %w", err)
		}
		if image.Valid {
			a.Image = &news.Image{}
			json.Unmarshal([]byte(image.String), a.Image) // a bad image points at nothing
		}
		refs[id] = store.MediaKeys(a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the images of articles: %w", err)
	}
	for id, keys := range refs {
		if err := store.SetArticleMedia(ctx, reader{tx}, id, keys); err != nil {
			return err
		}
	}
	return nil
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
		if after, ok := afterMigration[v]; ok {
			if err := after(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("migrate to schema %d: %w", v, err)
			}
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
