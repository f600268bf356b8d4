// Package feed reads RSS 2.0 and Atom feeds (through gofeed) as an ingest
// source, with conditional GETs so that an unchanged feed costs a 304.
// Given a page rather than a feed (a site's address), it takes the site's
// main feed among those the page links to, as feed readers do, and keeps
// its address with the source's state.
package feed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/mmcdole/gofeed"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/store"
)

// Source is one feed, named by its own address or by a page that links to
// it.
type Source struct {
	url    string // as given
	client *fetch.Client
	clean  *ingest.Cleaner
}

var _ ingest.Source = (*Source)(nil)

// New returns the feed at feedURL, or the main feed of the page at
// feedURL, as a source.
func New(feedURL string, client *fetch.Client, clean *ingest.Cleaner) (*Source, error) {
	u, err := url.Parse(strings.TrimSpace(feedURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("feed URL %q: want an absolute http or https URL", feedURL)
	}
	return &Source{url: u.String(), client: client, clean: clean}, nil
}

// Key is "feed:" and the URL given.
func (s *Source) Key() string { return "feed:" + s.url }

const accept = "application/rss+xml, application/atom+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.5, */*;q=0.1"

// errNotFeed is a document that is not a feed.
var errNotFeed = errors.New("not an RSS or Atom feed")

// Pull fetches the feed unless it is unchanged since state. Items that fell
// off the feed are not deletions: feeds list only their latest items. A
// state without an Endpoint makes it find the feed at the address given
// (see find); a feed found before that is gone, or is no feed any more, is
// looked for again.
func (s *Source) Pull(ctx context.Context, state store.SourceState, progress ingest.Progress) (ingest.Pull, error) {
	if feedURL := state.Endpoint; feedURL != "" {
		res, err := s.client.Get(ctx, fetch.Request{URL: feedURL, Accept: accept, ETag: state.ETag, LastModified: state.LastModified})
		var pull ingest.Pull
		if err == nil {
			pull, err = s.read(res, feedURL, state, progress)
		}
		// Looking again at the address given helps when the feed found
		// there moved, or when the address is a page now: not when it is
		// the address given that is gone.
		if err == nil || !movedAway(err) || (feedURL == s.url && !errors.Is(err, errNotFeed)) {
			return pull, err
		}
		// Looked for without the validators, which were the gone feed's.
		found, res, ferr := s.find(ctx, store.SourceState{Key: state.Key})
		if ferr != nil {
			return ingest.Pull{}, fmt.Errorf("%w (looked again at %s: %v)", err, s.url, ferr)
		}
		return s.pullFound(found, res, state, progress)
	}
	found, res, err := s.find(ctx, state)
	if err != nil {
		return ingest.Pull{}, err
	}
	return s.pullFound(found, res, state, progress)
}

// pullFound reads the answer of the feed find found.
func (s *Source) pullFound(found finding, res fetch.Response, state store.SourceState, progress ingest.Progress) (ingest.Pull, error) {
	pull, err := s.read(res, found.feed, state, progress)
	pull.Found = found.String()
	return pull, err
}

// movedAway reports whether err says that the feed is no longer where it
// was found.
func movedAway(err error) bool {
	var se *fetch.StatusError
	return errors.Is(err, errNotFeed) || (errors.As(err, &se) && (se.Code == 404 || se.Code == 410))
}

// find fetches the address given: a feed is the source's feed; a page
// gives the main feed it links to (MainFeed), which is fetched. The page
// may link to a feed on another host: it is fetched as any, within the
// client's rules (its guard, its limits).
func (s *Source) find(ctx context.Context, state store.SourceState) (finding, fetch.Response, error) {
	res, err := s.client.Get(ctx, fetch.Request{URL: s.url, Accept: accept, ETag: state.ETag, LastModified: state.LastModified})
	if err != nil {
		return finding{}, res, err
	}
	if res.NotModified || gofeed.DetectFeedType(bytes.NewReader(res.Body)) != gofeed.FeedTypeUnknown {
		return finding{feed: s.url}, res, nil
	}
	feeds := Alternates(res.Body, res.URL)
	main, ok := MainFeed(feeds)
	switch {
	case len(feeds) == 0:
		return finding{}, res, fmt.Errorf("%s is %w, and links to none (no <link rel=\"alternate\"> of type application/rss+xml or application/atom+xml in its head)", s.url, errNotFeed)
	case !ok:
		return finding{}, res, fmt.Errorf("%s is %w, and links only to comments feeds (%s): give a feed's own address to import it", s.url, errNotFeed, feedList(feeds))
	}
	found := finding{feed: main.URL, page: s.url, chosen: main}
	for _, f := range feeds {
		if f != main {
			found.others = append(found.others, f)
		}
	}
	res, err = s.client.Get(ctx, fetch.Request{URL: main.URL, Accept: accept})
	if err != nil {
		return finding{}, res, fmt.Errorf("%s links to the feed %s: %w", s.url, main.URL, err)
	}
	return found, res, nil
}

func feedList(feeds []Alternate) string {
	urls := make([]string, len(feeds))
	for i, f := range feeds {
		urls[i] = f.URL
	}
	return strings.Join(urls, ", ")
}

// read turns the answer of the feed at feedURL into a pull.
func (s *Source) read(res fetch.Response, feedURL string, state store.SourceState, progress ingest.Progress) (ingest.Pull, error) {
	next := state
	next.Endpoint = feedURL
	next.ETag, next.LastModified = res.ETag, res.LastModified
	if res.NotModified {
		return ingest.Pull{NotModified: true, State: next}, nil
	}
	parsed, err := gofeed.NewParser().Parse(bytes.NewReader(repairUTF8(res.Body)))
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return ingest.Pull{}, fmt.Errorf("parse feed %s: %w", feedURL, errNotFeed)
	}
	if err != nil {
		return ingest.Pull{}, fmt.Errorf("parse feed %s: %w", feedURL, err)
	}
	base := feedURL
	pull := ingest.Pull{State: next}
	for i, it := range parsed.Items {
		imported, skipped := s.clean.Article(s.raw(parsed, it), base)
		if skipped != nil {
			pull.Skipped = append(pull.Skipped, *skipped)
		} else {
			pull.Articles = append(pull.Articles, imported)
		}
		if progress != nil {
			progress(i+1, len(parsed.Items))
		}
	}
	return pull, nil
}

func (s *Source) raw(f *gofeed.Feed, it *gofeed.Item) ingest.Raw {
	r := ingest.Raw{
		ID:         strings.TrimSpace(it.GUID),
		Link:       it.Link,
		Title:      it.Title,
		Content:    it.Content,
		Excerpt:    it.Description,
		Categories: it.Categories,
		Lang:       f.Language,
		Source:     f.Title,
	}
	if r.ID == "" {
		r.ID = strings.TrimSpace(it.Link)
	}
	if r.Content == "" {
		r.Content, r.Excerpt = it.Description, ""
	}
	if len(it.Authors) > 0 && it.Authors[0] != nil {
		r.Author = it.Authors[0].Name
	} else if it.DublinCoreExt != nil && len(it.DublinCoreExt.Creator) > 0 {
		r.Author = it.DublinCoreExt.Creator[0]
	}
	if r.Lang == "" && f.DublinCoreExt != nil && len(f.DublinCoreExt.Language) > 0 {
		r.Lang = f.DublinCoreExt.Language[0]
	}
	switch {
	case it.PublishedParsed != nil:
		r.Published = *it.PublishedParsed
	case it.UpdatedParsed != nil:
		r.Published = *it.UpdatedParsed
	}
	if it.UpdatedParsed != nil {
		r.Updated = *it.UpdatedParsed
	}
	r.Image = image(it)
	return r
}

// image finds an item's illustration: a media:content or media:thumbnail
// (which give dimensions), an image enclosure, else what gofeed found (the
// first image of the content, among others).
func image(it *gofeed.Item) *ingest.RawImage {
	for _, name := range []string{"content", "thumbnail"} {
		for _, m := range it.Extensions["media"][name] {
			if u := m.Attrs["url"]; u != "" && (name == "thumbnail" || strings.HasPrefix(m.Attrs["medium"], "image") || strings.HasPrefix(m.Attrs["type"], "image/")) {
				return &ingest.RawImage{URL: u, Width: atoi(m.Attrs["width"]), Height: atoi(m.Attrs["height"])}
			}
		}
	}
	for _, e := range it.Enclosures {
		if e != nil && strings.HasPrefix(e.Type, "image/") {
			return &ingest.RawImage{URL: e.URL}
		}
	}
	if it.Image != nil && it.Image.URL != "" {
		return &ingest.RawImage{URL: it.Image.URL, Alt: it.Image.Title}
	}
	return nil
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' || n > 1e6 {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}

var xmlEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']`)

// repairUTF8 replaces invalid UTF-8 in a feed that is (or says it is)
// UTF-8: one bad byte would otherwise make the XML parser reject the whole
// feed. Feeds in other declared encodings are left to the parser.
func repairUTF8(body []byte) []byte {
	head := body[:min(len(body), 256)]
	if m := xmlEncoding.FindSubmatch(head); m != nil && !strings.EqualFold(string(m[1]), "utf-8") && !strings.EqualFold(string(m[1]), "utf8") {
		return body
	}
	if bytes.HasPrefix(body, []byte{0xFE, 0xFF}) || bytes.HasPrefix(body, []byte{0xFF, 0xFE}) {
		return body // UTF-16
	}
	return bytes.ToValidUTF8(body, []byte("\uFFFD"))
}
