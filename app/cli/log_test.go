//go:build !wasm

package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// With -access-log, every request has its line, those answered from
// memory too; -log-format json makes every line a JSON object; stdout,
// no terminal, gets nothing.
func TestAccessLogInJSONNamesKeptAndBuiltAnswers(t *testing.T) {
	base, stdout, log, stop := serveWithOutput(t, noEnv, "-data", t.TempDir(), "-web", webDir,
		"-access-log", "-log-format", "json", "-insights=false", "-admin-token", "an-admin-token-of-24-chars")
	for _, path := range []string{"/", "/", "/api/v1/articles", "/api/v1/articles", "/no-such-page"} {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	type request struct {
		Msg, Method, Path, Answer string
		Status                    int
		Bytes                     int64
		Took                      float64
	}
	var requests []request
	answers := map[string]int{}
	warned := false
	for line := range strings.Lines(log.String()) {
		var r request
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Errorf("a log line is not JSON: %v\n%s", err, line)
			continue
		}
		warned = warned || strings.Contains(line, "-insights=false turns the dashboard off")
		if r.Msg == "request" {
			requests = append(requests, r)
			answers[r.Path+" "+r.Answer]++
		}
	}
	if len(requests) != 5 {
		t.Errorf("%d requests logged, want the 5 made: %+v", len(requests), requests)
	}
	for _, r := range requests {
		if r.Method != "GET" || r.Status == 0 || r.Bytes == 0 || r.Took <= 0 || (r.Answer != "kept" && r.Answer != "built") {
			t.Errorf("a request's line lacks a field: %+v", r)
		}
		if r.Path == "/no-such-page" && r.Status != http.StatusNotFound {
			t.Errorf("/no-such-page logged with status %d", r.Status)
		}
	}
	if answers["/ kept"] == 0 || answers["/api/v1/articles kept"] == 0 {
		t.Errorf("answers served from memory are not logged as kept: %v", answers)
	}
	if !warned {
		t.Errorf("-insights=false with -admin-token: no warning that the dashboard is off:\n%s", log)
	}
	if stdout.String() != "" {
		t.Errorf("serve printed on a stdout that is no terminal: %q", stdout.String())
	}
}
