package build

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/http/httptest"
	"path"
	"sort"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/kiosque/kiosque/app/etag"
	"github.com/kiosque/kiosque/app/negotiate"
	"github.com/tdewolff/minify/v2"
)

// Assets serves static files from memory: the files under web/ at
// content-named paths, and the runtime files go-app generates (app.js,
// wasm_exec.js, app-worker.js, the manifest) at their fixed paths. Everything
// is minified, given an ETag from its content and compressed at load time.
type Assets struct {
	byPath  map[string]*asset // served path → file
	renamed map[string]string // "/web/x.css" → "/web/x.<hash>.css"
	version string            // content hash of the wasm
	release string            // content hash of every file
}

type asset struct {
	contentType string
	etag        string
	immutable   bool // served at a content-named path
	minified    bool // raw differs from the file it was made from
	raw         []byte
	gzip        []byte
	brotli      []byte
}

// runtimePaths are the files go-app generates, served at fixed paths.
var runtimePaths = []string{"/app.js", "/wasm_exec.js", "/app-worker.js", "/manifest.webmanifest", "/app.css"}

// LoadWeb reads every file of web (the web/ folder), minifies it and names it
// by its content. A file "app.wasm.br" or "app.wasm.gz" beside "app.wasm" is
// taken as its precompressed form (make build writes them: compressing 7 MB
// at every start would be slow).
func LoadWeb(web fs.FS) (*Assets, error) {
	a := &Assets{byPath: map[string]*asset{}, renamed: map[string]string{}}
	m := NewMinifier()
	err := fs.WalkDir(web, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && name != "." {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") {
			return nil
		}
		body, err := fs.ReadFile(web, name)
		if err != nil {
			return fmt.Errorf("read web/%s: %w", name, err)
		}
		f, err := newAsset(m, name, body)
		if err != nil {
			return err
		}
		if !f.minified {
			f.brotli = precompressed(web, name, ".br")
			f.gzip = precompressed(web, name, ".gz")
		}
		if err := f.compress(); err != nil {
			return fmt.Errorf("compress web/%s: %w", name, err)
		}
		logical := "/web/" + name
		served := contentPath(logical, f.etag)
		a.renamed[logical] = served
		a.byPath[served] = f
		// The plain path serves too, for links made without Resolve; it
		// must be revalidated, as its content changes between releases.
		plain := *f
		plain.immutable = false
		a.byPath[logical] = &plain
		if name == "app.wasm" {
			a.version = strings.Trim(f.etag, `"`)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load web assets: %w", err)
	}
	a.release = a.hashAll()
	return a, nil
}

// Release is a content hash of every file served: pages built with these
// files change when it does.
func (a *Assets) Release() string { return a.release }

func (a *Assets) hashAll() string {
	paths := make([]string, 0, len(a.byPath))
	for p := range a.byPath {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var all bytes.Buffer
	for _, p := range paths {
		all.WriteString(p + " " + a.byPath[p].etag + "\n")
	}
	return strings.Trim(etag.Of(all.Bytes()), `"`)
}

// precompressed reads name+ext, unless it is older than name: then it was
// made from an earlier build and must not be served.
func precompressed(web fs.FS, name, ext string) []byte {
	src, err := fs.Stat(web, name)
	if err != nil {
		return nil
	}
	pre, err := fs.Stat(web, name+ext)
	if err != nil || pre.ModTime().Before(src.ModTime()) {
		return nil
	}
	body, err := fs.ReadFile(web, name+ext)
	if err != nil {
		return nil
	}
	return body
}

// Version is the release version: the content hash of the wasm, the same
// across restarts and replicas of one build. Empty when no wasm was built.
func (a *Assets) Version() string { return a.version }

// AddRuntime asks go-app's handler for the files it generates and serves
// them minified. Call it once, after the handler knows a.Resolve.
func (a *Assets) AddRuntime(goapp http.Handler) error {
	m := NewMinifier()
	for _, p := range runtimePaths {
		rec := httptest.NewRecorder()
		goapp.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != http.StatusOK {
			return fmt.Errorf("generate %s: go-app answered %d", p, rec.Code)
		}
		f, err := newAsset(m, p, rec.Body.Bytes())
		if err != nil {
			return err
		}
		f.immutable = false
		if err := f.compress(); err != nil {
			return fmt.Errorf("compress %s: %w", p, err)
		}
		a.byPath[p] = f
	}
	a.release = a.hashAll()
	return nil
}

// Add serves body at path, a file the server generates (such as the web
// manifest), minified and compressed like the others, revalidated by ETag.
func (a *Assets) Add(path string, body []byte) error {
	f, err := newAsset(NewMinifier(), path, body)
	if err != nil {
		return err
	}
	f.immutable = false
	if err := f.compress(); err != nil {
		return fmt.Errorf("compress %s: %w", path, err)
	}
	a.byPath[path] = f
	a.release = a.hashAll()
	return nil
}

// Resolve returns the path a web file is served at; go-app calls it for
// every "/web/..." it writes. Unknown paths are returned as they are.
func (a *Assets) Resolve(p string) string {
	if served, ok := a.renamed[p]; ok {
		return served
	}
	return p
}

// Has reports whether p is a path the assets serve.
func (a *Assets) Has(p string) bool {
	_, ok := a.byPath[p]
	return ok
}

// ServeHTTP serves a file in the encoding the client accepts.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byPath[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", f.etag)
	h.Set("Vary", "Accept-Encoding")
	h.Set("X-Content-Type-Options", "nosniff")
	// Sandboxed frames (WordPress's oEmbed iframes) fetch the wasm from
	// origin null.
	h.Set("Access-Control-Allow-Origin", "*")
	if f.immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if etag.Matches(r.Header.Get("If-None-Match"), f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.raw
	switch accepts := r.Header.Get("Accept-Encoding"); {
	case f.brotli != nil && negotiate.AcceptsEncoding(accepts, "br"):
		h.Set("Content-Encoding", "br")
		h.Set("ETag", etag.Encoded(f.etag, "br"))
		body = f.brotli
	case f.gzip != nil && negotiate.AcceptsEncoding(accepts, "gzip"):
		h.Set("Content-Encoding", "gzip")
		h.Set("ETag", etag.Encoded(f.etag, "gzip"))
		body = f.gzip
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

func newAsset(m *minify.M, name string, body []byte) (*asset, error) {
	ctype := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".webmanifest":
		ctype = "application/manifest+json"
	case ".wasm":
		ctype = "application/wasm"
	case ".js":
		ctype = "text/javascript; charset=utf-8"
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	mediatype, _, _ := mime.ParseMediaType(ctype)
	minified := false
	if _, _, fn := m.Match(mediatype); fn != nil {
		small, err := m.Bytes(mediatype, body)
		if err != nil {
			return nil, fmt.Errorf("minify %s: %w", name, err)
		}
		body, minified = small, true
	}
	return &asset{
		contentType: ctype,
		etag:        etag.Of(body),
		immutable:   true,
		minified:    minified,
		raw:         body,
	}, nil
}

// compress fills in the compressed forms a file is worth having. Big files
// must come precompressed for brotli: its best level takes seconds per MB.
func (f *asset) compress() error {
	if len(f.raw) < 512 || isCompressed(f.contentType) {
		return nil
	}
	if f.gzip == nil {
		// A big file that came without its precompressed form (make dev)
		// gets the default level: the best one takes seconds.
		level := gzip.BestCompression
		if len(f.raw) > 1<<20 {
			level = gzip.DefaultCompression
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, level)
		zw.Write(f.raw)
		if err := zw.Close(); err != nil {
			return err
		}
		f.gzip = b.Bytes()
	}
	if f.brotli == nil && len(f.raw) < 1<<20 {
		f.brotli = Brotli(f.raw)
	}
	return nil
}

// Brotli compresses b at brotli's best level.
func Brotli(b []byte) []byte {
	var out bytes.Buffer
	bw := brotli.NewWriterLevel(&out, brotli.BestCompression)
	bw.Write(b)
	bw.Close()
	return out.Bytes()
}

func isCompressed(contentType string) bool {
	return strings.HasPrefix(contentType, "image/png") || strings.HasPrefix(contentType, "image/jpeg") ||
		strings.HasPrefix(contentType, "image/webp") || strings.HasPrefix(contentType, "font/woff")
}

// contentPath puts a short content hash before a file's extension:
// /web/kiosque.css → /web/kiosque.1a2b3c4d5e6f.css.
func contentPath(p, etag string) string {
	hash := strings.Trim(etag, `"`)[:12]
	ext := path.Ext(p)
	return strings.TrimSuffix(p, ext) + "." + hash + ext
}
