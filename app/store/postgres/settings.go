package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kiosque/kiosque/app/store"
)

// RecordSettings records a server's settings, and returns the others'
// recorded since since.
func (s *Store) RecordSettings(ctx context.Context, server string, settings map[string]string, since time.Time) ([]store.ServerSettings, error) {
	encoded, err := json.Marshal(settings)
	if err != nil {
		return nil, fmt.Errorf("record settings: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `
INSERT INTO server_settings (server, settings, recorded) VALUES ($1, $2, now())
ON CONFLICT (server) DO UPDATE SET settings = excluded.settings, recorded = excluded.recorded`,
		server, encoded); err != nil {
		return nil, fmt.Errorf("record settings: %w", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT server, settings, recorded FROM server_settings WHERE server <> $1 AND recorded >= $2 ORDER BY server`,
		server, since)
	if err != nil {
		return nil, fmt.Errorf("read the servers' settings: %w", err)
	}
	defer rows.Close()
	var others []store.ServerSettings
	for rows.Next() {
		var (
			o   store.ServerSettings
			raw []byte
		)
		if err := rows.Scan(&o.Server, &raw, &o.Recorded); err != nil {
			return nil, fmt.Errorf("read the servers' settings: %w", err)
		}
		if err := json.Unmarshal(raw, &o.Settings); err != nil {
			return nil, fmt.Errorf("read the settings of %s: %w", o.Server, err)
		}
		others = append(others, o)
	}
	return others, rows.Err()
}
