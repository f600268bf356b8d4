//go:build !wasm

package cli

import (
	"context"
	"fmt"
	"net/url"

	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/postgres"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// openStore opens PostgreSQL at storeURL, else SQLite in the data folder.
func openStore(ctx context.Context, storeURL, dataDir string) (store.Backend, error) {
	if storeURL == "" {
		return sqlite.Open(ctx, dataDir)
	}
	st, err := postgres.Open(ctx, storeURL, postgres.Options{})
	if err != nil {
		return nil, fmt.Errorf("open the store at %s: %w", redactURL(storeURL), err)
	}
	return st, nil
}

// storeName names the store in the log, without a password.
func (c serveConfig) storeName() string {
	if c.storeURL != "" {
		return redactURL(c.storeURL)
	}
	return "sqlite:" + c.dataDir
}

// redactURL is a URL with its password replaced, for messages and logs.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse)"
	}
	return u.Redacted()
}
