package server

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// The plugin is a zip to download, set to the server's public URL, else
// to the address it was asked at; HEAD and If-None-Match are answered.
func TestWordPressPluginZip(t *testing.T) {
	for _, tc := range []struct {
		name, publicURL, host, want string
	}{
		{"public URL", "https://widget.example", "other.example", "https://widget.example"},
		{"the request's origin", "", "kiosque.test:8080", "http://kiosque.test:8080"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newTestServerWith(t, func(c *Config) { c.PublicURL = tc.publicURL })
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/wordpress/kiosque.zip", nil)
			req.Host = tc.host
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" ||
				!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("got %s, %s, %s", res.Status, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
			}
			z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
			if err != nil {
				t.Fatal(err)
			}
			main, err := z.Open("kiosque/kiosque.php")
			if err != nil {
				t.Fatal(err)
			}
			php, _ := io.ReadAll(main)
			if line := "define( 'KIOSQUE_DEFAULT_SERVER', '" + tc.want + "' );"; !bytes.Contains(php, []byte(line)) {
				t.Errorf("the plugin is not set to %s", tc.want)
			}

			req.Method = http.MethodHead
			req.Header.Set("If-None-Match", res.Header.Get("ETag"))
			again, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			again.Body.Close()
			if again.StatusCode != http.StatusNotModified {
				t.Errorf("HEAD with If-None-Match %s: %s, want 304", res.Header.Get("ETag"), again.Status)
			}
		})
	}
}

// A Host header that cannot go into the plugin's PHP gets an error, not a
// plugin.
func TestWordPressPluginRefusesABadHost(t *testing.T) {
	srv := newTestServer(t)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/wordpress/kiosque.zip", nil)
	req.Host = "evil.example'"
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("got %s %s, want a 400 problem", res.Status, res.Header.Get("Content-Type"))
	}
}
