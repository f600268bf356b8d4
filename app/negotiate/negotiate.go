// Package negotiate reads what a client accepts from its Accept-Encoding
// and Accept-Language headers.
package negotiate

import (
	"sort"
	"strconv"
	"strings"

	"github.com/kiosque/kiosque/app/news"
)

// weighted is one entry of an Accept-* header.
type weighted struct {
	name   string
	weight float64
}

// parse reads "a;q=0.5, b" into entries, dropping those of weight 0.
func parse(header string) []weighted {
	var out []weighted
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		weight := 1.0
		if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			w, err := strconv.ParseFloat(q, 64)
			if err != nil {
				continue
			}
			weight = w
		}
		if weight > 0 {
			out = append(out, weighted{name, weight})
		}
	}
	return out
}

// AcceptsEncoding reports whether an Accept-Encoding header accepts coding:
// named with a weight above 0, or covered by a "*" that is.
func AcceptsEncoding(header, coding string) bool {
	named, wildcard := false, false
	for rest := header; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		switch {
		case strings.EqualFold(name, coding):
			if !refused(params) {
				return true
			}
			named = true
		case name == "*":
			wildcard = !refused(params)
		}
	}
	return wildcard && !named
}

// refused reports whether the parameters of an Accept-* entry give it a
// weight of 0 (or one that cannot be read). It allocates nothing: it runs on
// every request.
func refused(params string) bool {
	q, ok := strings.CutPrefix(strings.TrimSpace(params), "q=")
	if !ok {
		return false
	}
	w, err := strconv.ParseFloat(strings.TrimSpace(q), 64)
	return err != nil || w <= 0
}

// Lang picks, from an Accept-Language header, the supported language with
// the highest weight, or "" when none is supported.
func Lang(header string) news.Lang {
	entries := parse(header)
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].weight > entries[j].weight })
	for _, e := range entries {
		if l, ok := news.ParseLang(e.name); ok {
			return l
		}
	}
	return ""
}
