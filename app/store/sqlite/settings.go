package sqlite

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
	if _, err := s.db.ExecContext(ctx, `
INSERT INTO server_settings (server, settings, recorded) VALUES (?, ?, ?)
ON CONFLICT (server) DO UPDATE SET settings = excluded.settings, recorded = excluded.recorded`,
		server, string(encoded), time.Now().UnixMilli()); err != nil {
		return nil, fmt.Errorf("record settings: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT server, settings, recorded FROM server_settings WHERE server <> ? AND recorded >= ? ORDER BY server`,
		server, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("read the servers' settings: %w", err)
	}
	defer rows.Close()
	var others []store.ServerSettings
	for rows.Next() {
		var (
			o        store.ServerSettings
			raw      string
			recorded int64
		)
		if err := rows.Scan(&o.Server, &raw, &recorded); err != nil {
			return nil, fmt.Errorf("read the servers' settings: %w", err)
		}
		if err := json.Unmarshal([]byte(raw), &o.Settings); err != nil {
			return nil, fmt.Errorf("read the settings of %s: %w", o.Server, err)
		}
		o.Recorded = time.UnixMilli(recorded)
		others = append(others, o)
	}
	return others, rows.Err()
}
