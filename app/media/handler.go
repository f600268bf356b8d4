package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kiosque/kiosque/app/etag"
	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/problems"
	"github.com/kiosque/kiosque/app/store"
)

// Folder is the folder, inside the data folder, that keeps the images.
const Folder = "media"

// MaxBytes is the largest image fetched.
const MaxBytes = 10 << 20

// retryFailedAfter is how long a failed fetch is remembered: a broken
// image on a popular article costs its publisher one request a minute,
// not one per reader.
const retryFailedAfter = time.Minute

// accept asks for what every browser shows. AVIF is not asked for, since
// one copy serves every reader, but is kept when the URL names one.
const accept = "image/webp,image/jpeg,image/png,image/gif;q=0.9,*/*;q=0.1"

// errUpstream is a failure to get an image from its source: a 502.
var errUpstream = errors.New("the image could not be fetched from its source")

// defaultMaxDownloads is how many images a Handler fetches at once unless
// told otherwise.
const defaultMaxDownloads = 4

// Options tune a Handler. Zero values take the defaults.
type Options struct {
	// Client fetches the images (default: MaxBytes, 20 seconds, public
	// addresses only: image URLs come from imported content, and must not
	// make the server reach into its own network).
	Client *fetch.Client
	// MaxDownloads bounds the images fetched at once (default
	// defaultMaxDownloads): a page of new articles asks for many images
	// together, and each download holds up to MaxBytes in memory while it
	// is checked. The others wait their turn.
	MaxDownloads int
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// Handler serves GET /media/{key}: the image recorded under key, fetched
// once and then served from its file, as long as the store records it.
type Handler struct {
	store  store.MediaStore
	dir    string
	client *fetch.Client
	log    *slog.Logger
	slots  chan struct{} // one taken by each download under way

	// Downloads run in life, which Close ends, and Close waits for them
	// (running), so that none is left half-written.
	life    context.Context
	end     context.CancelFunc
	running sync.WaitGroup

	mu        sync.Mutex
	closed    bool
	downloads map[string]*download // by key: in flight, or failed lately
	// sources are the URLs of the keys found recorded since the store last
	// changed (StoreChanged): a key the store forgot is not served.
	sources map[string]string
}

// maxSources bounds Handler.sources, which a store that never changes
// would otherwise let grow with every image asked for.
const maxSources = 100_000

// download is one fetch of an image, which every request for its key
// waits for.
type download struct {
	done   chan struct{}
	image  image
	err    error
	failed time.Time // set, under Handler.mu, when err is
}

// image is an image just fetched.
type image struct {
	body        []byte
	contentType string
	tag         string
}

// errClosed answers the requests that need a download once Close began.
var errClosed = errors.New("the server is stopping")

// New returns a Handler serving the images recorded in st, kept in the
// folder Folder of dataDir. The files of writes cut short (by a crash)
// are deleted: only this handler writes to the folder, and it writes
// nothing yet.
func New(st store.MediaStore, dataDir string, opts Options) (*Handler, error) {
	dir := filepath.Join(dataDir, Folder)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create media folder %s: %w", dir, err)
	}
	if opts.Client == nil {
		opts.Client = fetch.New(fetch.Options{MaxBytes: MaxBytes, Timeout: 20 * time.Second, PublicOnly: true})
	}
	if opts.MaxDownloads <= 0 {
		opts.MaxDownloads = defaultMaxDownloads
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if err := removeTemporaryFiles(dir); err != nil {
		return nil, err
	}
	life, end := context.WithCancel(context.Background())
	return &Handler{store: st, dir: dir, client: opts.Client, log: opts.Logger,
		slots: make(chan struct{}, opts.MaxDownloads), life: life, end: end,
		downloads: make(map[string]*download), sources: make(map[string]string)}, nil
}

// removeTemporaryFiles deletes what writes cut short left in dir.
func removeTemporaryFiles(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read media folder %s: %w", dir, err)
	}
	for _, e := range entries {
		if name := e.Name(); strings.HasPrefix(name, ".") && strings.HasSuffix(name, tmpSuffix) {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove a write cut short: %w", err)
			}
		}
	}
	return nil
}

// Close cancels the downloads under way and waits for them to end: none
// leaves a file behind. Requests that need a download get a 503 from then
// on; kept images are still served.
func (h *Handler) Close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.end()
	h.running.Wait()
}

// StoreChanged tells the handler that the store changed: an image it
// served may have been forgotten (a takedown, an import that removed its
// article), so each key is looked up again before it is served, and the
// file of one forgotten is deleted.
func (h *Handler) StoreChanged() {
	h.mu.Lock()
	defer h.mu.Unlock()
	clear(h.sources)
}

// ServeHTTP serves the image named by the path value "key": the handler
// is mounted at /media/{key}.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if !mediakey.Valid(key) {
		problem(w, http.StatusNotFound, "no image has this name")
		return
	}
	src, err := h.source(r.Context(), key)
	if errors.Is(err, store.ErrNotFound) {
		h.remove(key)
		problem(w, http.StatusNotFound, "no image has this name")
		return
	}
	// A store that does not answer does not stop the images kept from
	// being served.
	if kf, ok := h.openKept(key); ok {
		defer kf.Close()
		serve(w, r, kf.contentType, kf.tag, kf.body)
		return
	}
	var img image
	if err == nil {
		img, err = h.fetched(r.Context(), key, src)
	}
	switch {
	case errors.Is(err, errUpstream):
		problem(w, http.StatusBadGateway, errUpstream.Error())
		return
	case errors.Is(err, errClosed):
		problem(w, http.StatusServiceUnavailable, errClosed.Error())
		return
	case r.Context().Err() != nil:
		problem(w, http.StatusServiceUnavailable, "the request ended before the image came")
		return
	case err != nil:
		h.log.ErrorContext(r.Context(), "serve media", "key", key, "err", err)
		problem(w, http.StatusInternalServerError, "the server could not answer; it has been logged")
		return
	}
	serve(w, r, img.contentType, img.tag, bytes.NewReader(img.body))
}

// source returns the URL recorded for key, or store.ErrNotFound.
func (h *Handler) source(ctx context.Context, key string) (string, error) {
	h.mu.Lock()
	src, ok := h.sources[key]
	h.mu.Unlock()
	if ok {
		return src, nil
	}
	src, err := h.store.MediaURL(ctx, key)
	if err != nil {
		return "", err
	}
	h.mu.Lock()
	if len(h.sources) >= maxSources {
		clear(h.sources)
	}
	h.sources[key] = src
	h.mu.Unlock()
	return src, nil
}

// remove deletes the file of a key the store forgot.
func (h *Handler) remove(key string) {
	err := os.Remove(filepath.Join(h.dir, key))
	switch {
	case err == nil:
		h.log.Info("deleted an image no article shows any more", "key", key)
	case !errors.Is(err, fs.ErrNotExist):
		h.log.Warn("delete an image no article shows any more", "key", key, "err", err)
	}
}

// Collect deletes the kept images that the store no longer records (no
// article points at them any more), and returns how many. It is safe
// while images are served and imports run: an image recorded again
// meanwhile is only fetched again. Files it does not know are left alone.
func (h *Handler) Collect(ctx context.Context) (int, error) {
	entries, err := os.ReadDir(h.dir)
	if err != nil {
		return 0, fmt.Errorf("collect images: %w", err)
	}
	var keys []string
	for _, e := range entries {
		if mediakey.Valid(e.Name()) && e.Type().IsRegular() {
			keys = append(keys, e.Name())
		}
	}
	recorded, err := h.store.RecordedMedia(ctx, keys)
	if err != nil {
		return 0, fmt.Errorf("collect images: %w", err)
	}
	deleted := 0
	for _, key := range keys {
		if recorded[key] {
			continue
		}
		if err := os.Remove(filepath.Join(h.dir, key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return deleted, fmt.Errorf("collect images: %w", err)
		}
		deleted++
	}
	return deleted, nil
}

// DeleteKept deletes the files of the images under keys kept in the data
// folder dataDir, as a takedown's command does for the images the store
// forgot (store.Takedown.Media): a server on that folder serves them no
// longer anyway, and other servers collect their own copies. A key
// recorded again meanwhile is only fetched again.
func DeleteKept(dataDir string, keys []string) error {
	for _, key := range keys {
		if !mediakey.Valid(key) {
			return fmt.Errorf("delete kept image %q: no image has this name", key)
		}
		err := os.Remove(filepath.Join(dataDir, Folder, key))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete kept image: %w", err)
		}
	}
	return nil
}

// serve sends an image, its headers, and answers If-None-Match, Range and
// HEAD, reading of body only what it sends.
func serve(w http.ResponseWriter, r *http.Request, contentType, tag string, body io.ReadSeeker) {
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	hd.Set("ETag", tag)
	hd.Set("X-Content-Type-Options", "nosniff")
	// Opened on its own, the image is a document with no rights at all.
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Access-Control-Allow-Origin", "*")
	http.ServeContent(w, r, "", time.Time{}, body)
}

// fetched returns the image under key, fetched from src.
func (h *Handler) fetched(ctx context.Context, key, src string) (image, error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return image{}, errClosed
	}
	d, ok := h.downloads[key]
	if !ok || (!d.failed.IsZero() && time.Since(d.failed) >= retryFailedAfter) {
		d = &download{done: make(chan struct{})}
		h.downloads[key] = d
		// Not tied to this request: others may be waiting for the image.
		// The client's timeout bounds it, and Close ends it.
		h.running.Add(1)
		go h.download(key, src, d)
	}
	h.mu.Unlock()
	select {
	case <-d.done:
		return d.image, d.err
	case <-ctx.Done():
		return image{}, ctx.Err()
	}
}

func (h *Handler) download(key, src string, d *download) {
	defer h.running.Done()
	var (
		img image
		err error
	)
	select {
	case h.slots <- struct{}{}: // waits while MaxDownloads are under way
		img, err = h.fetch(h.life, key, src)
		<-h.slots
	case <-h.life.Done():
		err = errClosed
	}
	switch {
	case err != nil && h.life.Err() != nil:
		err = errClosed // cancelled: not the source's failure
	case err != nil:
		h.log.Warn("fetch media", "key", key, "url", src, "err", err)
	}
	h.mu.Lock()
	d.image, d.err = img, err
	if err == nil {
		delete(h.downloads, key) // on disk now
	} else {
		d.failed = time.Now()
	}
	h.mu.Unlock()
	close(d.done)
}

// fetch gets the image from src, checks it is one, and keeps it on disk.
func (h *Handler) fetch(ctx context.Context, key, src string) (image, error) {
	// A download that ended while this one started, or waited, has kept
	// it.
	if kf, ok := h.openKept(key); ok {
		defer kf.Close()
		body, err := io.ReadAll(kf.body)
		if err == nil {
			return image{body: body, contentType: kf.contentType, tag: kf.tag}, nil
		}
	}
	res, err := h.client.Get(ctx, fetch.Request{URL: src, Accept: accept})
	if err != nil {
		return image{}, fmt.Errorf("%w: %w", errUpstream, err)
	}
	contentType := imageType(res.Body)
	if contentType == "" {
		return image{}, fmt.Errorf("%w: %s is no JPEG, PNG, GIF, WebP or AVIF image (announced as %q)", errUpstream, src, res.Header.Get("Content-Type"))
	}
	img := image{body: res.Body, contentType: contentType, tag: etag.Of(res.Body)}
	if err := h.keep(key, img.contentType, img.tag, img.body); err != nil {
		h.log.Error("keep media", "key", key, "err", err) // served all the same
	}
	return img, nil
}

// problem sends an application/problem+json answer (RFC 9457), in the
// shape the rest of the server uses.
func problem(w http.ResponseWriter, status int, detail string) {
	h := w.Header()
	h.Set("Content-Type", problems.ContentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(problems.JSON(problems.Details{Status: status, Detail: detail}))
}
