// Package assets serves the site's static files from memory: the files of
// the web/ folder at paths named by their content, so that browsers keep
// them for good, and the files go-app generates (app.js, wasm_exec.js, the
// service worker) at their fixed paths. Each is minified (tdewolff/minify),
// tagged and compressed once, when the server starts.
package assets

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/http/httptest"
	"path"
	"sort"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/etag"
	"github.com/tdewolff/minify/v2"
)

// Assets serves static files, each prepared once (app/answers).
type Assets struct {
	byPath  map[string]*file
	renamed map[string]string // "/web/x.css" → "/web/x.<hash>.css"
	version string            // content hash of the wasm
	release string            // content hash of every file
	common  http.Header       // headers every file carries
}

// file is a static file and the answer it is served as.
type file struct {
	contentType string
	body        []byte
	tag         string
	gzip        []byte // precompressed forms, if made ahead
	brotli      []byte
	ready       *answers.Ready
}

// The Cache-Control of files: those named by their content never change;
// the others (a plain path, go-app's files) are checked at every use.
const (
	cacheForGood = "public, max-age=31536000, immutable"
	cacheRecheck = "no-cache"
)

// runtimePaths are the files go-app generates, served at fixed paths.
var runtimePaths = []string{"/app.js", "/wasm_exec.js", "/app-worker.js", "/manifest.webmanifest", "/app.css"}

// LoadWeb reads every file of web (the web/ folder), minifies it and names it
// by its content. A file "app.wasm.br" or "app.wasm.gz" beside "app.wasm" is
// taken as its precompressed form (make build writes them: compressing 7 MB
// at its best level at every start would take seconds).
//
// Every file carries the common headers given, and headers of its own:
// Content-Type, Cache-Control, and Access-Control-Allow-Origin (sandboxed
// frames, such as WordPress's oEmbed iframes, fetch the wasm from origin
// null).
func LoadWeb(web fs.FS, common http.Header) (*Assets, error) {
	a := &Assets{byPath: map[string]*file{}, renamed: map[string]string{}, common: common}
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
		ctype, small, minified, err := minifyFile(m, name, body)
		if err != nil {
			return err
		}
		var gz, br []byte
		if !minified { // what is precompressed is the file as it is
			gz, br = precompressed(web, name, ".gz", small), precompressed(web, name, ".br", small)
		}
		tag := etag.Of(small)
		logical := "/web/" + name
		served := contentPath(logical, tag)
		a.renamed[logical] = served
		a.byPath[served] = a.newFile(ctype, small, tag, gz, br, cacheForGood)
		// The plain path serves too, for links made without Resolve; it
		// must be revalidated, as its content changes between releases.
		a.byPath[logical] = a.newFile(ctype, small, tag, gz, br, cacheRecheck)
		if name == "app.wasm" {
			a.version = strings.Trim(tag, `"`)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load web assets: %w", err)
	}
	a.release = a.hashAll()
	return a, nil
}

// newFile prepares a file for serving.
func (a *Assets) newFile(contentType string, body []byte, tag string, gz, br []byte, cacheControl string) *file {
	h := a.common.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", cacheControl)
	h.Set("Access-Control-Allow-Origin", "*")
	ready := answers.Prepare(answers.Answer{Header: h, Body: body, Tag: tag, Gzip: gz, Brotli: br, Effort: answers.Best})
	return &file{contentType: contentType, body: body, tag: tag, gzip: gz, brotli: br, ready: ready}
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
		all.WriteString(p + " " + a.byPath[p].tag + "\n")
	}
	return strings.Trim(etag.Of(all.Bytes()), `"`)
}

// precompressed reads name+ext when it was made from body: a file left by
// an earlier build must not be served. Files on disk tell by their times
// (it must not be older than name); files built into the binary have
// none, and are decompressed and compared, once, at start.
func precompressed(web fs.FS, name, ext string, body []byte) []byte {
	src, err := fs.Stat(web, name)
	if err != nil {
		return nil
	}
	pre, err := fs.Stat(web, name+ext)
	if err != nil {
		return nil
	}
	packed, err := fs.ReadFile(web, name+ext)
	if err != nil {
		return nil
	}
	if !src.ModTime().IsZero() && !pre.ModTime().IsZero() {
		if pre.ModTime().Before(src.ModTime()) {
			return nil
		}
		return packed
	}
	var r io.Reader
	switch ext {
	case ".gz":
		zr, err := gzip.NewReader(bytes.NewReader(packed))
		if err != nil {
			return nil
		}
		r = zr
	case ".br":
		r = brotli.NewReader(bytes.NewReader(packed))
	default:
		return nil
	}
	unpacked, err := io.ReadAll(io.LimitReader(r, int64(len(body))+1))
	if err != nil || !bytes.Equal(unpacked, body) {
		return nil
	}
	return packed
}

// Version is the release version: the content hash of the wasm, the same
// across restarts and replicas of one build. Empty when no wasm was built.
func (a *Assets) Version() string { return a.version }

// AddRuntime asks go-app's handler for the files it generates and serves
// them minified. Call it once, after the handler knows a.Resolve.
func (a *Assets) AddRuntime(goapp http.Handler) error {
	for _, p := range runtimePaths {
		rec := httptest.NewRecorder()
		goapp.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != http.StatusOK {
			return fmt.Errorf("generate %s: go-app answered %d: %.200s", p, rec.Code, rec.Body)
		}
		if err := a.Add(p, rec.Body.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// Add serves body at path, a file the server generates (such as the web
// manifest), minified and compressed like the others, revalidated by ETag.
func (a *Assets) Add(path string, body []byte) error {
	ctype, small, _, err := minifyFile(NewMinifier(), path, body)
	if err != nil {
		return err
	}
	a.byPath[path] = a.newFile(ctype, small, etag.Of(small), nil, nil, cacheRecheck)
	a.release = a.hashAll()
	return nil
}

// ServeAs returns the web file at asset with a Cache-Control of its own,
// for a fixed path other sites name (/embed.js, /robots.txt).
func (a *Assets) ServeAs(asset, cacheControl string) (*answers.Ready, bool) {
	f, ok := a.byPath[asset]
	if !ok {
		return nil, false
	}
	return a.newFile(f.contentType, f.body, f.tag, f.gzip, f.brotli, cacheControl).ready, true
}

// Lookup returns the file served at p.
func (a *Assets) Lookup(p string) (*answers.Ready, bool) {
	f, ok := a.byPath[p]
	if !ok {
		return nil, false
	}
	return f.ready, true
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

// ServeHTTP serves a file in the encoding the client takes best.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byPath[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	f.ready.ServeHTTP(w, r)
}

// minifyFile minifies a file when its type has a minifier, and says its
// content type and whether it changed.
func minifyFile(m *minify.M, name string, body []byte) (ctype string, out []byte, minified bool, err error) {
	ctype = mime.TypeByExtension(path.Ext(name))
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
	if _, _, fn := m.Match(mediatype); fn != nil {
		small, err := m.Bytes(mediatype, body)
		if err != nil {
			return "", nil, false, fmt.Errorf("minify %s: %w", name, err)
		}
		return ctype, small, true, nil
	}
	return ctype, body, false, nil
}

// contentPath puts a short content hash before a file's extension:
// /web/kiosque.css → /web/kiosque.1a2b3c4d5e6f.css.
func contentPath(p, tag string) string {
	hash := strings.Trim(tag, `"`)[:12]
	ext := path.Ext(p)
	return strings.TrimSuffix(p, ext) + "." + hash + ext
}
