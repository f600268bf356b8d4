// Package interleave merges the lists of two rankers by team-draft
// interleaving (Radlinski, Kurup and Joachims, "How does clickthrough
// data reflect retrieval quality?", 2008): like two captains picking
// teams, the rankers take turns, in an order a coin decides each round,
// and each adds its best article not picked yet. Every slot is credited
// to the ranker that picked it, and a reader's clicks credit the rankers
// of the slots clicked: the ranker whose slots get more clicks in a view
// wins that view. Under clicks at random, each ranker wins as often.
//
// A view is merged one of Variants ways, the coin flips of its variant
// number: the widget's loader draws the variant for each page view (the
// draw is never stored), and the server keeps a handful of merged
// answers per widget rather than one per view.
package interleave

// Team is a ranker of the two being merged: A is the first list given,
// B the second.
type Team uint8

// The two teams.
const (
	A Team = iota + 1
	B
)

// Variants is how many ways two lists are merged: the coin flips of the
// first three rounds, every sequence of them once. Later rounds repeat
// the coins of the first three, so that in every round each ranker picks
// first in half of the variants.
const Variants = 8

// Merge merges a and b into at most k articles, as team-draft
// interleaving does with the coin flips of variant (1 to Variants).
// merged never repeats an article; teams[i] is the ranker credited with
// merged[i]. When one list runs out, the other fills the rest.
func Merge(a, b []string, k, variant int) (merged []string, teams []Team) {
	return teamDraft(a, b, k, func(round int) bool { return aFirst(variant, round) })
}

// aFirst is the coin of a round: whether A picks first in it.
func aFirst(variant, round int) bool {
	return (variant-1)>>(round%3)&1 == 0
}

// teamDraft merges a and b into at most k articles: in each round, A and
// B each add their best article not picked yet, A first when
// aPicksFirst(round) says so.
func teamDraft(a, b []string, k int, aPicksFirst func(round int) bool) (merged []string, teams []Team) {
	picked := make(map[string]bool, k)
	lists := [...][]string{A: a, B: b}
	var next [3]int  // by team: where its list's next candidate is
	var count [3]int // by team: the slots it picked
	// pick adds team's best article not picked yet; false when its list
	// has none left.
	pick := func(team Team) bool {
		list := lists[team]
		for next[team] < len(list) && picked[list[next[team]]] {
			next[team]++
		}
		if next[team] == len(list) {
			return false
		}
		slug := list[next[team]]
		picked[slug] = true
		merged, teams = append(merged, slug), append(teams, team)
		count[team]++
		return true
	}
	for len(merged) < k {
		var first Team
		switch {
		case count[A] < count[B]:
			first = A
		case count[B] < count[A]:
			first = B
		case aPicksFirst(count[A]): // a new round: the coin decides
			first = A
		default:
			first = B
		}
		if !pick(first) && !pick(other(first)) {
			break // both lists are spent
		}
	}
	return merged, teams
}

func other(t Team) Team {
	if t == A {
		return B
	}
	return A
}

// Outcome is what a view's clicks say of the two rankers.
type Outcome uint8

// The outcomes of a view.
const (
	NoClick Outcome = iota // nothing clicked: no comparison
	AWins
	BWins
	Tie // as many clicks on each ranker's slots
)

// Judge is the outcome of a view whose readers clicked clicksA slots of
// A's and clicksB of B's.
func Judge(clicksA, clicksB int) Outcome {
	switch {
	case clicksA == 0 && clicksB == 0:
		return NoClick
	case clicksA > clicksB:
		return AWins
	case clicksB > clicksA:
		return BWins
	}
	return Tie
}
