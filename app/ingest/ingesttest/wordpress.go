package ingesttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// WordPress answers like a WordPress site's REST API (/wp-json/ and
// /wp-json/wp/v2/posts) from posts in memory: pagination with X-WP-Total
// and X-WP-TotalPages, modified_after, orderby/order, _embed and _fields.
// As to a visitor who is not logged in, it lists only published posts
// (status "publish"). It is safe for concurrent use; tests change its
// posts between syncs.
type WordPress struct {
	// Name is the site's name in the /wp-json/ index.
	Name string
	// PageSize, if set, caps per_page, so that small fixtures span pages.
	PageSize int

	mu       sync.Mutex
	posts    map[int64]wpPost
	requests []string
}

type wpPost struct {
	id       int64
	date     time.Time
	modified time.Time
	public   bool // published: listed to everyone
	raw      json.RawMessage
}

// NewWordPress returns a site holding posts (in the REST shape, with
// _embedded).
func NewWordPress(posts ...json.RawMessage) *WordPress {
	w := &WordPress{Name: "Le Quotidien de Casablanca", posts: make(map[int64]wpPost)}
	for _, p := range posts {
		w.Put(p)
	}
	return w
}

// Put adds a post, or replaces the post with its id.
func (w *WordPress) Put(post json.RawMessage) {
	var head struct {
		ID          int64  `json:"id"`
		DateGMT     string `json:"date_gmt"`
		ModifiedGMT string `json:"modified_gmt"`
		Status      string `json:"status"`
	}
	if err := json.Unmarshal(post, &head); err != nil {
		panic(fmt.Sprintf("ingesttest: not a WordPress post: %v", err))
	}
	date, _ := time.Parse("2006-01-02T15:04:05", head.DateGMT)
	modified, _ := time.Parse("2006-01-02T15:04:05", head.ModifiedGMT)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.posts[head.ID] = wpPost{id: head.ID, date: date, modified: modified, public: head.Status == "" || head.Status == "publish", raw: post}
}

// Edit changes the post with this id as its publisher's editor does: it
// applies change to the post's fields and sets its modification time.
func (w *WordPress) Edit(id int64, modified time.Time, change func(post map[string]any)) {
	w.mu.Lock()
	p, ok := w.posts[id]
	w.mu.Unlock()
	if !ok {
		panic(fmt.Sprintf("ingesttest: no post %d", id))
	}
	var post map[string]any
	if err := json.Unmarshal(p.raw, &post); err != nil {
		panic(fmt.Sprintf("ingesttest: post %d: %v", id, err))
	}
	change(post)
	post["modified"] = modified.Format("2006-01-02T15:04:05")
	post["modified_gmt"] = modified.UTC().Format("2006-01-02T15:04:05")
	raw, err := json.Marshal(post)
	if err != nil {
		panic(fmt.Sprintf("ingesttest: post %d: %v", id, err))
	}
	w.Put(raw)
}

// Protect puts a password on the post with this id: WordPress still lists
// it, with its content and excerpt empty and marked protected.
func (w *WordPress) Protect(id int64, modified time.Time) {
	w.Edit(id, modified, func(post map[string]any) {
		post["content"] = map[string]any{"rendered": "", "protected": true}
		post["excerpt"] = map[string]any{"rendered": "", "protected": true}
	})
}

// SetStatus gives the post with this id a status: "private", "draft" or
// "pending" take it out of the public listing.
func (w *WordPress) SetStatus(id int64, status string, modified time.Time) {
	w.Edit(id, modified, func(post map[string]any) { post["status"] = status })
}

// Delete removes the post with this id, as trashing it does.
func (w *WordPress) Delete(id int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.posts, id)
}

// Requests returns the path and query of every request so far.
func (w *WordPress) Requests() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.requests)
}

func (w *WordPress) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	w.requests = append(w.requests, r.URL.RequestURI())
	w.mu.Unlock()
	switch strings.TrimSuffix(r.URL.Path, "/") {
	case "/wp-json":
		writeWPJSON(rw, http.StatusOK, map[string]any{"name": w.Name, "description": "", "url": "https://example.ma", "home": "https://example.ma"})
	case "/wp-json/wp/v2/posts":
		w.listPosts(rw, r)
	default:
		writeWPError(rw, http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method.")
	}
}

func (w *WordPress) listPosts(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	perPage, page := 10, 1
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeWPError(rw, http.StatusBadRequest, "rest_invalid_param", "Invalid parameter(s): per_page")
			return
		}
		perPage = n
	}
	if w.PageSize > 0 {
		perPage = min(perPage, w.PageSize)
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeWPError(rw, http.StatusBadRequest, "rest_invalid_param", "Invalid parameter(s): page")
			return
		}
		page = n
	}
	var after time.Time
	if v := q.Get("modified_after"); v != "" {
		t, err := time.Parse("2006-01-02T15:04:05", v)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, v); err != nil {
				writeWPError(rw, http.StatusBadRequest, "rest_invalid_param", "Invalid parameter(s): modified_after")
				return
			}
		}
		after = t.UTC()
	}

	w.mu.Lock()
	var posts []wpPost
	for _, p := range w.posts {
		if p.public && (after.IsZero() || p.modified.After(after)) {
			posts = append(posts, p)
		}
	}
	w.mu.Unlock()
	key := func(p wpPost) int64 { return p.date.UnixNano() }
	switch q.Get("orderby") {
	case "id":
		key = func(p wpPost) int64 { return p.id }
	case "modified":
		key = func(p wpPost) int64 { return p.modified.UnixNano() }
	}
	slices.SortFunc(posts, func(a, b wpPost) int {
		if c := cmpInt(key(a), key(b)); c != 0 {
			return c
		}
		return cmpInt(a.id, b.id)
	})
	if q.Get("order") != "asc" {
		slices.Reverse(posts)
	}

	total := len(posts)
	pages := (total + perPage - 1) / perPage
	if page > max(pages, 1) {
		writeWPError(rw, http.StatusBadRequest, "rest_post_invalid_page_number", "The page number requested is larger than the number of pages available.")
		return
	}
	posts = posts[min((page-1)*perPage, total):min(page*perPage, total)]

	_, embed := q["_embed"]
	var fields []string
	if v := q.Get("_fields"); v != "" {
		fields = strings.Split(v, ",")
	}
	var body bytes.Buffer
	body.WriteByte('[')
	for i, p := range posts {
		if i > 0 {
			body.WriteByte(',')
		}
		body.Write(shape(p.raw, embed, fields))
	}
	body.WriteByte(']')

	h := rw.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("X-WP-Total", strconv.Itoa(total))
	h.Set("X-WP-TotalPages", strconv.Itoa(pages))
	if page < pages {
		next := *r.URL
		nq := next.Query()
		nq.Set("page", strconv.Itoa(page+1))
		next.RawQuery = nq.Encode()
		h.Set("Link", fmt.Sprintf(`<%s>; rel="next"`, next.String()))
	}
	rw.Write(body.Bytes())
}

// shape drops _embedded unless asked for, and keeps only fields if given,
// as WordPress does.
func shape(raw json.RawMessage, embed bool, fields []string) json.RawMessage {
	if embed && fields == nil {
		return raw
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return raw // a malformed fixture is served as it is
	}
	if !embed {
		delete(m, "_embedded")
	}
	if fields != nil {
		for k := range m {
			if !slices.Contains(fields, k) {
				delete(m, k)
			}
		}
	}
	b, _ := json.Marshal(m)
	return b
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func writeWPJSON(rw http.ResponseWriter, status int, v any) {
	rw.Header().Set("Content-Type", "application/json; charset=UTF-8")
	rw.WriteHeader(status)
	json.NewEncoder(rw).Encode(v)
}

func writeWPError(rw http.ResponseWriter, status int, code, message string) {
	writeWPJSON(rw, status, map[string]any{"code": code, "message": message, "data": map[string]int{"status": status}})
}

// GeneratedPosts returns n posts in the REST shape, made from the first
// fixture post with new ids, slugs, titles and dates: for benchmarks.
func GeneratedPosts(t testing.TB, n int) []json.RawMessage {
	t.Helper()
	var model map[string]any
	if err := json.Unmarshal(Posts(t, "wordpress/posts.json")[4], &model); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	posts := make([]json.RawMessage, n)
	for i := range n {
		id := 10000 + i
		date := start.Add(time.Duration(i) * time.Hour).Format("2006-01-02T15:04:05")
		model["id"] = id
		model["date"], model["date_gmt"], model["modified"], model["modified_gmt"] = date, date, date, date
		model["slug"] = fmt.Sprintf("article-genere-numero-%d", id)
		model["link"] = "https://example.ma/" + url.PathEscape(model["slug"].(string)) + "/"
		model["title"] = map[string]any{"rendered": fmt.Sprintf("Article g&eacute;n&eacute;r&eacute; num&eacute;ro %d", id)}
		b, err := json.Marshal(model)
		if err != nil {
			t.Fatal(err)
		}
		posts[i] = b
	}
	return posts
}
