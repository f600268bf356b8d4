package verdict

import (
	"math"
	"testing"
)

func TestJudge(t *testing.T) {
	for _, tc := range []struct {
		ranker, baseline int64
		want             Says
	}{
		{0, 0, NoViews},
		{1, 0, Undecided},
		{5, 0, Undecided}, // a sign test: p = 0.0625
		{6, 0, RankerBetter},
		{0, 6, BaselineBetter},
		{60, 40, Undecided}, // [0.497, 0.697]
		{65, 35, RankerBetter},
		{35, 65, BaselineBetter},
		{500, 500, Undecided},
		{530, 470, Undecided},
		{560, 440, RankerBetter},
		{1_000_000, 1_001_000, Undecided},
	} {
		if got := Judge(tc.ranker, tc.baseline); got.Says != tc.want {
			t.Errorf("Judge(%d, %d) = %+v, want %s", tc.ranker, tc.baseline, got, tc.want)
		}
	}
}

// The interval is Clopper and Pearson's: checked against the binomial
// distribution summed term by term, bounds found by bisection (as R's
// binom.test(k, n)$conf.int gives them).
func TestTheIntervalIsExact(t *testing.T) {
	for _, tc := range []struct {
		ranker, baseline int64
		low, high        float64
	}{
		{60, 40, 0.4972092, 0.6967052},
		{5, 0, 0.4781762, 1},
		{0, 5, 0, 0.5218238},
		{1, 1, 0.01257912, 0.98742088},
		{7, 3, 0.3475471, 0.9332605},
		{5300, 4700, 0.5201603, 0.5398222},
	} {
		v := Judge(tc.ranker, tc.baseline)
		if math.Abs(v.Low-tc.low) > 1e-6 || math.Abs(v.High-tc.high) > 1e-6 {
			t.Errorf("Judge(%d, %d): [%.7f, %.7f], want [%.7f, %.7f]", tc.ranker, tc.baseline, v.Low, v.High, tc.low, tc.high)
		}
		if v.Share < v.Low || v.Share > v.High {
			t.Errorf("Judge(%d, %d): the share %.3f is outside its interval", tc.ranker, tc.baseline, v.Share)
		}
	}
}
