package articles

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// shelf is a store of articles that counts the questions it is asked.
type shelf struct {
	mu     sync.Mutex
	slugs  map[string]bool
	asked  int
	broken bool
}

func (s *shelf) find(_ context.Context, slug string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked++
	if s.broken {
		return false, errors.New("the store is out of reach")
	}
	return s.slugs[slug], nil
}

func TestSlugsNotFoundAreRememberedForAWhile(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	sh := &shelf{slugs: map[string]bool{"a": true}}
	k := New(sh.find, Options{Missing: 100, Forget: time.Minute, Now: func() time.Time { return now }})
	has := func(slug string) bool {
		t.Helper()
		ok, err := k.Has(t.Context(), slug)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for range 1000 {
		if !has("a") || has("forged") {
			t.Fatal("a is an article, forged is not")
		}
	}
	if sh.asked != 2 {
		t.Errorf("the store was asked %d times for 2 slugs", sh.asked)
	}
	// Once forgotten, a slug not found is asked again: it may have come.
	sh.slugs["forged"] = true
	now = now.Add(time.Minute)
	if !has("forged") || sh.asked != 3 {
		t.Errorf("a slug imported since: found %v, the store asked %d times", has("forged"), sh.asked)
	}
	// Many slugs not found: a bounded number is remembered.
	for i := range 1000 {
		has(fmt.Sprintf("forged-%d", i))
	}
	if n := k.missingCount(); n > 100 {
		t.Errorf("%d slugs not found remembered, want at most 100", n)
	}
	// A failing store says so, and nothing is remembered of it.
	sh.broken = true
	if _, err := k.Has(t.Context(), "other"); err == nil {
		t.Error("no error from a failing store")
	}
	sh.broken = false
	if has("other") {
		t.Error("other is no article")
	}
}
