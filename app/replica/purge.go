package replica

import (
	"context"

	"github.com/kiosque/kiosque/app/related/keeper"
	"github.com/kiosque/kiosque/app/server"
)

// purgeChange queues the purge of the answers a change of the store made
// old, at the caches in front: the leader's list keeper tells of every
// change, by any writer (this server's imports, another's, `kiosque
// ingest`, `remove` or `restore`), once. The articles put, removed, or
// whose related list changed, and the lists of the newest articles and
// of the sections put into; never every answer ("kiosque"). An article's
// key is carried by every answer that shows it: its page, its widget, and
// the lists and widgets it appears in; its related key by those that show
// its related list. A removal is urgent: a takedown must leave every
// cache.
func (r *Replica) purgeChange(_ context.Context, c keeper.Change) {
	if r.purges == nil {
		return
	}
	var keys []string
	for _, slugs := range [][]string{c.Removed, c.Put} {
		for _, slug := range slugs {
			keys = append(keys, server.ArticleKey(slug))
		}
	}
	for _, slug := range c.Lists {
		keys = append(keys, server.RelatedKey(slug))
	}
	for _, section := range c.Sections {
		keys = append(keys, server.SectionKey(section))
	}
	if len(c.Put)+len(c.Removed) > 0 {
		keys = append(keys, server.LatestKey)
	}
	r.purges.Add(keys, len(c.Removed) > 0)
}
