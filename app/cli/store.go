//go:build !wasm

package cli

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

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

// redactURL is the store's connection string with its passwords hidden,
// for messages and logs: a URL's user password (which url.Redacted
// hides), and the password and sslpassword parameters, of a URL's query
// or of the keyword=value form.
func redactURL(raw string) string {
	if !strings.Contains(raw, "://") {
		return secretKeywords.ReplaceAllString(raw, "${1}xxxxx")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse)"
	}
	q := u.Query()
	for name := range q {
		if isSecretParam(name) {
			q[name] = []string{"xxxxx"}
		}
	}
	u.RawQuery = q.Encode()
	return u.Redacted()
}

// isSecretParam says whether a connection parameter holds a secret.
func isSecretParam(name string) bool {
	return strings.EqualFold(name, "password") || strings.EqualFold(name, "sslpassword")
}

// secretKeywords finds the values of password and sslpassword in the
// keyword=value form (password=secret, password = 'se cret').
var secretKeywords = regexp.MustCompile(`(?i)((?:^|\s)(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)`)
