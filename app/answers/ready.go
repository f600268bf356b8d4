// Package answers serves HTTP answers prepared ahead: the bytes of a page, a
// JSON document or a file, with their gzip and brotli forms, each with its
// entity tag and every header it is sent with. Serving one costs a few map
// writes and a write to the connection, which is what lets a Go server come
// close to nginx serving files.
//
// A Cache keeps the answers the server builds, keyed by everything that
// shapes them, and drops them all at once when what they were built from
// changes.
package answers

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/kiosque/kiosque/app/etag"
	"github.com/kiosque/kiosque/app/negotiate"
)

// Answer is what a handler builds: a status, headers and a body.
type Answer struct {
	Status int
	// Header is sent with every form of the answer. Prepare adds ETag,
	// Content-Length, Content-Encoding and Vary: Accept-Encoding itself.
	Header http.Header
	Body   []byte
	// Tag is the strong entity tag of Body; empty, it is Body's hash. A page
	// whose bytes vary between renders of the same content names its tag
	// from that content instead.
	Tag string
	// Gzip and Brotli are Body's compressed forms when they were made
	// ahead (the wasm: compressing 7 MB at its best level takes seconds);
	// otherwise Prepare makes those worth making.
	Gzip, Brotli []byte
	// Effort is how hard Prepare compresses.
	Effort Effort
}

// Effort is how hard to compress: answers built per request can't wait for
// brotli's best level, which takes tens of milliseconds for a page.
type Effort int

const (
	// Fast suits answers built while a reader waits (gzip 6, brotli 5).
	Fast Effort = iota
	// Best suits files prepared once at start-up (gzip 9, brotli 11).
	Best
)

// Bodies under this size are sent as they are: compressing them saves less
// than the headers cost.
const minCompressed = 512

// Ready is an answer prepared for serving. It is never changed once made,
// so any number of requests may serve it at once.
type Ready struct {
	status int
	tag    string
	forms  [3]form // identity, gzip, brotli; a form not made has a nil body
	size   int64
}

// The forms of a body, in the order of Ready.forms.
const (
	identity = iota
	gzipped
	brotlied
)

// form is one encoding of a body with every header it is sent with, and
// the few a 304 repeats.
type form struct {
	body        []byte
	header      []Field
	notModified []Field
}

// revalidated reports whether a 304 repeats a header: those RFC 9110
// (15.4.5) asks for, and those every answer of Kiosque's carries for
// safety. A cache keeps the others it stored with the answer, and every
// header less is work saved on the busiest answer of all.
func revalidated(name string) bool {
	switch name {
	case "Cache-Control", "Etag", "Vary", "Expires", "Content-Location",
		"X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "Strict-Transport-Security", "Access-Control-Allow-Origin":
		return true
	}
	return false
}

// Field is a header line prepared once, its name in canonical form. Its
// Values are shared by every answer sent and never modified:
// http.Header.Set replaces slices, it does not write into them.
type Field struct {
	Name   string
	Values []string
}

// Prepare makes an answer ready to serve: it compresses the body when that
// is worth it and fixes the headers of each form.
func Prepare(a Answer) *Ready { return prepare(a, nil) }

// prepare is Prepare with compressors to reuse for Fast answers (nil: new
// ones).
func prepare(a Answer, z *compressors) *Ready {
	if a.Status == 0 {
		a.Status = http.StatusOK
	}
	tag := a.Tag
	if tag == "" {
		tag = etag.Of(a.Body)
	}
	r := &Ready{status: a.Status, tag: tag}
	bodies := [3][]byte{a.Body, a.Gzip, a.Brotli}
	if len(a.Body) >= minCompressed && compressible(a.Header.Get("Content-Type")) {
		if bodies[gzipped] == nil {
			bodies[gzipped] = z.gzip(a.Body, a.Effort)
		}
		if bodies[brotlied] == nil && (a.Effort == Fast || len(a.Body) < 1<<20) {
			bodies[brotlied] = z.brotli(a.Body, a.Effort)
		}
	}
	compressed := bodies[gzipped] != nil || bodies[brotlied] != nil
	common := make([]Field, 0, len(a.Header)+4)
	for name, values := range a.Header {
		switch name {
		case "Etag", "Content-Length", "Content-Encoding":
			continue // each form has its own
		case "Vary":
			if compressed {
				continue // joined below
			}
		}
		common = append(common, Field{name, values})
	}
	if compressed {
		vary := append(a.Header.Values("Vary"), "Accept-Encoding")
		common = append(common, Field{"Vary", []string{strings.Join(vary, ", ")}})
	}
	for i, coding := range [3]string{"", "gzip", "br"} {
		body := bodies[i]
		if body == nil && i != identity {
			continue
		}
		header := append(common[:len(common):len(common)],
			Field{"Content-Length", []string{strconv.Itoa(len(body))}})
		if coding == "" {
			header = append(header, Field{"Etag", []string{tag}})
		} else {
			header = append(header,
				Field{"Etag", []string{etag.Encoded(tag, coding)}},
				Field{"Content-Encoding", []string{coding}})
		}
		var notModified []Field
		for _, f := range header {
			if revalidated(f.Name) {
				notModified = append(notModified, f)
			}
		}
		r.forms[i] = form{body: body, header: header, notModified: notModified}
		r.size += int64(len(body)) + int64(len(header))*48
	}
	return r
}

// Status is the answer's HTTP status.
func (r *Ready) Status() int { return r.status }

// Tag is the entity tag of the answer's identity form.
func (r *Ready) Tag() string { return r.tag }

// Size is about the memory the answer holds, in bytes.
func (r *Ready) Size() int64 { return r.size }

// Body returns the form of the body a client sending this Accept-Encoding
// gets, and its coding ("" for none).
func (r *Ready) Body(acceptEncoding string) ([]byte, string) {
	i := r.pick(acceptEncoding)
	return r.forms[i].body, [3]string{"", "gzip", "br"}[i]
}

// pick chooses the form for an Accept-Encoding header: brotli, the smallest,
// when the client takes it, then gzip.
func (r *Ready) pick(acceptEncoding string) int {
	if acceptEncoding == "" {
		return identity
	}
	if r.forms[brotlied].body != nil && negotiate.AcceptsEncoding(acceptEncoding, "br") {
		return brotlied
	}
	if r.forms[gzipped].body != nil && negotiate.AcceptsEncoding(acceptEncoding, "gzip") {
		return gzipped
	}
	return identity
}

// Reply is what to send a request with this method, Accept-Encoding and
// If-None-Match: the status, the headers (Content-Length included) and the
// body, nil when none is sent (HEAD, 304). It is the answer in the
// encoding the client takes best, or 304 when the client holds it already
// in any of its forms.
func (r *Ready) Reply(method, acceptEncoding, ifNoneMatch string) (status int, header []Field, body []byte) {
	f := &r.forms[r.pick(acceptEncoding)]
	if r.status == http.StatusOK && ifNoneMatch != "" && etag.Matches(ifNoneMatch, r.tag) {
		return http.StatusNotModified, f.notModified, nil
	}
	if method == http.MethodHead {
		return r.status, f.header, nil
	}
	return r.status, f.header, f.body
}

// ServeHTTP sends the answer's Reply.
func (r *Ready) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	status, header, body := r.Reply(req.Method, req.Header.Get("Accept-Encoding"), req.Header.Get("If-None-Match"))
	h := w.Header()
	for _, f := range header {
		h[f.Name] = f.Values
	}
	w.WriteHeader(status) // net/http drops a 304's body headers itself
	if body != nil {
		w.Write(body)
	}
}

// compressible reports whether a body of this type shrinks when compressed:
// text does, pictures and fonts already are.
func compressible(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	switch {
	case strings.HasPrefix(mediaType, "text/"),
		strings.HasSuffix(mediaType, "json"),
		strings.HasSuffix(mediaType, "javascript"),
		strings.HasSuffix(mediaType, "+xml"),
		mediaType == "application/wasm":
		return true
	}
	return false
}

// Gzip compresses b with gzip.
func Gzip(b []byte, effort Effort) []byte {
	var z *compressors
	return z.gzip(b, effort)
}

// Brotli compresses b with brotli.
func Brotli(b []byte, effort Effort) []byte {
	var z *compressors
	return z.brotli(b, effort)
}

// compressors keep the writers of the answers built while readers wait: a
// brotli writer holds megabytes of tables, and one per answer would churn
// the heap. A nil *compressors makes a writer each time.
type compressors struct {
	writers [2]sync.Pool // by codec.slot
}

// A codec makes the compressing writers of one encoding, at the level of
// Fast answers or of Best ones.
type codec struct {
	slot       int // of its writers in compressors
	fast, best int
	open       func(w io.Writer, level int) resettable
}

// resettable is a compressing writer that can start again on another
// output, keeping its tables.
type resettable interface {
	io.WriteCloser
	Reset(io.Writer)
}

var (
	gzipCodec = codec{slot: 0, fast: 6, best: gzip.BestCompression, open: func(w io.Writer, level int) resettable {
		zw, _ := gzip.NewWriterLevel(w, level) // the levels are valid
		return zw
	}}
	brotliCodec = codec{slot: 1, fast: 5, best: brotli.BestCompression, open: func(w io.Writer, level int) resettable {
		return brotli.NewWriterLevel(w, level)
	}}
)

func (z *compressors) gzip(b []byte, effort Effort) []byte { return z.compress(gzipCodec, b, effort) }
func (z *compressors) brotli(b []byte, effort Effort) []byte {
	return z.compress(brotliCodec, b, effort)
}

// compress runs b through a writer of c: a new one for Best answers (their
// level is another) or with no compressors, else one kept from before.
func (z *compressors) compress(c codec, b []byte, effort Effort) []byte {
	var out bytes.Buffer
	var w resettable
	switch {
	case effort == Best:
		w = c.open(&out, c.best)
	case z == nil:
		w = c.open(&out, c.fast)
	default:
		pool := &z.writers[c.slot]
		if w, _ = pool.Get().(resettable); w != nil {
			w.Reset(&out)
		} else {
			w = c.open(&out, c.fast)
		}
		defer pool.Put(w)
	}
	w.Write(b)
	w.Close()
	return out.Bytes()
}
