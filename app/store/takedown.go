package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/news"
)

// Takedowns takes articles out of the store for good, as a legal takedown
// asks: a blocked article is removed, and imports skip it from then on,
// until it is unblocked.
type Takedowns interface {
	// Block removes the articles ref names and puts them on the block
	// list, in one transaction that counts as a change (every server drops
	// what it keeps). ref is the slug of a stored article, or the URL of
	// an article's page at its source, read as ArticleByURL reads it (http
	// or https, with or without a trailing slash). Every article at that
	// URL goes (a slug names its article's URL too); a URL is blocked even
	// if no article is stored under it. The related lists that name a
	// removed article lose it in the same transaction, and the images only
	// removed articles pointed at are forgotten (Takedown.Media). Blocking
	// what is blocked already removes nothing and is no error. A slug no
	// article has is ErrNotFound; a ref that is neither a slug nor an http
	// or https URL is ErrInvalid.
	Block(ctx context.Context, ref string) (Takedown, error)
	// Unblock takes the entries ref names (a slug or a URL, as Block takes
	// them) off the block list, in one transaction, and returns them; none
	// is ErrNotFound. It brings nothing back by itself: the sources the
	// entries came from forget their validators and cursor (every source,
	// for a URL blocked before any import brought it), so that their next
	// import fetches every item again.
	Unblock(ctx context.Context, ref string) ([]Block, error)
	// Blocked returns the block list, the latest entry first.
	Blocked(ctx context.Context) ([]Block, error)
}

// Block is an entry of the block list: what imports skip.
type Block struct {
	// URL is the article's page at its source, as it was stored; an
	// imported item whose URL is this one, the scheme and a trailing
	// slash aside, is skipped. Empty for an article that had none.
	URL string
	// Slug and Title are the removed article's, for people to read; empty
	// for a URL blocked while no article was stored under it.
	Slug  string
	Title string
	// Origin and OriginID are the removed article's identity at its source
	// (see Import): an item with this identity is skipped too, whatever
	// its URL has become. Empty for an article that was not imported.
	Origin   string
	OriginID string
	// Since is when it was blocked.
	Since time.Time
}

// Takedown is what Block did.
type Takedown struct {
	// Blocked are the entries added: one per article removed, or one for
	// a URL under which no article was stored. None when ref was blocked
	// already.
	Blocked []Block
	// Removed are the slugs of the articles removed.
	Removed []string
	// Media are the keys of the images (under /media/) that the removed
	// articles pointed at and no stored article does any more: they are
	// no longer recorded, and their files may be deleted.
	Media []string
}

// URLKey is u as the block list and ArticleByURL compare URLs: without its
// scheme (http or https), fragment or trailing slash. ok is false for a
// URL that is not http or https.
func URLKey(u string) (key string, ok bool) {
	u, _, _ = strings.Cut(u, "#")
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(u, "http://"); !ok {
			return "", false
		}
	}
	rest = strings.TrimSuffix(rest, "/")
	return rest, rest != ""
}

// uRLForms are the URLs that URLKey gives key for, as stored articles may
// hold them.
func uRLForms(key string) []string {
	return []string{"https://" + key, "https://" + key + "/", "http://" + key, "http://" + key + "/"}
}

// MediaKeys returns the keys of the images under mediakey.Prefix that a
// points at, its illustration and the images of its HTML, each once,
// sorted. A mention that is no image (a link) counts too, which only keeps
// an image longer.
func MediaKeys(a news.Article) []string {
	keys := mediakey.Refs(a.HTML)
	if a.Image != nil {
		keys = append(keys, mediakey.Refs(a.Image.Src)...)
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// Blocks is the block list as an import reads it.
type Blocks struct {
	urls       map[string]bool
	identities map[[2]string]bool
}

// newBlocks indexes the entries of a block list.
func newBlocks(entries []Block) Blocks {
	b := Blocks{urls: map[string]bool{}, identities: map[[2]string]bool{}}
	for _, e := range entries {
		if key, ok := URLKey(e.URL); ok {
			b.urls[key] = true
		}
		if e.Origin != "" {
			b.identities[[2]string{e.Origin, e.OriginID}] = true
		}
	}
	return b
}

// Holds reports whether an item of origin is blocked: by its URL or by
// its identity at the source.
func (b Blocks) Holds(origin string, item Imported) bool {
	if b.identities[[2]string{origin, item.OriginID}] {
		return true
	}
	key, ok := URLKey(item.Article.URL)
	return ok && b.urls[key]
}

// sourcesToRefetch are the origins of unblocked entries, whose next
// import must fetch everything again, or "" (every source) when one has
// none: a URL blocked before anything was imported from it.
func sourcesToRefetch(entries []Block) []string {
	var origins []string
	for _, e := range entries {
		if e.Origin == "" {
			return []string{""}
		}
		origins = append(origins, e.Origin)
	}
	slices.Sort(origins)
	return slices.Compact(origins)
}

// The rules of a takedown, written once: Block and Unblock run them on a
// store's transaction through TakedownTx, which only reads and writes.

// TakedownTx is what a takedown asks of a store, within its transaction.
// A column is "slug" or "url_key", as the blocked table names them.
type TakedownTx interface {
	// ArticleBySlug returns the article with this slug; ok is false when
	// none has it.
	ArticleBySlug(ctx context.Context, slug string) (a TakenDown, ok bool, err error)
	// ArticlesAt returns the articles whose URL has this URLKey, by id.
	ArticlesAt(ctx context.Context, urlKey string) ([]TakenDown, error)
	// BlockList returns the entries of the block list whose column has
	// this value, the latest first.
	BlockList(ctx context.Context, column, value string) ([]Block, error)
	AddBlock(ctx context.Context, b Block, urlKey string) error
	DeleteBlocks(ctx context.Context, column, value string) error
	// Remove deletes the articles (their own lists and their images'
	// records go with them), takes them out of every related list that
	// names them, and forgets the images no article points at any more,
	// which it returns.
	Remove(ctx context.Context, articles []TakenDown) (media []string, err error)
	// Refetch makes the next import of the source with this key (of every
	// source, for "") fetch every item again: it forgets its validators
	// and cursor.
	Refetch(ctx context.Context, key string) error
}

// TakenDown is a stored article as a takedown reads it.
type TakenDown struct {
	ID                                 int64
	Slug, URL, Title, Origin, OriginID string
}

// takenDownColumns are the columns a TakenDown is read from.
const takenDownColumns = "id, slug, url, title, coalesce(origin, ''), coalesce(origin_id, '')"

// refColumn is the column of the block list that ref names: url_key for
// an http or https URL, slug for a slug.
func refColumn(ref string) (column, value string, err error) {
	if key, ok := URLKey(ref); ok {
		return "url_key", key, nil
	}
	if ValidSlug(ref) {
		return "slug", ref, nil
	}
	return "", "", fmt.Errorf("%w: give an article's slug, or the http or https URL of its page", ErrInvalid)
}

// applyBlock runs Block (see Takedowns) on tx; since is the time of the
// entries it adds.
func applyBlock(ctx context.Context, tx TakedownTx, ref string, since time.Time) (Takedown, error) {
	column, key, err := refColumn(ref)
	if err != nil {
		return Takedown{}, err
	}
	var victims []TakenDown
	if column == "slug" {
		a, ok, err := tx.ArticleBySlug(ctx, ref)
		if err != nil {
			return Takedown{}, err
		}
		if !ok {
			if blocked, err := tx.BlockList(ctx, column, ref); err != nil || len(blocked) > 0 {
				return Takedown{}, err // blocked already: nothing to do
			}
			return Takedown{}, fmt.Errorf("no article has this slug: %w", ErrNotFound)
		}
		victims = []TakenDown{a}
		if key, ok = URLKey(a.URL); !ok {
			key = ""
		}
	}
	if key != "" { // every article at that URL goes
		at, err := tx.ArticlesAt(ctx, key)
		if err != nil {
			return Takedown{}, err
		}
		for _, a := range at {
			if len(victims) == 0 || a.ID != victims[0].ID {
				victims = append(victims, a)
			}
		}
	}
	if len(victims) == 0 { // a URL under which no article is stored
		if blocked, err := tx.BlockList(ctx, column, key); err != nil || len(blocked) > 0 {
			return Takedown{}, err
		}
		b := Block{URL: ref, Since: since}
		if err := tx.AddBlock(ctx, b, key); err != nil {
			return Takedown{}, err
		}
		return Takedown{Blocked: []Block{b}}, nil
	}
	var done Takedown
	for _, v := range victims {
		b := Block{URL: v.URL, Slug: v.Slug, Title: v.Title, Origin: v.Origin, OriginID: v.OriginID, Since: since}
		urlKey, _ := URLKey(v.URL)
		if err := tx.AddBlock(ctx, b, urlKey); err != nil {
			return Takedown{}, err
		}
		done.Blocked = append(done.Blocked, b)
		done.Removed = append(done.Removed, v.Slug)
	}
	if done.Media, err = tx.Remove(ctx, victims); err != nil {
		return Takedown{}, err
	}
	return done, nil
}

// applyUnblock runs Unblock (see Takedowns) on tx.
func applyUnblock(ctx context.Context, tx TakedownTx, ref string) ([]Block, error) {
	column, value, err := refColumn(ref)
	if err != nil {
		return nil, err
	}
	entries, err := tx.BlockList(ctx, column, value)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("nothing blocked has this slug or URL: %w", ErrNotFound)
	}
	if err := tx.DeleteBlocks(ctx, column, value); err != nil {
		return nil, err
	}
	// The next import of the sources fetches every item again, the
	// unblocked ones among them.
	for _, origin := range sourcesToRefetch(entries) {
		if err := tx.Refetch(ctx, origin); err != nil {
			return nil, fmt.Errorf("forget the validators of %s: %w", origin, err)
		}
	}
	return entries, nil
}
