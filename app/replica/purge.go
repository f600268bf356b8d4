package replica

import (
	"context"
	"time"

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
// cache. The keys are kept in the store too until the caches confirm
// them, for the next leader should this one stop first.
func (r *Replica) purgeChange(ctx context.Context, c keeper.Change) {
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
	urgent := len(c.Removed) > 0
	if err := r.st.QueuePurges(ctx, keys, urgent); err != nil && ctx.Err() == nil {
		r.log.WarnContext(ctx, "purges not kept in the store: sent, but lost should this server stop first", "err", err)
	}
	r.purges.Add(keys, urgent)
}

// purged forgets the keys the caches confirmed, or that were given up.
func (r *Replica) purged(keys []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.st.DropPurges(ctx, keys); err != nil {
		r.log.WarnContext(ctx, "purges sent but not forgotten: the next leader sends them again", "keys", len(keys), "err", err)
	}
}

// resumePurges queues the purges kept in the store: those a leader before
// this one did not see confirmed, and those of `kiosque remove` and
// `ingest` run while no server ran. A leader with no cache to purge
// forgets them, so that they do not pile up.
func (r *Replica) resumePurges(ctx context.Context) {
	kept, err := r.st.QueuedPurges(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.log.WarnContext(ctx, "the purges kept in the store are not read: they wait for the next leader", "err", err)
		}
		return
	}
	if r.purges == nil {
		keys := make([]string, len(kept))
		for i, k := range kept {
			keys[i] = k.Key
		}
		if err := r.st.DropPurges(ctx, keys); err != nil && ctx.Err() == nil {
			r.log.WarnContext(ctx, "the purges kept in the store for no cache are not forgotten", "err", err)
		}
		return
	}
	var urgent, others []string
	for _, k := range kept {
		if k.Urgent {
			urgent = append(urgent, k.Key)
		} else {
			others = append(others, k.Key)
		}
	}
	if len(kept) > 0 {
		r.log.InfoContext(ctx, "purging what an earlier leader or command left to purge", "keys", len(kept), "takedown", len(urgent))
	}
	r.purges.Add(urgent, true)
	r.purges.Add(others, false)
}
