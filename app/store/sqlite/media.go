package sqlite

import (
	"context"
	"database/sql"

	"github.com/kiosque/kiosque/app/store"
)

var _ store.MediaStore = (*Store)(nil)

// PutMedia records where the images behind keys are, in one transaction.
// A key is a hash of its URL, so a key already recorded keeps its URL.
func (s *Store) PutMedia(ctx context.Context, media ...store.Media) error {
	if len(media) == 0 {
		return nil
	}
	if err := store.CheckMedia(media); err != nil {
		return err
	}
	return s.write(ctx, "record media", func(tx *sql.Tx) error {
		return store.RecordMedia(ctx, reader{tx}, media)
	})
}
