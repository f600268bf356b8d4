package media_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/media"
	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
	"github.com/kiosque/kiosque/app/webtest"
)

// upstream is a publisher's site serving images, good and bad, and
// counting the requests for each path.
type upstream struct {
	*httptest.Server
	png, jpeg []byte
	gate      chan struct{} // /slow.png answers once it is closed

	mu   sync.Mutex
	hits map[string]int
}

func newUpstream(t *testing.T) *upstream {
	t.Helper()
	u := &upstream{png: encode(t, png.Encode), jpeg: encode(t, func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) }),
		gate: make(chan struct{}), hits: make(map[string]int)}
	mux := http.NewServeMux()
	serve := func(contentType string, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.Write(body)
		}
	}
	mux.Handle("/photo.png", serve("image/png", u.png))
	// Labels lie both ways: the bytes decide.
	mux.Handle("/photo.jpg", serve("application/octet-stream", u.jpeg))
	mux.Handle("/page.jpg", serve("image/jpeg", []byte("<!doctype html><script>alert(1)</script>")))
	mux.Handle("/drawing.svg", serve("image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)))
	mux.HandleFunc("/broken.png", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux.HandleFunc("/huge.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(u.png[:16]) // a PNG's start, then far too much
		chunk := make([]byte, 64<<10)
		for sent := 0; sent < media.MaxBytes+(1<<20); sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/slow.png", func(w http.ResponseWriter, r *http.Request) {
		<-u.gate
		serve("image/png", u.png)(w, r)
	})
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.hits[r.URL.Path]++
		u.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) hitsOf(path string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.hits[path]
}

func encode(t *testing.T, enc func(io.Writer, image.Image) error) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 4, 3))
	m.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := enc(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// kiosque is the media handler on a real store, mounted as the server
// mounts it.
type kiosque struct {
	*httptest.Server
	store   *sqlite.Store
	handler *media.Handler
	dataDir string
}

func newKiosque(t *testing.T, dataDir string) *kiosque {
	t.Helper()
	st, err := sqlite.Open(context.Background(), dataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// The upstream servers of these tests are on loopback.
	client := fetch.New(fetch.Options{MaxBytes: media.MaxBytes, Timeout: 20 * time.Second})
	h, err := media.New(st, dataDir, media.Options{Client: client, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/media/{key}", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &kiosque{Server: srv, store: st, handler: h, dataDir: dataDir}
}

// record records src as an import does, and returns its local path.
func (k *kiosque) record(t *testing.T, src string) string {
	t.Helper()
	if err := k.store.PutMedia(context.Background(), store.Media{Key: mediakey.Of(src), URL: src}); err != nil {
		t.Fatal(err)
	}
	return mediakey.Path(src)
}

func isProblem(res *http.Response, body []byte, status int) bool {
	var p struct {
		Status int    `json:"status"`
		Title  string `json:"title"`
	}
	return res.StatusCode == status && res.Header.Get("Content-Type") == "application/problem+json" &&
		json.Unmarshal(body, &p) == nil && p.Status == status && p.Title != ""
}

func TestServesImagesWithTheirHeaders(t *testing.T) {
	up := newUpstream(t)
	k := newKiosque(t, t.TempDir())
	for _, tc := range []struct {
		path, contentType string
		body              []byte
	}{
		{"/photo.png", "image/png", up.png},
		{"/photo.jpg", "image/jpeg", up.jpeg},
	} {
		local := k.record(t, up.URL+tc.path)
		res, body := webtest.Get(t, k.URL+local)
		if res.StatusCode != http.StatusOK || !bytes.Equal(body, tc.body) {
			t.Fatalf("%s: %d, %d bytes; want 200 and the image's %d bytes", tc.path, res.StatusCode, len(body), len(tc.body))
		}
		for name, want := range map[string]string{
			"Content-Type":                tc.contentType,
			"Cache-Control":               "public, max-age=31536000, immutable",
			"X-Content-Type-Options":      "nosniff",
			"Access-Control-Allow-Origin": "*",
		} {
			if got := res.Header.Get(name); got != want {
				t.Errorf("%s: %s: %q, want %q", tc.path, name, got, want)
			}
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", tc.path, csp)
		}
		tag := res.Header.Get("ETag")
		if tag == "" {
			t.Fatalf("%s: no ETag", tc.path)
		}
		if res, body := webtest.Get(t, k.URL+local, "If-None-Match", tag); res.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("%s: If-None-Match: %d, %d bytes; want 304", tc.path, res.StatusCode, len(body))
		}
	}
	head, err := http.Head(k.URL + mediakey.Path(up.URL+"/photo.png"))
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	if head.StatusCode != http.StatusOK || head.Header.Get("Content-Type") != "image/png" {
		t.Errorf("HEAD: %d %s", head.StatusCode, head.Header.Get("Content-Type"))
	}
	if n := up.hitsOf("/photo.png"); n != 1 {
		t.Errorf("upstream asked %d times for /photo.png, want once", n)
	}
}

func TestServesFromDiskOnceFetched(t *testing.T) {
	up := newUpstream(t)
	dataDir := t.TempDir()
	k := newKiosque(t, dataDir)
	local := k.record(t, up.URL+"/photo.png")
	if res, _ := webtest.Get(t, k.URL+local); res.StatusCode != http.StatusOK {
		t.Fatalf("first request: %d", res.StatusCode)
	}
	up.Close()
	k.Close()
	k.store.Close()

	// A new server on the same data folder, the publisher's site gone.
	k = newKiosque(t, dataDir)
	res, body := webtest.Get(t, k.URL+local)
	if res.StatusCode != http.StatusOK || !bytes.Equal(body, up.png) || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("from disk: %d %s, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(body))
	}
	if _, err := os.Stat(filepath.Join(dataDir, media.Folder, mediakey.Of(up.URL+"/photo.png"))); err != nil {
		t.Errorf("not kept on disk: %v", err)
	}
}

func TestRefusesWhatIsNoImage(t *testing.T) {
	up := newUpstream(t)
	k := newKiosque(t, t.TempDir())
	start := time.Now()
	for _, path := range []string{"/drawing.svg", "/page.jpg", "/broken.png", "/huge.png", "/gone.png"} {
		local := k.record(t, up.URL+path)
		res, body := webtest.Get(t, k.URL+local)
		if !isProblem(res, body, http.StatusBadGateway) {
			t.Errorf("%s: %d %s %s, want a 502 problem", path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: a failure is cached: %q", path, cc)
		}
		// Failures are remembered: the publisher is not asked again at
		// once.
		webtest.Get(t, k.URL+local)
		if n := up.hitsOf(path); n != 1 {
			t.Errorf("%s: upstream asked %d times, want once", path, n)
		}
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("refusals took %s", took)
	}
	entries, err := os.ReadDir(filepath.Join(k.dataDir, media.Folder))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("kept on disk: %s", e.Name())
	}
}

func TestUnknownAndBadKeysAre404(t *testing.T) {
	up := newUpstream(t)
	dataDir := t.TempDir()
	k := newKiosque(t, dataDir)
	// Files a traversal would reach: the database, and a valid image under
	// a name that is no key.
	if err := os.WriteFile(filepath.Join(dataDir, media.Folder, "secret"), up.png, 0o644); err != nil {
		t.Fatal(err)
	}
	valid := mediakey.Of(up.URL + "/photo.png") // never recorded
	for _, path := range []string{
		"/media/" + valid,
		"/media/secret",
		"/media/..%2F" + sqlite.FileName,
		"/media/%2e%2e%2f" + sqlite.FileName,
		"/media/..%5C" + sqlite.FileName,
		"/media/" + strings.ToUpper(valid),
		"/media/" + strings.TrimSuffix(valid, ".png") + ".svg",
		"/media/" + valid + "%00",
		"/media/" + valid + "%2F..%2F..%2F" + sqlite.FileName,
		"/media/.." + valid,
	} {
		res, body := webtest.Get(t, k.URL+path)
		if !isProblem(res, body, http.StatusNotFound) {
			t.Errorf("%s: %d %s %.40q, want a 404 problem", path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
	if n := up.hitsOf("/photo.png"); n != 0 {
		t.Errorf("an unrecorded key was fetched %d times", n)
	}
}

func TestConcurrentRequestsFetchOnce(t *testing.T) {
	up := newUpstream(t)
	k := newKiosque(t, t.TempDir())
	local := k.record(t, up.URL+"/slow.png")
	const readers = 8
	var (
		wg sync.WaitGroup
		ok atomic.Int64
	)
	for range readers {
		wg.Go(func() {
			res, err := http.Get(k.URL + local)
			if err != nil {
				t.Error(err)
				return
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK && bytes.Equal(body, up.png) {
				ok.Add(1)
			}
		})
	}
	// Let the readers pile up on the one fetch, then let it through.
	for up.hitsOf("/slow.png") == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(up.gate)
	wg.Wait()
	if ok.Load() != readers {
		t.Errorf("%d of %d readers got the image", ok.Load(), readers)
	}
	if n := up.hitsOf("/slow.png"); n != 1 {
		t.Errorf("upstream asked %d times, want once", n)
	}
}

// discard is a ResponseWriter that keeps nothing of the body.
type discard struct {
	header http.Header
	status int
	n      int
}

func (d *discard) Header() http.Header { return d.header }
func (d *discard) WriteHeader(status int) {
	if d.status == 0 {
		d.status = status
	}
}
func (d *discard) Write(b []byte) (int, error) {
	d.WriteHeader(http.StatusOK)
	d.n += len(b)
	return len(b), nil
}

// A kept image is served from its file with the tag it was written with:
// a request neither reads the whole image into memory nor hashes it.
func TestAKeptImageIsServedFromItsFile(t *testing.T) {
	const size = 4 << 20
	big := make([]byte, size)
	copy(big, encode(t, png.Encode)) // a PNG's start, then zeros: imageType reads the start
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(big) }))
	defer up.Close()
	dataDir := t.TempDir()
	st, err := sqlite.Open(context.Background(), dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src := up.URL + "/big.png"
	if err := st.PutMedia(context.Background(), store.Media{Key: mediakey.Of(src), URL: src}); err != nil {
		t.Fatal(err)
	}
	h, err := media.New(st, dataDir, media.Options{Client: fetch.New(fetch.Options{MaxBytes: media.MaxBytes}), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/media/{key}", h)
	hit := func(header ...string) *discard {
		req := httptest.NewRequest(http.MethodGet, mediakey.Path(src), nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		w := &discard{header: http.Header{}}
		mux.ServeHTTP(w, req)
		return w
	}
	first := hit()
	if first.status != http.StatusOK || first.n != size {
		t.Fatalf("first request: %d, %d bytes", first.status, first.n)
	}
	tag := first.header.Get("ETag")

	const hits = 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range hits {
		if w := hit(); w.status != http.StatusOK || w.n != size || w.header.Get("ETag") != tag {
			t.Fatalf("kept image: %d, %d bytes, tag %q (first %q)", w.status, w.n, w.header.Get("ETag"), tag)
		}
	}
	runtime.ReadMemStats(&after)
	if perHit := (after.TotalAlloc - before.TotalAlloc) / hits; perHit > size/8 {
		t.Errorf("each request for a kept %d-byte image allocates %d bytes: it is read whole", size, perHit)
	}
	if w := hit("If-None-Match", tag); w.status != http.StatusNotModified || w.n != 0 {
		t.Errorf("If-None-Match: %d, %d bytes", w.status, w.n)
	}
	if w := hit("Range", "bytes=100-199"); w.status != http.StatusPartialContent || w.n != 100 {
		t.Errorf("Range: %d, %d bytes", w.status, w.n)
	}
}

// No more images are fetched at once than MaxDownloads: the others wait
// their turn, and all come.
func TestDownloadsAreBounded(t *testing.T) {
	img := encode(t, png.Encode)
	gate := make(chan struct{})
	var inFlight, most, arrived atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		arrived.Add(1)
		<-gate
		inFlight.Add(-1)
		w.Write(img)
	}))
	defer up.Close()
	dataDir := t.TempDir()
	st, err := sqlite.Open(context.Background(), dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h, err := media.New(st, dataDir, media.Options{Client: fetch.New(fetch.Options{MaxBytes: media.MaxBytes}), MaxDownloads: 2,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/media/{key}", h)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	const images = 6
	var wg sync.WaitGroup
	var ok atomic.Int64
	for i := range images {
		src := fmt.Sprintf("%s/%d.png", up.URL, i)
		if err := st.PutMedia(context.Background(), store.Media{Key: mediakey.Of(src), URL: src}); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			res, err := http.Get(srv.URL + mediakey.Path(src))
			if err != nil {
				t.Error(err)
				return
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK && bytes.Equal(body, img) {
				ok.Add(1)
			}
		})
	}
	// Let the requests pile up, then let the downloads through.
	for arrived.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	close(gate)
	wg.Wait()
	if ok.Load() != images {
		t.Errorf("%d of %d images came", ok.Load(), images)
	}
	if m := most.Load(); m != 2 {
		t.Errorf("%d images were fetched at once, want 2", m)
	}
}

// An image kept by an earlier release (the bare image, no header) is
// served, and given its tag once; a file cut short is fetched again.
func TestImagesKeptBeforeAreServed(t *testing.T) {
	up := newUpstream(t)
	dataDir := t.TempDir()
	k := newKiosque(t, dataDir)
	bare, cut := k.record(t, up.URL+"/photo.jpg"), k.record(t, up.URL+"/photo.png")
	folder := filepath.Join(dataDir, media.Folder)
	if err := os.WriteFile(filepath.Join(folder, strings.TrimPrefix(bare, mediakey.Prefix)), up.jpeg, 0o644); err != nil {
		t.Fatal(err)
	}
	if res, _ := webtest.Get(t, k.URL+cut); res.StatusCode != http.StatusOK {
		t.Fatalf("first request: %d", res.StatusCode)
	}
	file := filepath.Join(folder, strings.TrimPrefix(cut, mediakey.Prefix))
	kept, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, kept[:len(kept)-10], 0o644); err != nil {
		t.Fatal(err)
	}

	res, body := webtest.Get(t, k.URL+bare)
	if res.StatusCode != http.StatusOK || !bytes.Equal(body, up.jpeg) || res.Header.Get("Content-Type") != "image/jpeg" || res.Header.Get("ETag") == "" {
		t.Errorf("an image kept bare: %d %s %q, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("ETag"), len(body))
	}
	if again, _ := webtest.Get(t, k.URL+bare); again.Header.Get("ETag") != res.Header.Get("ETag") {
		t.Errorf("its tag changed from %q to %q", res.Header.Get("ETag"), again.Header.Get("ETag"))
	}
	res, body = webtest.Get(t, k.URL+cut)
	if res.StatusCode != http.StatusOK || !bytes.Equal(body, up.png) {
		t.Errorf("an image cut short: %d, %d bytes", res.StatusCode, len(body))
	}
	if n := up.hitsOf("/photo.png"); n != 2 {
		t.Errorf("the image cut short was fetched %d times, want twice", n)
	}
	if n := up.hitsOf("/photo.jpg"); n != 0 {
		t.Errorf("the image kept bare was fetched %d times, want never", n)
	}
}

// files lists the files of the media folder.
func files(t *testing.T, dataDir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dataDir, media.Folder))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Close cancels the downloads under way and waits for them: nothing is
// written after it returns, and nothing half-written stays.
func TestCloseCancelsDownloads(t *testing.T) {
	up := newUpstream(t)
	dataDir := t.TempDir()
	k := newKiosque(t, dataDir)
	kept := k.record(t, up.URL+"/photo.png")
	if res, _ := webtest.Get(t, k.URL+kept); res.StatusCode != http.StatusOK {
		t.Fatalf("first request: %d", res.StatusCode)
	}
	slow := k.record(t, up.URL+"/slow.png")
	answered := make(chan int, 1)
	go func() {
		res, err := http.Get(k.URL + slow)
		if err != nil {
			answered <- 0
			return
		}
		res.Body.Close()
		answered <- res.StatusCode
	}()
	for up.hitsOf("/slow.png") == 0 {
		time.Sleep(time.Millisecond)
	}
	closed := make(chan struct{})
	go func() {
		k.handler.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waits for a download the source never finishes")
	}
	if status := <-answered; status != http.StatusServiceUnavailable {
		t.Errorf("the request of a download cancelled got %d, want 503", status)
	}
	close(up.gate) // the source would answer now: nothing is listening
	if res, body := webtest.Get(t, k.URL+k.record(t, up.URL+"/photo.jpg")); !isProblem(res, body, http.StatusServiceUnavailable) {
		t.Errorf("a download asked for after Close: %d, want a 503 problem", res.StatusCode)
	}
	if res, _ := webtest.Get(t, k.URL+kept); res.StatusCode != http.StatusOK {
		t.Errorf("a kept image after Close: %d", res.StatusCode)
	}
	time.Sleep(100 * time.Millisecond)
	if got := files(t, dataDir); len(got) != 1 || got[0] != strings.TrimPrefix(kept, mediakey.Prefix) {
		t.Errorf("files after Close: %q, want only the image kept before", got)
	}
}

// The files of writes a crash cut short are deleted when a handler
// starts.
func TestWritesCutShortAreDeletedAtStart(t *testing.T) {
	up := newUpstream(t)
	dataDir := t.TempDir()
	k := newKiosque(t, dataDir)
	kept := strings.TrimPrefix(k.record(t, up.URL+"/photo.png"), mediakey.Prefix)
	if res, _ := webtest.Get(t, k.URL+mediakey.Prefix+kept); res.StatusCode != http.StatusOK {
		t.Fatalf("first request: %d", res.StatusCode)
	}
	left := []string{"." + kept + ".123456.tmp", ".0123456789abcdef0123456789abcdef.jpg.98765.tmp"}
	for _, name := range append(left, "notes.txt") {
		if err := os.WriteFile(filepath.Join(dataDir, media.Folder, name), up.png[:20], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	newKiosque(t, dataDir)
	if got := files(t, dataDir); !slices.Equal(got, []string{kept, "notes.txt"}) {
		t.Errorf("files after a start: %q, want the kept image and the file the handler does not know", got)
	}
}

// An image the store forgot (its article went) is no longer served, once
// the handler hears that the store changed, and its file goes.
func TestAForgottenImageIsNotServed(t *testing.T) {
	up := newUpstream(t)
	dataDir := t.TempDir()
	k := newKiosque(t, dataDir)
	path := k.record(t, up.URL+"/photo.png")
	a := news.Article{Slug: "avec-photo", Title: "Avec photo", Category: "Sport", Lang: news.French,
		Published: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC), Image: &news.Image{Src: path}}
	if err := k.store.Put(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if res, _ := webtest.Get(t, k.URL+path); res.StatusCode != http.StatusOK {
		t.Fatalf("first request: %d", res.StatusCode)
	}
	if err := k.store.Delete(context.Background(), a.Slug); err != nil {
		t.Fatal(err)
	}
	k.handler.StoreChanged()
	if res, body := webtest.Get(t, k.URL+path); !isProblem(res, body, http.StatusNotFound) {
		t.Errorf("an image no article shows: %d, want a 404 problem", res.StatusCode)
	}
	if got := files(t, dataDir); len(got) != 0 {
		t.Errorf("files left: %q", got)
	}
	if n := up.hitsOf("/photo.png"); n != 1 {
		t.Errorf("the source was asked %d times, want once", n)
	}
}

// Collect deletes the files of the images the store no longer records,
// and only those.
func TestCollectDeletesTheImagesForgotten(t *testing.T) {
	up := newUpstream(t)
	dataDir := t.TempDir()
	k := newKiosque(t, dataDir)
	var paths []string
	for i, src := range []string{up.URL + "/photo.png", up.URL + "/photo.jpg"} {
		path := k.record(t, src)
		paths = append(paths, path)
		a := news.Article{Slug: fmt.Sprintf("article-%d", i), Title: "Avec photo", Category: "Sport", Lang: news.French,
			Published: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC), Image: &news.Image{Src: path}}
		if err := k.store.Put(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		if res, _ := webtest.Get(t, k.URL+path); res.StatusCode != http.StatusOK {
			t.Fatalf("first request: %d", res.StatusCode)
		}
	}
	if err := os.WriteFile(filepath.Join(dataDir, media.Folder, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := k.store.Delete(context.Background(), "article-0"); err != nil {
		t.Fatal(err)
	}
	n, err := k.handler.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{strings.TrimPrefix(paths[1], mediakey.Prefix), "notes.txt"}
	slices.Sort(want)
	if got := files(t, dataDir); n != 1 || !slices.Equal(got, want) {
		t.Errorf("collected %d; files left %q, want %q", n, got, want)
	}
}

// DeleteKept deletes the files of the keys given, and only those.
func TestDeleteKept(t *testing.T) {
	up := newUpstream(t)
	dataDir := t.TempDir()
	k := newKiosque(t, dataDir)
	var keys []string
	for _, src := range []string{up.URL + "/photo.png", up.URL + "/photo.jpg"} {
		path := k.record(t, src)
		if res, _ := webtest.Get(t, k.URL+path); res.StatusCode != http.StatusOK {
			t.Fatalf("first request: %d", res.StatusCode)
		}
		keys = append(keys, strings.TrimPrefix(path, mediakey.Prefix))
	}
	never := mediakey.Of(up.URL + "/never.png")
	if err := media.DeleteKept(dataDir, []string{keys[0], never}); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dataDir); !slices.Equal(got, keys[1:]) {
		t.Errorf("files left: %q, want %q", got, keys[1:])
	}
	if err := media.DeleteKept(dataDir, []string{"../" + sqlite.FileName}); err == nil {
		t.Error("a name that is no key was deleted")
	}
}
