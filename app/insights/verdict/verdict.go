// Package verdict tells, from the interleaved views readers clicked,
// whether Kiosque's ranker beats the baseline: the share of the views
// that one of them won that the ranker won, with its exact binomial 95%
// interval (Clopper and Pearson). A tie (as many clicks for each) decides
// nothing and is left out, as the sign test leaves it. The verdict is the
// interval's: above one half, the ranker beats the baseline; below, the
// baseline wins; across it, the views do not tell yet.
package verdict

import "math"

// Says is what the views say.
type Says string

// The verdicts.
const (
	// NoViews: no interleaved view was decided.
	NoViews Says = "none"
	// RankerBetter: the ranker wins more than half of the decided views,
	// at 95% confidence.
	RankerBetter Says = "better"
	// BaselineBetter: the baseline wins more than half, at 95%.
	BaselineBetter Says = "worse"
	// Undecided: either may be better; more views will tell.
	Undecided Says = "undecided"
)

// Verdict is the comparison of the two rankers over some views.
type Verdict struct {
	Says Says
	// Share is the share of the decided views the ranker won; Low and
	// High bound it at 95%. All three are 0 without decided views.
	Share, Low, High float64
}

// Judge compares the rankers over views the ranker won, and views the
// baseline won. Ties are left out.
func Judge(rankerWins, baselineWins int64) Verdict {
	k, n := float64(rankerWins), float64(rankerWins+baselineWins)
	if n <= 0 || k < 0 {
		return Verdict{Says: NoViews}
	}
	// Clopper–Pearson: exact, so never too sure with few views, where
	// the normal approximation (and even Wilson's interval: 4 wins out of
	// 4 would do) claims more than a sign test allows.
	v := Verdict{Says: Undecided, Share: k / n, Low: 0, High: 1}
	if k > 0 {
		v.Low = betaQuantile(0.025, k, n-k+1)
	}
	if k < n {
		v.High = betaQuantile(0.975, k+1, n-k)
	}
	switch {
	case v.Low > 0.5:
		v.Says = RankerBetter
	case v.High < 0.5:
		v.Says = BaselineBetter
	}
	return v
}

// betaQuantile is the x at which the Beta(a, b) distribution reaches
// probability q, found by bisection: 60 halvings are exact to float64.
func betaQuantile(q, a, b float64) float64 {
	lo, hi := 0.0, 1.0
	for range 60 {
		mid := (lo + hi) / 2
		if regularizedBeta(mid, a, b) < q {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// regularizedBeta is I_x(a, b), the Beta(a, b) distribution function,
// by its continued fraction (Numerical Recipes, 6.4), which converges
// fast on the side of the mean where it is evaluated.
func regularizedBeta(x, a, b float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab - la - lb + a*math.Log(x) + b*math.Log1p(-x))
	if x < (a+1)/(a+b+2) {
		return front * betaFraction(x, a, b) / a
	}
	return 1 - front*betaFraction(1-x, b, a)/b
}

// betaFraction evaluates the continued fraction of the incomplete beta
// function by the modified Lentz method.
func betaFraction(x, a, b float64) float64 {
	const tiny, epsilon = 1e-300, 1e-15
	c, d := 1.0, 1-(a+b)*x/(a+1)
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1.0; m <= 10_000; m++ {
		for _, num := range [2]float64{
			m * (b - m) * x / ((a + 2*m - 1) * (a + 2*m)),
			-(a + m) * (a + b + m) * x / ((a + 2*m) * (a + 2*m + 1)),
		} {
			d = 1 + num*d
			if math.Abs(d) < tiny {
				d = tiny
			}
			c = 1 + num/c
			if math.Abs(c) < tiny {
				c = tiny
			}
			d = 1 / d
			h *= d * c
		}
		if math.Abs(d*c-1) < epsilon {
			break
		}
	}
	return h
}
