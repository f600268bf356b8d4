package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kiosque/kiosque/app/mediakey"
)

// The schema, one step per version. A database at version N runs the steps
// after N; kiosque_schema records each version applied.
//
// Times are timestamptz written to the millisecond, as SQLite keeps them.
// Names are compared with COLLATE "C" where order matters, so that every
// database orders them byte by byte, as SQLite does, whatever its locale.
var migrations = []string{
	1: `
CREATE TABLE articles (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	slug          text NOT NULL UNIQUE,
	url           text NOT NULL,
	title         text NOT NULL,
	excerpt       text NOT NULL,
	body          jsonb NOT NULL, -- array of paragraphs
	html          text NOT NULL,  -- sanitized HTML of the body, or ''
	category      text NOT NULL,
	category_slug text NOT NULL,
	tags          jsonb NOT NULL, -- array
	author        text NOT NULL,
	published     timestamptz NOT NULL,
	updated       timestamptz NOT NULL,
	lang          text NOT NULL,
	image         jsonb,          -- object, or NULL
	source        text NOT NULL,
	-- An imported article's identity at its source (origin is the source
	-- key, origin_id the item there), so that an edit updates in place;
	-- content_hash (store.ContentHash) tells an unchanged re-fetch from an
	-- edit, and is the version other servers compare.
	origin        text,
	origin_id     text,
	content_hash  text NOT NULL
);
CREATE INDEX articles_newest ON articles (published DESC, id DESC);
CREATE INDEX articles_category_newest ON articles (category_slug, published DESC, id DESC);
CREATE INDEX articles_url ON articles (url);
CREATE UNIQUE INDEX articles_origin ON articles (origin, origin_id) WHERE origin IS NOT NULL;

-- What the next poll of each source needs; NULL for a time never set.
CREATE TABLE sources (
	key           text PRIMARY KEY,
	etag          text NOT NULL DEFAULT '',
	last_modified text NOT NULL DEFAULT '',
	cursor        timestamptz,
	full_sync     timestamptz,
	last_attempt  timestamptz,
	last_success  timestamptz,
	last_error    text NOT NULL DEFAULT '',
	failures      integer NOT NULL DEFAULT 0
);

-- Where the image behind each /media/<key> is, on the publisher's site.
CREATE TABLE media (
	key text PRIMARY KEY,
	url text NOT NULL
);

-- Each article's "you may also like" list, kept by the leader's index and
-- read by every server.
CREATE TABLE related (
	slug text PRIMARY KEY REFERENCES articles (slug) ON DELETE CASCADE ON UPDATE CASCADE,
	list jsonb NOT NULL -- array of slugs, best first
);

-- kiosque_changes counts the transactions that wrote to the tables above,
-- and each one is announced on the channel kiosque_changes at its commit
-- (never for one rolled back). The trigger runs BEFORE each statement, so
-- that a transaction locks the counter before any row it writes: writers
-- then queue on the counter rather than deadlock on it. xact makes it once
-- per transaction: one bump and one notification, however many statements.
CREATE TABLE kiosque_changes (
	one  boolean PRIMARY KEY DEFAULT true CHECK (one),
	n    bigint NOT NULL,
	xact bigint
);
INSERT INTO kiosque_changes (n) VALUES (0);
CREATE FUNCTION kiosque_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	counted bigint;
BEGIN
	UPDATE kiosque_changes SET n = n + 1, xact = txid_current()
	WHERE xact IS DISTINCT FROM txid_current()
	RETURNING n INTO counted;
	IF FOUND THEN
		PERFORM pg_notify('kiosque_changes', counted::text);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER articles_changed BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON articles
	FOR EACH STATEMENT EXECUTE FUNCTION kiosque_count_change();
CREATE TRIGGER related_changed BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON related
	FOR EACH STATEMENT EXECUTE FUNCTION kiosque_count_change();
CREATE TRIGGER media_changed BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON media
	FOR EACH STATEMENT EXECUTE FUNCTION kiosque_count_change();
CREATE TRIGGER sources_changed BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON sources
	FOR EACH STATEMENT EXECUTE FUNCTION kiosque_count_change();
`,
	// The block list (store.Takedowns): what a takedown removed, which
	// imports skip, by URL (url_key is store.URLKey(url), '' for none) or
	// by identity at the source ('' for an article not imported). And the
	// images each article points at (store.MediaKeys), so that an image
	// no article points at any more is found without reading every
	// article: filled here for the articles stored so far.
	2: `
CREATE TABLE blocked (
	id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	url       text NOT NULL,
	url_key   text NOT NULL,
	slug      text NOT NULL,
	title     text NOT NULL,
	origin    text NOT NULL,
	origin_id text NOT NULL,
	since     timestamptz NOT NULL
);
CREATE INDEX blocked_url ON blocked (url_key);
CREATE INDEX blocked_slug ON blocked (slug);
CREATE TABLE article_media (
	article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	key        text NOT NULL,
	PRIMARY KEY (article_id, key)
);
CREATE INDEX article_media_key ON article_media (key);
INSERT INTO article_media (article_id, key)
SELECT DISTINCT a.id, m[1]
FROM articles a, regexp_matches(a.html || ' ' || coalesce(a.image->>'src', ''), '` + mediakey.RefPattern + `', 'g') AS m;
CREATE TRIGGER blocked_changed BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON blocked
	FOR EACH STATEMENT EXECUTE FUNCTION kiosque_count_change();
CREATE TRIGGER article_media_changed BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON article_media
	FOR EACH STATEMENT EXECUTE FUNCTION kiosque_count_change();
`,
	// The publisher's insights (app/insights): each article's list by the
	// baseline ranker, for the servers that interleave it with the
	// ranker's, a change readers see like the ranker's lists; and counts of
	// events per hour and key, never an event, which no answer shows: no
	// trigger counts their writes. Counts outlive their article: no
	// foreign key.
	3: `
CREATE TABLE baseline_related (
	slug text PRIMARY KEY REFERENCES articles (slug) ON DELETE CASCADE ON UPDATE CASCADE,
	list jsonb NOT NULL -- array of slugs, best first
);
CREATE TRIGGER baseline_related_changed BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON baseline_related
	FOR EACH STATEMENT EXECUTE FUNCTION kiosque_count_change();
CREATE TABLE insight_counts (
	hour      bigint NOT NULL, -- hours since the Unix epoch, UTC
	partner   text NOT NULL,
	placement text NOT NULL,
	article   text NOT NULL,
	kind      text NOT NULL,
	position  integer NOT NULL,
	ranker    text NOT NULL,
	n         bigint NOT NULL,
	PRIMARY KEY (hour, partner, placement, article, kind, position, ranker)
);
`,
	// Where each source was found at its address
	// (store.SourceState.Endpoint). (IF NOT EXISTS: a database taken back
	// to an older version by hand keeps the column.)
	4: `
ALTER TABLE sources ADD COLUMN IF NOT EXISTS endpoint text NOT NULL DEFAULT '';
`,
	// The keys of purges the caches in front have not confirmed
	// (store.PurgeQueue). No trigger: they are not content, and the
	// replicas need not hear of them.
	5: `
CREATE TABLE IF NOT EXISTS purge_keys (
	key    text PRIMARY KEY,
	urgent boolean NOT NULL,
	added  timestamptz NOT NULL DEFAULT clock_timestamp()
);
`,
	// The settings each server runs with, that must agree among those
	// sharing the store (store.SettingsStore). No change trigger: they
	// change nothing a server keeps.
	6: `
CREATE TABLE IF NOT EXISTS server_settings (
	server   text PRIMARY KEY,
	settings jsonb NOT NULL, -- setting to value
	recorded timestamptz NOT NULL
);
`,
}

// migrationLock is the key of the advisory lock that migrations hold, so
// that replicas starting at once apply each step once: the first applies
// them, the others wait, then find the schema up to date. (The bytes of
// "kiosque\x01".)
const migrationLock int64 = 0x6b696f7371756501

// migrate brings the schema up to date, all steps in one transaction.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// Waiting for another replica's migrations, or building an index
		// on a large table, may take longer than a query should: only ctx
		// bounds them.
		if _, err := tx.Exec(ctx, "SET LOCAL statement_timeout = 0"); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
			return fmt.Errorf("migrate: wait for other migrations: %w", err)
		}
		if _, err := tx.Exec(ctx, `
CREATE TABLE IF NOT EXISTS kiosque_schema (
	version integer PRIMARY KEY,
	applied timestamptz NOT NULL DEFAULT now()
)`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		var version int
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM kiosque_schema").Scan(&version); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		latest := len(migrations) - 1
		if version > latest {
			return fmt.Errorf("schema version %d is newer than this program knows (%d): run a newer kiosque", version, latest)
		}
		for v := version + 1; v <= latest; v++ {
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migrate to schema %d: %w", v, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO kiosque_schema (version) VALUES ($1)", v); err != nil {
				return fmt.Errorf("migrate to schema %d: %w", v, err)
			}
		}
		return nil
	})
}

// checkVersion refuses a schema of another version than this program's,
// changing nothing.
func checkVersion(ctx context.Context, pool *pgxpool.Pool) error {
	var prepared bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass('kiosque_schema') IS NOT NULL").Scan(&prepared); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if !prepared {
		return errors.New("no Kiosque schema in this database: start a kiosque server on it first (it prepares the database)")
	}
	var version int
	if err := pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM kiosque_schema").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if latest := len(migrations) - 1; version != latest {
		return fmt.Errorf("its schema is version %d, this program's is %d: use the kiosque that serves it (a server of this release migrates the database when it starts)", version, latest)
	}
	return nil
}
