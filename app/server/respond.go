package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/kiosque/kiosque/app/etag"
	"github.com/kiosque/kiosque/app/negotiate"
)

// cacheShort lets caches keep an answer a minute and serve it stale while
// they fetch a fresh one: news moves, but not by the second.
const cacheShort = "public, max-age=60, stale-while-revalidate=600"

// writeJSON sends v as JSON with an ETag of its content, and answers a
// matching If-None-Match with 304.
func writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		problem(w, http.StatusInternalServerError, "could not encode the answer")
		return
	}
	body = append(body, '\n')
	writeBody(w, r, "application/json; charset=utf-8", body)
}

// writeBody sends a body with an ETag of its content.
func writeBody(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	writeTagged(w, r, contentType, etag.Of(body), func() ([]byte, error) { return body, nil })
}

// writeTagged sends the body that build makes, with the entity tag given:
// when the client has that tag already, the body is not even built. Bodies
// worth it are gzipped for clients that take gzip.
func writeTagged(w http.ResponseWriter, r *http.Request, contentType, tag string, build func() ([]byte, error)) {
	h := w.Header()
	h.Set("ETag", tag)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", cacheShort)
	}
	addVary(h, "Accept-Encoding")
	if etag.Matches(r.Header.Get("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body, err := build()
	if err != nil {
		h.Del("ETag")
		problem(w, http.StatusInternalServerError, "the server could not answer; it has been logged")
		return
	}
	h.Set("Content-Type", contentType)
	if len(body) > 1024 && negotiate.AcceptsEncoding(r.Header.Get("Accept-Encoding"), "gzip") {
		var zipped bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&zipped, gzip.DefaultCompression)
		zw.Write(body)
		if zw.Close() == nil {
			// Another representation: a strong tag of its own, which a
			// later If-None-Match names (see the match above).
			h.Set("ETag", etag.Encoded(tag, "gzip"))
			h.Set("Content-Encoding", "gzip")
			body = zipped.Bytes()
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// addVary adds a header name to the Vary header, keeping one line.
func addVary(h http.Header, name string) {
	if v := h.Get("Vary"); v != "" {
		name = v + ", " + name
	}
	h.Set("Vary", name)
}

// Problem is an error answer in the shape of RFC 9457.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Param names the query parameter at fault, for 400s.
	Param string `json:"param,omitempty"`
}

// problem sends an application/problem+json answer.
func problem(w http.ResponseWriter, status int, detail string) {
	writeProblem(w, Problem{Status: status, Detail: detail})
}

func writeProblem(w http.ResponseWriter, p Problem) {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	body, _ := json.Marshal(p)
	h := w.Header()
	h.Del("ETag")
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	w.Write(append(body, '\n'))
}
