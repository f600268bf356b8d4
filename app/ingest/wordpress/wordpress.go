// Package wordpress reads a WordPress site through its REST API as an
// ingest source: every post the first time, then only the posts modified
// since the last sync, with a listing of all post ids (cheap: ids only) to
// find the posts deleted, or made private or drafts again, which the
// public listing no longer shows. The API is found where the site says it
// is (FindAPI), and kept with the source's state.
package wordpress

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/store"
)

// Options tune a Source. Zero values take the defaults.
type Options struct {
	// FullListEvery is how often an incremental sync also lists every post
	// id, to find the posts gone from the public listing (deleted, private,
	// drafts). By default (zero, or negative) every sync does: a page of
	// 100 ids is cheap, and content its publisher withdrew must not stay
	// public. A site too large for that may say how often instead.
	FullListEvery time.Duration
	// Overlap is subtracted from the last seen modification time when
	// asking for changes: WordPress compares modified_after with the site's
	// local time, which may be hours off UTC (default 24 hours). Posts
	// fetched again unchanged are counted unchanged, not updated.
	Overlap time.Duration
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// Source is one WordPress site.
type Source struct {
	site   string // the site's URL, without a trailing slash
	client *fetch.Client
	clean  *ingest.Cleaner
	opts   Options

	mu   sync.Mutex
	name string // the site's name, once known
}

var _ ingest.Source = (*Source)(nil)

// perPage is the largest page WordPress serves.
const perPage = 100

// maxPages bounds a listing, against a server that never stops paging.
const maxPages = 2000

// New returns the WordPress site at siteURL ("https://example.com") as a
// source.
func New(siteURL string, client *fetch.Client, clean *ingest.Cleaner, opts Options) (*Source, error) {
	u, err := url.Parse(strings.TrimSpace(siteURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("WordPress site URL %q: want an absolute http or https URL", siteURL)
	}
	u.RawQuery, u.Fragment = "", ""
	// The API's root, or WordPress's index.php, names the site too.
	u.Path = strings.TrimSuffix(strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/wp-json"), "/index.php")
	if opts.Overlap <= 0 {
		opts.Overlap = 24 * time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Source{site: strings.TrimRight(u.String(), "/"), client: client, clean: clean, opts: opts}, nil
}

// Key is "wordpress:" and the site's URL.
func (s *Source) Key() string { return "wordpress:" + s.site }

// Pull fetches the posts changed since state (all of them the first time)
// and, when a full listing is due, the ids of every published post, from
// the API state remembers, or found now (FindAPI) when it remembers none.
// An API found before that stopped answering as one (a site that moved
// it) is looked for again.
func (s *Source) Pull(ctx context.Context, state store.SourceState, progress ingest.Progress) (ingest.Pull, error) {
	if state.Endpoint != "" {
		pull, err := s.pull(ctx, API{Root: state.Endpoint}, state, progress)
		if err == nil || !movedAway(err) {
			return pull, err
		}
		api, ferr := FindAPI(ctx, s.client, s.site)
		if ferr != nil {
			return ingest.Pull{}, fmt.Errorf("%w (looked again: %v)", err, ferr)
		}
		if api.Root == state.Endpoint {
			return ingest.Pull{}, err
		}
		return s.pullFound(ctx, api, state, progress)
	}
	api, err := FindAPI(ctx, s.client, s.site)
	if err != nil {
		return ingest.Pull{}, err
	}
	return s.pullFound(ctx, api, state, progress)
}

// pullFound pulls from the API just found, and says where it is.
func (s *Source) pullFound(ctx context.Context, api API, state store.SourceState, progress ingest.Progress) (ingest.Pull, error) {
	pull, err := s.pull(ctx, api, state, progress)
	pull.Found = api.String()
	return pull, err
}

// errNotListing is an answer of the API that is not a listing of posts.
var errNotListing = errors.New("not a WordPress posts listing")

// movedAway reports whether err says that the API is no longer where it
// was found: it is not there, or something else answers there.
func movedAway(err error) bool {
	var se *fetch.StatusError
	return errors.Is(err, errNotListing) || (errors.As(err, &se) && (se.Code == 404 || se.Code == 410))
}

func (s *Source) pull(ctx context.Context, api API, state store.SourceState, progress ingest.Progress) (ingest.Pull, error) {
	started := time.Now().UTC()
	next := state
	next.Endpoint = api.Root
	pull := ingest.Pull{State: next}
	name := s.siteName(ctx, api)

	q := url.Values{"per_page": {strconv.Itoa(perPage)}, "order": {"asc"}}
	full := state.Cursor.IsZero()
	if full {
		q.Set("orderby", "id") // new posts land on the last page, not shifting the others
	} else {
		q.Set("orderby", "modified")
		q.Set("modified_after", state.Cursor.Add(-s.opts.Overlap).UTC().Format("2006-01-02T15:04:05"))
	}
	listing := newListing()
	err := s.pages(ctx, api, "_embed&"+q.Encode(), progress, func(raw json.RawMessage) error {
		var p post
		if err := json.Unmarshal(raw, &p); err != nil {
			var idOnly struct{ ID int64 }
			_ = json.Unmarshal(raw, &idOnly)
			pull.Skipped = append(pull.Skipped, ingest.Skipped{ID: idString(idOnly.ID), Reason: "malformed post: " + err.Error()})
			listing.add(idOnly.ID)
			return nil
		}
		listing.add(p.ID)
		if modified := p.modified(); modified.After(next.Cursor) {
			next.Cursor = modified
		}
		if p.Content.Protected {
			// Locked by its publisher: taken out, if it was imported.
			pull.Skipped = append(pull.Skipped, ingest.Skipped{ID: idString(p.ID), Title: s.clean.Sanitizer().Text(p.Title.Rendered), Reason: "password protected"})
			pull.Withdrawn = append(pull.Withdrawn, idString(p.ID))
			return nil
		}
		imported, skipped := s.clean.Article(p.raw(name), s.site+"/")
		if skipped != nil {
			pull.Skipped = append(pull.Skipped, *skipped)
			return nil
		}
		pull.Articles = append(pull.Articles, imported)
		return nil
	}, listing)
	if err != nil {
		return ingest.Pull{}, err
	}
	if !listing.consistent() {
		// Pages shifted while they were read, so a post may have been
		// missed: ask again from the same point next time.
		s.opts.Logger.WarnContext(ctx, "WordPress posts changed while they were read; the next sync starts from the same point", "site", s.site)
		next.Cursor = state.Cursor
	}

	switch {
	case full:
		pull.RemoveMissing, pull.Present = listing.consistent(), listing.list()
		next.FullSync = started
	case s.opts.FullListEvery <= 0 || started.Sub(state.FullSync) >= s.opts.FullListEvery:
		ids := newListing()
		if err := s.pages(ctx, api, "_fields=id&"+url.Values{"per_page": {strconv.Itoa(perPage)}, "orderby": {"id"}, "order": {"asc"}}.Encode(), nil, func(raw json.RawMessage) error {
			var p struct{ ID int64 }
			if err := json.Unmarshal(raw, &p); err != nil {
				return err
			}
			ids.add(p.ID)
			return nil
		}, ids); err != nil {
			return ingest.Pull{}, err
		}
		pull.RemoveMissing, pull.Present = ids.consistent(), ids.list()
		if pull.RemoveMissing {
			next.FullSync = started
		} else {
			s.opts.Logger.WarnContext(ctx, "WordPress posts changed while their ids were listed; deletions are left for the next sync", "site", s.site)
		}
	}
	pull.State = next
	return pull, nil
}

// pages fetches every page of the posts listing with this query and hands
// each post to each.
func (s *Source) pages(ctx context.Context, api API, query string, progress ingest.Progress, each func(json.RawMessage) error, l *listing) error {
	done := 0
	for page := 1; page <= maxPages; page++ {
		u, err := api.URL("wp/v2/posts", query+"&page="+strconv.Itoa(page))
		if err != nil {
			return err
		}
		res, err := s.client.Get(ctx, fetch.Request{URL: u, Accept: "application/json"})
		if err != nil {
			return err
		}
		var posts []json.RawMessage
		if err := json.Unmarshal(res.Body, &posts); err != nil {
			return fmt.Errorf("read %s: %w: %w", u, errNotListing, err)
		}
		total, errTotal := strconv.Atoi(res.Header.Get("X-WP-Total"))
		pages, errPages := strconv.Atoi(res.Header.Get("X-WP-TotalPages"))
		if errTotal != nil || errPages != nil {
			// A proxy that strips headers: page on until a short page,
			// but such a listing cannot be trusted to find deletions.
			l.incomplete = true
			pages = maxPages
		}
		l.total(page, total)
		for _, p := range posts {
			if err := each(p); err != nil {
				return fmt.Errorf("read %s: %w", u, err)
			}
			done++
			if progress != nil {
				progress(done, total)
			}
		}
		if page >= pages || (errPages != nil && len(posts) < perPage) || len(posts) == 0 {
			return nil
		}
	}
	return fmt.Errorf("list posts of %s: more than %d pages", s.site, maxPages)
}

// siteName returns the site's name from the API's index, or its host when
// the index does not say.
func (s *Source) siteName(ctx context.Context, api API) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.name != "" {
		return s.name
	}
	u, err := api.URL("", "_fields=name")
	var res fetch.Response
	if err == nil {
		res, err = s.client.Get(ctx, fetch.Request{URL: u, Accept: "application/json"})
	}
	if err == nil {
		var index struct{ Name string }
		if json.Unmarshal(res.Body, &index) == nil {
			s.name = s.clean.Sanitizer().Text(index.Name)
		}
	} else {
		s.opts.Logger.WarnContext(ctx, "read WordPress site name", "site", s.site, "err", err)
	}
	if s.name == "" {
		u, _ := url.Parse(s.site)
		return u.Host // not cached: ask again next time
	}
	return s.name
}

// listing collects the ids a listing returned and checks it against the
// total WordPress announced: posts published or deleted while it pages
// shift the pages, and an incomplete listing must not remove anything.
type listing struct {
	ids        map[int64]bool
	first      int // X-WP-Total of the first page
	last       int // X-WP-Total of the last page
	incomplete bool
}

func newListing() *listing { return &listing{ids: make(map[int64]bool)} }

func (l *listing) add(id int64) {
	if id <= 0 {
		l.incomplete = true
		return
	}
	l.ids[id] = true
}

func (l *listing) total(page, total int) {
	if page == 1 {
		l.first = total
	}
	l.last = total
}

// consistent reports whether the listing saw every post it announced,
// with no change of total while paging: only then can it find deletions.
func (l *listing) consistent() bool {
	return !l.incomplete && l.first == l.last && len(l.ids) == l.first
}

func (l *listing) list() []string {
	ids := make([]string, 0, len(l.ids))
	for id := range l.ids {
		ids = append(ids, idString(id))
	}
	return ids
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
