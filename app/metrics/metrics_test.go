package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

// kiosque_leader follows the server's leadership at each scrape;
// kiosque_build_info names the release.
func TestLeaderAndReleaseAreReported(t *testing.T) {
	m := New()
	var leading atomic.Bool
	m.WatchLeader(leading.Load)
	m.Release("v0.3.0+abc", "go1.26.8", "v10.1.0")
	if text := scrape(t, m); !strings.Contains(text, "\nkiosque_leader 0\n") {
		t.Errorf("a follower's metrics lack kiosque_leader 0:\n%s", text)
	}
	leading.Store(true)
	text := scrape(t, m)
	for _, want := range []string{"\nkiosque_leader 1\n", `kiosque_build_info{go="go1.26.8",goapp="v10.1.0",release="v0.3.0+abc"} 1`} {
		if !strings.Contains(text, want) {
			t.Errorf("the metrics lack %s:\n%s", want, text)
		}
	}
}
