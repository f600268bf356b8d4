package postgres

import (
	"errors"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/store"
)

// FuzzDecodeCursor: any cursor a client sends is read or refused with
// ErrBadCursor, never anything else (PostgreSQL is never asked about a
// time it cannot hold); and one that is read encodes again to a cursor
// that reads the same.
func FuzzDecodeCursor(f *testing.F) {
	for _, seed := range []string{
		"", store.EncodeCursor(1709546100000, 42), store.EncodeCursor(-1, 0), store.EncodeCursor(0, 9223372036854775807),
		store.EncodeCursor(-9223372036854775808, 1), store.EncodeCursor(9223372036854775807, 1),
		"MTcwOTU0NjEwMDAwMC40Mg", "MTcwOTU0NjEwMDAwMC40Mg==", "MTcw+/", "LjE", "eC55", "KzUuMDA3",
	} {
		f.Add(seed)
	}
	earliest, latest := time.UnixMilli(earliestCursor), time.UnixMilli(latestCursor)
	decode := func(c string) (time.Time, int64, error) {
		ms, id, err := store.DecodeCursor(c)
		return cursorTime(ms), id, err
	}
	f.Fuzz(func(t *testing.T, c string) {
		published, id, err := decode(c)
		if err != nil {
			if !errors.Is(err, store.ErrBadCursor) {
				t.Fatalf("decodeCursor(%q): %v, want ErrBadCursor", c, err)
			}
			return
		}
		if published.Before(earliest) || published.After(latest) {
			t.Fatalf("decodeCursor(%q) = %s, outside what a timestamptz holds", c, published)
		}
		again := store.EncodeCursor(published.UnixMilli(), id)
		p2, id2, err := decode(again)
		if err != nil || !p2.Equal(published) || id2 != id {
			t.Fatalf("decodeCursor(%q) = %s, %d; encoded again %q, which reads %s, %d, %v", c, published, id, again, p2, id2, err)
		}
	})
}
