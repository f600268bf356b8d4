//go:build !wasm

package cli

import (
	"io"
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/store/pgtest"
)

func TestRedactURLHidesEveryPassword(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"postgres://kiosque:secret@db.internal/kiosque", "postgres://kiosque:xxxxx@db.internal/kiosque"},
		{"postgres://kiosque@db.internal/kiosque?sslmode=require&password=secret", "postgres://kiosque@db.internal/kiosque?password=xxxxx&sslmode=require"},
		{"postgresql://db.internal/kiosque?sslpassword=secret&PASSWORD=secret", "postgresql://db.internal/kiosque?PASSWORD=xxxxx&sslpassword=xxxxx"},
		{"host=db.internal password=secret dbname=kiosque", "host=db.internal password=xxxxx dbname=kiosque"},
		{"host=db.internal sslpassword = 'se cret\\' too' dbname=kiosque", "host=db.internal sslpassword = xxxxx dbname=kiosque"},
		{"password=secret", "password=xxxxx"},
		{"postgres://kiosque:secret@db.internal:port/kiosque", "(a URL that does not parse)"},
	} {
		if got := redactURL(tc.raw); got != tc.want || strings.Contains(got, "secret") || strings.Contains(got, "cret") {
			t.Errorf("redactURL(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}

// The log says which store a server uses, and no password given to reach
// it: neither the URL's nor those of its query.
func TestTheServingLineShowsNoPassword(t *testing.T) {
	cluster := pgtest.Start(t)
	db := cluster.CreateDatabase(t, "redact") // trust: any password is taken
	withSecrets := strings.Replace(db, "postgres@", "postgres:hunter2-user@", 1) + "&password=hunter2-query&sslpassword=hunter2-ssl"
	_, log, stop := serveWith(t, noEnv, "-store", withSecrets, "-data", t.TempDir(), "-web", webDir)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), `msg=serving`) || !strings.Contains(log.String(), `store="postgres://postgres:xxxxx@`) {
		t.Errorf("no serving line naming the store:\n%s", log)
	}
	if strings.Contains(log.String(), "hunter2") {
		t.Errorf("the log shows a password:\n%s", log)
	}

	err := Run(t.Context(), []string{"serve", "-store", "postgres://kiosque:hunter2-user@127.0.0.1:1/kiosque?connect_timeout=2&password=hunter2-query"}, noEnv, io.Discard, io.Discard)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("a store that does not answer: %v, want an error without the password", err)
	}
}
