package related

// rebuild re-weighs every article on the whole collection and recomputes
// all vectors and lists, in parallel.
func (ix *Index) rebuild() {
	var ids []uint32
	var all []sparseVector
	for id, d := range ix.docs {
		if d != nil {
			ids = append(ids, uint32(id))
			all = append(all, d.counts)
		}
	}
	ix.vocab.recount(all)
	all = nil

	plain := make([]sparseVector, len(ix.docs))
	forEachParallel(len(ids), func(_, i int) { plain[ids[i]] = ix.plainVector(ids[i]) })
	plainOf := func(id uint32) sparseVector { return plain[id] }

	ix.plain = newInvertedIndex()
	for _, id := range ids {
		ix.docs[id].rawPosted = ix.plain.add(id, plain[id].strongest(postedTerms))
	}
	ix.plain.compact()
	scratches := make([]scratch, workers(len(ids)))
	forEachParallel(len(ids), func(w, i int) {
		id := ids[i]
		ix.docs[id].expanded = ix.expand(&scratches[w], id, plain[id], plainOf)
	})
	ix.expanded = newInvertedIndex()
	for _, id := range ids {
		d := ix.docs[id]
		d.expandedPosted = ix.expanded.add(id, d.expanded.strongest(postedTerms))
	}
	ix.expanded.compact()

	lists := make([][]neighbour, len(ix.docs))
	forEachParallel(len(ids), func(w, i int) {
		id := ids[i]
		lists[id] = ix.keepBest(id, ix.rankCandidates(&scratches[w], id))
	})
	ix.recent = make(recencyLists)
	ix.recent.build(ids, ix.docs)
	for _, id := range ids {
		ix.docs[id].neighbours, ix.docs[id].inbound = nil, nil
	}
	for _, id := range ids {
		ix.setNeighbours(id, lists[id])
	}
	ix.builtFor = len(ids)
}
