package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/kiosque/kiosque/app/store/sqlite"
)

// startupBudget is how soon a server must answer correctly after it
// starts with the large store: it reads the related lists the leader
// stored, instead of building the index first.
const startupBudget = 5 * time.Second

// measureStartup starts a server on the large store, whose lists an
// earlier run stored, and times its start to the first correct answer of
// /api/v1/articles/{slug}/related: the first of the article's stored list.
func measureStartup(ctx context.Context, o options, t *table) error {
	data, err := storeWith(ctx, o.large)
	if err != nil {
		return err
	}
	// A first run stores the lists, if no earlier one did.
	k, err := startKiosque(ctx, o, data)
	if err != nil {
		return err
	}
	k.stop()

	st, err := sqlite.Open(ctx, data)
	if err != nil {
		return err
	}
	const slug = "a4242"
	stored, err := st.RelatedList(ctx, slug)
	st.Close()
	if err != nil || len(stored) < 6 {
		return fmt.Errorf("the stored list of %s: %v, %v", slug, stored, err)
	}
	started := time.Now()
	k, err = launchKiosque(ctx, o, data)
	if err != nil {
		return err
	}
	defer k.stop()
	for {
		if time.Since(started) > time.Minute {
			return fmt.Errorf("a minute after its start the server has not answered %s's related articles as stored", slug)
		}
		if got, err := relatedSlugs(k.url, slug); err == nil && slices.Equal(got, stored[:6]) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(started)
	t.limit(fmt.Sprintf("start, %d articles", o.large+36), "to a correct /related answer", float64(took.Milliseconds()), "ms", float64(startupBudget.Milliseconds()))
	return nil
}

func relatedSlugs(base, slug string) ([]string, error) {
	_, body, err := fetch(base+"/api/v1/articles/"+slug+"/related", "", "")
	if err != nil {
		return nil, err
	}
	var answer struct {
		Articles []struct{ Slug string } `json:"articles"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return nil, err
	}
	var slugs []string
	for _, a := range answer.Articles {
		slugs = append(slugs, a.Slug)
	}
	return slugs, nil
}
