//go:build !wasm

package cli

import (
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/webtest"
)

// A token easy to guess is refused, with what is wanted and how to make
// one; a random one is taken.
func TestAnAdminTokenEasyToGuessIsRefused(t *testing.T) {
	for _, weak := range []string{
		strings.Repeat("a", 16), strings.Repeat("a", 40), strings.Repeat("ab", 8), "1234567812345678",
		"aaaaaaaaaaaaaaaaB1", "court", "kiosquekiosquekiosque",
	} {
		_, err := parseServeFlags([]string{"-admin-token", weak}, noEnv, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "at least 16 characters and about 64 bits") || !strings.Contains(err.Error(), "openssl rand -base64 24") {
			t.Errorf("-admin-token %q: %v, want it refused, saying what is wanted", weak, err)
		}
	}
	for range 100 {
		random := make([]byte, 24)
		rand.Read(random)
		token := base64.StdEncoding.EncodeToString(random) // as openssl rand -base64 24
		if _, err := adminToken(token, ""); err != nil {
			t.Errorf("a random token %q: %v", token, err)
		}
	}
	if _, err := adminToken("q3V9xT2mLp8RzK4w", ""); err != nil {
		t.Errorf("a token of 16 different letters and digits: %v", err)
	}
}

// -admin-token-file (KIOSQUE_ADMIN_TOKEN_FILE) reads the token from a
// file, which ps does not show; its trailing newline is not part of it.
func TestTheAdminTokenIsReadFromAFile(t *testing.T) {
	const token = "Zq3V9xT2mLp8RzK4wNc7Yb1Hf0s="
	file := filepath.Join(t.TempDir(), "admin-token")
	if err := os.WriteFile(file, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base, stop := serveUntilCancelled(t, "-data", t.TempDir(), "-web", webDir, "-admin-token-file", file)
	defer stop()
	if res, _ := webtest.Get(t, base+"/insights", "Authorization", "Bearer "+token); res.StatusCode != http.StatusOK {
		t.Errorf("/insights with the file's token: %s", res.Status)
	}
	if res, _ := webtest.Get(t, base+"/insights", "Authorization", "Bearer "+strings.ToLower(token)); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("/insights with another token: %s", res.Status)
	}

	env := func(name string) string {
		if name == "KIOSQUE_ADMIN_TOKEN_FILE" {
			return file
		}
		return ""
	}
	c, err := parseServeFlags(nil, env, io.Discard)
	if err != nil || c.insights.AdminToken != token {
		t.Errorf("KIOSQUE_ADMIN_TOKEN_FILE: token %q, %v", c.insights.AdminToken, err)
	}

	weak := filepath.Join(t.TempDir(), "weak")
	os.WriteFile(weak, []byte(strings.Repeat("a", 16)+"\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-admin-token-file", weak}, "too easy to guess"},
		{[]string{"-admin-token-file", filepath.Join(t.TempDir(), "missing")}, "no such file"},
		{[]string{"-admin-token-file", file, "-admin-token", token}, "not both"},
	} {
		if _, err := parseServeFlags(tc.args, noEnv, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("serve %s: %v, want an error saying %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
}
