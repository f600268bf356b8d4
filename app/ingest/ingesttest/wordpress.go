package ingesttest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// WordPress answers like a WordPress site from posts in memory: its page
// names its REST API in a Link header and in its head, and links to its
// feeds (the posts' and the comments'), as WordPress 6.1's does
// (testdata/wordpress/home.html); the API answers at /wp-json/ (pretty
// permalinks) and at ?rest_route=/ (always),
// its index and its posts (/wp/v2/posts) with pagination (X-WP-Total,
// X-WP-TotalPages), modified_after, orderby/order, _embed and _fields.
// As to a visitor who is not logged in, it lists only published posts
// (status "publish"). It is safe for concurrent use; tests change its
// posts between syncs, and set its fields before serving.
type WordPress struct {
	// Name is the site's name in the API's index.
	Name string
	// PageSize, if set, caps per_page, so that small fixtures span pages.
	PageSize int
	// Plain serves the site as WordPress does with plain permalinks, the
	// default of a new site: the API at /index.php?rest_route=/ only,
	// /wp-json/ a page not found.
	Plain bool
	// Folder is the path of a site installed in a subfolder ("/blog"),
	// empty for a site at the root. Nothing outside it answers.
	Folder string
	// NoLinkHeader and NoHeadLink leave the API's Link header, or the
	// <link> in the page's head, out of the site's page, as some plugins
	// and proxies do.
	NoLinkHeader, NoHeadLink bool

	mu       sync.Mutex
	posts    map[int64]wpPost
	requests []string
}

// wpHome is a WordPress 6.1 site's page (Twenty Twenty-Three, recorded
// from Debian's package), cut to its head, with {{origin}} (the site's
// address), {{name}}, {{feed}}, {{comments}} and {{api}} (the API's
// <link>) to fill in.
//
//go:embed testdata/wordpress/home.html
var wpHome []byte

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

// Root is the API's root as the site names it, for a site served at
// origin ("http://127.0.0.1:PORT").
func (w *WordPress) Root(origin string) string {
	if w.Plain {
		return origin + w.Folder + "/index.php?rest_route=/"
	}
	return origin + w.Folder + "/wp-json/"
}

func (w *WordPress) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	w.requests = append(w.requests, r.URL.RequestURI())
	w.mu.Unlock()
	path, inside := strings.CutPrefix(r.URL.Path, w.Folder)
	if !inside || (path == "" && w.Folder != "") {
		http.NotFound(rw, r)
		return
	}
	route, api := r.URL.Query()["rest_route"]
	switch {
	case api && (path == "/" || path == "/index.php"):
		w.serveAPI(rw, r, route[0])
	case !w.Plain && (path == "/wp-json" || strings.HasPrefix(path, "/wp-json/")):
		w.serveAPI(rw, r, strings.TrimPrefix(path, "/wp-json"))
	case w.feedAsked(r, path, "rss2", "/feed/"):
		w.serveFeed(rw, mustFixture("feeds/rss.xml"))
	case w.feedAsked(r, path, "comments-rss2", "/comments/feed/"):
		w.serveFeed(rw, []byte(wpCommentsFeed))
	case path == "/" || path == "/index.php" || (w.Plain && strings.HasPrefix(path, "/wp-json")):
		// With plain permalinks, /wp-json/ is no route: WordPress
		// answers with its page.
		w.servePage(rw, r)
	default:
		rw.Header().Set("Content-Type", "text/html; charset=UTF-8")
		rw.WriteHeader(http.StatusNotFound)
		fmt.Fprint(rw, "<!DOCTYPE html><title>Page non trouvée</title>")
	}
}

// servePage answers the site's page: WordPress 6.1's head, recorded.
func (w *WordPress) servePage(rw http.ResponseWriter, r *http.Request) {
	origin := "http://" + r.Host
	root := w.Root(origin)
	if !w.NoLinkHeader {
		rw.Header().Add("Link", fmt.Sprintf(`<%s>; rel="https://api.w.org/"`, root))
	}
	head := ""
	if !w.NoHeadLink {
		head = fmt.Sprintf(`<link rel="https://api.w.org/" href="%s" />`, html.EscapeString(root))
	}
	feed, comments := origin+w.Folder+"/feed/", origin+w.Folder+"/comments/feed/"
	if w.Plain {
		feed, comments = origin+w.Folder+"/?feed=rss2", origin+w.Folder+"/?feed=comments-rss2"
	}
	page := strings.NewReplacer("{{name}}", html.EscapeString(w.Name), "{{feed}}", html.EscapeString(feed),
		"{{comments}}", html.EscapeString(comments), "{{api}}", head, "{{origin}}", origin+w.Folder).Replace(string(wpHome))
	rw.Header().Set("Content-Type", "text/html; charset=UTF-8")
	io.WriteString(rw, page)
}

// feedAsked reports whether r asks for the feed WordPress names feed
// (?feed=rss2), or at pretty (/feed/) with pretty permalinks.
func (w *WordPress) feedAsked(r *http.Request, path, feed, pretty string) bool {
	if w.Plain {
		return (path == "/" || path == "/index.php") && r.URL.Query().Get("feed") == feed
	}
	return path == pretty || path+"/" == pretty
}

func (w *WordPress) serveFeed(rw http.ResponseWriter, body []byte) {
	rw.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
	rw.Write(body)
}

// wpCommentsFeed is a site's comments feed: what a feed reader must not
// take for its articles.
const wpCommentsFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Commentaires</title><link>https://example.ma</link><description>Commentaires</description>
<item><title>Commentaire sur Bonjour par Amina</title><link>https://example.ma/bonjour/#comment-2</link><guid>https://example.ma/?comment=2</guid>
<pubDate>Mon, 04 Mar 2024 12:00:00 +0000</pubDate><description>Merci pour cet article.</description></item>
</channel></rss>`

// serveAPI answers a route of the REST API.
func (w *WordPress) serveAPI(rw http.ResponseWriter, r *http.Request, route string) {
	switch strings.TrimSuffix(route, "/") {
	case "":
		index := map[string]any{"name": w.Name, "description": "", "url": "https://example.ma", "home": "https://example.ma",
			"namespaces": []string{"oembed/1.0", "wp/v2"}}
		if v := r.URL.Query().Get("_fields"); v != "" {
			for k := range index {
				if !slices.Contains(strings.Split(v, ","), k) {
					delete(index, k)
				}
			}
		}
		writeWPJSON(rw, http.StatusOK, index)
	case "/wp/v2/posts":
		w.listPosts(rw, r)
	default:
		writeWPError(rw, http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method.")
	}
}

func (w *WordPress) listPosts(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	perPage, page, after, bad := postsQuery(q)
	if bad != "" {
		writeWPError(rw, http.StatusBadRequest, "rest_invalid_param", "Invalid parameter(s): "+bad)
		return
	}
	if w.PageSize > 0 {
		perPage = min(perPage, w.PageSize)
	}
	posts := w.publicPosts(after, q.Get("orderby"), q.Get("order"))
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

// postsQuery reads the paging and modified_after parameters of a list of
// posts; bad names the one WordPress would refuse.
func postsQuery(q url.Values) (perPage, page int, after time.Time, bad string) {
	perPage, page = 10, 1
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return 0, 0, time.Time{}, "per_page"
		}
		perPage = n
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, time.Time{}, "page"
		}
		page = n
	}
	if v := q.Get("modified_after"); v != "" {
		t, err := time.Parse("2006-01-02T15:04:05", v)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, v); err != nil {
				return 0, 0, time.Time{}, "modified_after"
			}
		}
		after = t.UTC()
	}
	return perPage, page, after, ""
}

// publicPosts are the public posts modified after after (any, for the
// zero time), sorted by orderby (date, id or modified), then id, in
// order (desc unless asc).
func (w *WordPress) publicPosts(after time.Time, orderby, order string) []wpPost {
	w.mu.Lock()
	var posts []wpPost
	for _, p := range w.posts {
		if p.public && (after.IsZero() || p.modified.After(after)) {
			posts = append(posts, p)
		}
	}
	w.mu.Unlock()
	key := func(p wpPost) int64 { return p.date.UnixNano() }
	switch orderby {
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
	if order != "asc" {
		slices.Reverse(posts)
	}
	return posts
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
