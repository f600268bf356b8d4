package store

import (
	"context"
	"time"
)

// SettingsStore keeps the settings each server sharing the store runs
// with, among those that must agree across them (a server that fetches
// images from private addresses beside one that does not answers 200 and
// 502 for one image), so that a server can tell at start which differ.
type SettingsStore interface {
	// RecordSettings records the settings of the server named server,
	// replacing those it recorded before, and returns those the other
	// servers recorded since since (a server recorded long ago is gone).
	RecordSettings(ctx context.Context, server string, settings map[string]string, since time.Time) ([]ServerSettings, error)
}

// ServerSettings are the settings one server recorded, and when.
type ServerSettings struct {
	Server   string
	Settings map[string]string
	Recorded time.Time
}
