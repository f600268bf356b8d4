package store

import (
	"context"
	"errors"
)

// SourceForgetter forgets sources left over: one-off imports that failed,
// sources no longer configured whose articles are gone.
type SourceForgetter interface {
	// ForgetSource removes the record of the source with this key (its
	// state, its health). A source with articles stored is kept, with an
	// error wrapping ErrSourceHasArticles: forgetting it would leave them
	// with no source to list them under. ErrNotFound: no source has this key.
	ForgetSource(ctx context.Context, key string) error
}

// ErrSourceHasArticles says that a source still has articles stored.
var ErrSourceHasArticles = errors.New("the source has articles stored")
