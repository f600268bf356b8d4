package related

import (
	"slices"

	"github.com/kiosque/kiosque/app/news"
)

// recencyKey names one list of articles, newest first. An empty language or
// category stands for all of them.
type recencyKey struct {
	lang     news.Lang
	category string
}

// recencyLists keep articles newest first per language and category: the
// fallback reads them when an article has too few related ones.
type recencyLists map[recencyKey][]uint32

func recencyKeys(d *document) []recencyKey {
	keys := []recencyKey{{lang: d.lang}, {}}
	if d.category != "" {
		keys = append(keys, recencyKey{lang: d.lang, category: d.category}, recencyKey{category: d.category})
	}
	return keys
}

func (r recencyLists) add(id uint32, docs []*document) {
	for _, key := range recencyKeys(docs[id]) {
		list := r[key]
		i, _ := slices.BinarySearchFunc(list, id, newerFirst(docs))
		r[key] = slices.Insert(list, i, id)
	}
}

// build fills the lists for ids at once, sorting each list once rather
// than inserting one by one.
func (r recencyLists) build(ids []uint32, docs []*document) {
	for _, id := range ids {
		for _, key := range recencyKeys(docs[id]) {
			r[key] = append(r[key], id)
		}
	}
	for _, list := range r {
		slices.SortFunc(list, newerFirst(docs))
	}
}

func (r recencyLists) remove(id uint32, docs []*document) {
	for _, key := range recencyKeys(docs[id]) {
		list := r[key]
		if i, found := slices.BinarySearchFunc(list, id, newerFirst(docs)); found {
			list = slices.Delete(list, i, i+1)
		}
		if len(list) == 0 {
			delete(r, key)
		} else {
			r[key] = list
		}
	}
}

// newerFirst orders by publication time, newest first, then by id so that
// every article has one place.
func newerFirst(docs []*document) func(a, b uint32) int {
	return func(a, b uint32) int {
		if c := docs[b].published.Compare(docs[a].published); c != 0 {
			return c
		}
		return int(int64(a) - int64(b))
	}
}
