package sqlite

import (
	"errors"
	"testing"

	"github.com/kiosque/kiosque/app/store"
)

// FuzzDecodeCursor: any cursor a client sends is read or refused with
// ErrBadCursor, never anything else; and one that is read encodes again
// to a cursor that reads the same.
func FuzzDecodeCursor(f *testing.F) {
	for _, seed := range []string{
		"", encodeCursor(1709546100000, 42), encodeCursor(-1, 0), encodeCursor(0, 9223372036854775807),
		"MTcwOTU0NjEwMDAwMC40Mg", "MTcwOTU0NjEwMDAwMC40Mg==", "MTcw+/", "LjE", "eC55", "KzUuMDA3",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, c string) {
		published, id, err := decodeCursor(c)
		if err != nil {
			if !errors.Is(err, store.ErrBadCursor) {
				t.Fatalf("decodeCursor(%q): %v, want ErrBadCursor", c, err)
			}
			return
		}
		again := encodeCursor(published, id)
		p2, id2, err := decodeCursor(again)
		if err != nil || p2 != published || id2 != id {
			t.Fatalf("decodeCursor(%q) = %d, %d; encoded again %q, which reads %d, %d, %v", c, published, id, again, p2, id2, err)
		}
	})
}
