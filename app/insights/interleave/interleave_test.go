package interleave

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// list makes n slugs with a prefix.
func list(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

// randomLists are two lists drawn from one pool of articles, so that they
// overlap as two rankers' lists do.
func randomLists(r *rand.Rand) (a, b []string) {
	pool := list("x", 20)
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	a = slices.Clone(pool[:r.IntN(13)])
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	b = slices.Clone(pool[:r.IntN(13)])
	return a, b
}

func TestAMergedListNeverRepeatsAnArticle(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		a, b := randomLists(r)
		k := 1 + r.IntN(12)
		for v := 1; v <= Variants; v++ {
			merged, teams := Merge(a, b, k, v)
			seen := map[string]bool{}
			for i, slug := range merged {
				if seen[slug] {
					t.Fatalf("Merge(%q, %q, %d, %d) = %q repeats %s", a, b, k, v, merged, slug)
				}
				seen[slug] = true
				// Each slot holds an article of the ranker credited.
				if own := map[Team][]string{A: a, B: b}[teams[i]]; !slices.Contains(own, slug) {
					t.Fatalf("Merge(%q, %q, %d, %d): %s is credited to %d, whose list lacks it", a, b, k, v, slug, teams[i])
				}
			}
			union := map[string]bool{}
			for _, s := range append(slices.Clone(a), b...) {
				union[s] = true
			}
			if want := min(k, len(union)); len(merged) != want || len(teams) != want {
				t.Fatalf("Merge(%q, %q, %d, %d): %d articles, %d teams; want %d", a, b, k, v, len(merged), len(teams), want)
			}
		}
	}
}

// Each ranker's best article not yet shown comes before its others: a
// merged list keeps the order of each ranker's own list.
func TestEachRankersPicksKeepItsOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		a, b := randomLists(r)
		for v := 1; v <= Variants; v++ {
			merged, teams := Merge(a, b, 12, v)
			for _, tc := range []struct {
				team Team
				list []string
			}{{A, a}, {B, b}} {
				last := -1
				for i, slug := range merged {
					if teams[i] != tc.team {
						continue
					}
					at := slices.Index(tc.list, slug)
					if at <= last {
						t.Fatalf("Merge(%q, %q, 12, %d) = %q: team %d's picks are out of its order", a, b, v, merged, tc.team)
					}
					last = at
				}
			}
		}
	}
}

// With lists long enough, each ranker gets half the slots of every merged
// list (one more for one of them when k is odd), picks first in half the
// rounds over the variants, and so gets each position of the carousel in
// half of them.
func TestEachRankerGetsItsShareOfSlots(t *testing.T) {
	a, b := list("a", 12), list("b", 12)
	for k := 1; k <= 12; k++ {
		atPosition := make([][3]int, k)
		for v := 1; v <= Variants; v++ {
			_, teams := Merge(a, b, k, v)
			var n [3]int
			for i, team := range teams {
				n[team]++
				atPosition[i][team]++
			}
			if d := n[A] - n[B]; d < -1 || d > 1 || (k%2 == 0 && d != 0) {
				t.Errorf("k=%d, variant %d: A has %d slots, B %d", k, v, n[A], n[B])
			}
		}
		for i, n := range atPosition {
			if n[A] != Variants/2 || n[B] != Variants/2 {
				t.Errorf("k=%d: position %d is A's in %d variants, B's in %d; want %d each", k, i+1, n[A], n[B], Variants/2)
			}
		}
	}
	// Sharing articles does not change the share: an article both rank is
	// credited to whichever picked it.
	same := list("s", 12)
	var n [3]int
	for v := 1; v <= Variants; v++ {
		_, teams := Merge(same, same, 6, v)
		for _, team := range teams {
			n[team]++
		}
	}
	if n[A] != n[B] {
		t.Errorf("identical lists: A credited %d slots, B %d", n[A], n[B])
	}
}

func TestWhenOneListRunsOutTheOtherFillsTheRest(t *testing.T) {
	merged, teams := Merge([]string{"a1"}, list("b", 6), 6, 1)
	if want := []string{"a1", "b0", "b1", "b2", "b3", "b4"}; !slices.Equal(merged, want) {
		t.Errorf("merged %q, want %q", merged, want)
	}
	if want := []Team{A, B, B, B, B, B}; !slices.Equal(teams, want) {
		t.Errorf("teams %v, want %v", teams, want)
	}
	if merged, _ := Merge(nil, nil, 6, 3); len(merged) != 0 {
		t.Errorf("two empty lists merged into %q", merged)
	}
}

func TestJudge(t *testing.T) {
	for _, tc := range []struct {
		a, b int
		want Outcome
	}{{0, 0, NoClick}, {1, 0, AWins}, {0, 2, BWins}, {2, 1, AWins}, {1, 1, Tie}, {3, 3, Tie}} {
		if got := Judge(tc.a, tc.b); got != tc.want {
			t.Errorf("Judge(%d, %d) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// Readers who click at random, whatever ranker put an article there, make
// neither ranker win: team-draft credits are fair.
func TestRandomClicksFavourNeither(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var wins [3]int
	a, b := list("x", 12), list("x", 12)
	r.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
	for range 20000 {
		_, teams := Merge(a, b, 6, 1+r.IntN(Variants))
		var clicks [3]int
		clicks[teams[r.IntN(len(teams))]]++
		switch Judge(clicks[A], clicks[B]) {
		case AWins:
			wins[A]++
		case BWins:
			wins[B]++
		}
	}
	// 20,000 fair coin flips: within 3% of even, about 8 standard
	// deviations.
	if share := float64(wins[A]) / float64(wins[A]+wins[B]); share < 0.47 || share > 0.53 {
		t.Errorf("random clicks: A won %d views, B %d (%.3f)", wins[A], wins[B], share)
	}
}
