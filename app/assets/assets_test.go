package assets

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/andybalholm/brotli"
)

var styleSheet = strings.Repeat("/* a comment */\n.card {\n  color: red;\n}\n", 40)

func testWeb() fstest.MapFS {
	now := time.Now()
	return fstest.MapFS{
		"kiosque.css": {Data: []byte(styleSheet), ModTime: now},
		"app.wasm":    {Data: bytes.Repeat([]byte("wasm"), 500), ModTime: now},
		// Left by an earlier build: another wasm. Files built into the
		// binary have no times, so none tells it apart.
		"app.wasm.br":      {Data: brotliOf([]byte("an older wasm"))},
		"icons/icon.svg":   {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1">  <rect width="1" height="1"/>  </svg>`), ModTime: now},
		"icons/.gitignore": {Data: []byte("x"), ModTime: now},
	}
}

func serve(t *testing.T, a *Assets, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

func TestFilesAreMinifiedAndNamedByContent(t *testing.T) {
	a, err := LoadWeb(testWeb(), nil)
	if err != nil {
		t.Fatal(err)
	}
	served := a.Resolve("/web/kiosque.css")
	if served == "/web/kiosque.css" || !strings.HasPrefix(served, "/web/kiosque.") || !strings.HasSuffix(served, ".css") {
		t.Fatalf("Resolve gave %q, want a content-named path", served)
	}
	res, body := serve(t, a, served)
	if res.StatusCode != 200 || strings.Contains(string(body), "comment") || len(body) >= len(styleSheet) {
		t.Errorf("status %d, %d bytes from %d: not minified", res.StatusCode, len(body), len(styleSheet))
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("content-named file: Cache-Control %q", cc)
	}
	res, _ = serve(t, a, "/web/kiosque.css")
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("plain path: %d, Cache-Control %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	if a.Has("/web/icons/.gitignore") {
		t.Error("hidden files are served")
	}
	if a.Version() == "" || a.Release() == "" {
		t.Error("no version for a web folder with a wasm")
	}
}

func TestEncodingsAndConditionalRequests(t *testing.T) {
	a, err := LoadWeb(testWeb(), nil)
	if err != nil {
		t.Fatal(err)
	}
	path := a.Resolve("/web/kiosque.css")
	_, plain := serve(t, a, path)

	res, body := serve(t, a, path, "Accept-Encoding", "gzip, br")
	if res.Header.Get("Content-Encoding") != "br" {
		t.Fatalf("Content-Encoding %q, want br", res.Header.Get("Content-Encoding"))
	}
	if got, _ := io.ReadAll(brotli.NewReader(bytes.NewReader(body))); !bytes.Equal(got, plain) {
		t.Error("brotli body does not decode to the file")
	}
	res, body = serve(t, a, path, "Accept-Encoding", "gzip, br;q=0")
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("br;q=0: Content-Encoding %q, want gzip", res.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(zr); !bytes.Equal(got, plain) {
		t.Error("gzip body does not decode to the file")
	}
	if res.Header.Get("Vary") != "Accept-Encoding" || res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("headers: %v", res.Header)
	}
	again, body := serve(t, a, path, "If-None-Match", res.Header.Get("ETag"))
	if again.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("If-None-Match: %d with %d bytes", again.StatusCode, len(body))
	}
}

func TestStalePrecompressedFileIsIgnored(t *testing.T) {
	a, err := LoadWeb(testWeb(), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, body := serve(t, a, a.Resolve("/web/app.wasm"), "Accept-Encoding", "br")
	if bytes.Equal(body, brotliOf([]byte("an older wasm"))) {
		t.Fatal("served a .br file of another wasm")
	}
	if res.Header.Get("Content-Type") != "application/wasm" {
		t.Errorf("Content-Type %q", res.Header.Get("Content-Type"))
	}
}

func TestUnknownPathIs404(t *testing.T) {
	a, err := LoadWeb(testWeb(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := serve(t, a, "/web/nope.css"); res.StatusCode != http.StatusNotFound {
		t.Errorf("got %d", res.StatusCode)
	}
}

func TestMatchingPrecompressedFileIsServedAsItIs(t *testing.T) {
	web := testWeb()
	wasm := web["app.wasm"].Data
	// Made at a level the server does not use, so that its bytes tell.
	var packed bytes.Buffer
	w := brotli.NewWriterLevel(&packed, 1)
	w.Write(wasm)
	w.Close()
	web["app.wasm.br"] = &fstest.MapFile{Data: packed.Bytes()}
	a, err := LoadWeb(web, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, body := serve(t, a, a.Resolve("/web/app.wasm"), "Accept-Encoding", "br")
	if !bytes.Equal(body, packed.Bytes()) {
		t.Fatal("the .br file made from this wasm was not served")
	}
}

func brotliOf(b []byte) []byte {
	var packed bytes.Buffer
	w := brotli.NewWriterLevel(&packed, brotli.BestCompression)
	w.Write(b)
	w.Close()
	return packed.Bytes()
}
