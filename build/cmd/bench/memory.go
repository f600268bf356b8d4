package main

import (
	"context"
	"fmt"
)

// measureMemory reads the server's resident memory with 10,000 articles
// stored, once it has answered what readers and partners ask most: the
// front page, the API's first page, and the page and widget of a few
// hundred articles, which it then keeps.
func measureMemory(ctx context.Context, o options, t *table) error {
	k, err := startWith(ctx, o, 10_000)
	if err != nil {
		return err
	}
	defer k.stop()
	started, err := residentMB(k.pid())
	if err != nil {
		return err
	}
	paths := []string{"/", "/api/v1/articles", "/api/v1/categories", "/embed?article=" + seedSlug + "&lang=fr"}
	for i := range 300 {
		slug := fmt.Sprintf("a%d", i*31)
		paths = append(paths, "/a/"+slug, "/embed?article="+slug+"&lang=fr", "/api/v1/articles/"+slug+"/related")
	}
	for _, p := range paths {
		for _, encoding := range []string{"", "gzip, br"} {
			if _, _, err := fetch(k.url+p, encoding, ""); err != nil {
				return err
			}
		}
	}
	answered, err := residentMB(k.pid())
	if err != nil {
		return err
	}
	const group = "memory, 10,036 articles"
	t.add(group, "resident, started", fmt.Sprintf("%.0f MB", started))
	t.add(group, fmt.Sprintf("resident, after %d answers", len(paths)), fmt.Sprintf("%.0f MB", answered))
	return nil
}
