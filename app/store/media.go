package store

import "context"

// MediaStore remembers where the images of imported articles come from.
// Articles point at /media/<key>, never at the publisher's host, and
// Kiosque fetches the image behind a key the first time it is asked for:
// only URLs recorded here are ever fetched, so the server is no open proxy.
type MediaStore interface {
	// PutMedia records each key's URL, in one transaction. A key already
	// recorded keeps its URL.
	PutMedia(ctx context.Context, media ...Media) error
	// MediaURL returns the URL recorded for key, or ErrNotFound.
	MediaURL(ctx context.Context, key string) (string, error)
	// RecordedMedia returns which of keys are recorded. An image is
	// forgotten when no article points at it any more (an import, a
	// takedown): a server may then delete its copy.
	RecordedMedia(ctx context.Context, keys []string) (map[string]bool, error)
}

// Media is an image of an imported article: the name Kiosque serves it
// under, and where it is on the publisher's site.
type Media struct {
	Key string
	URL string
}
