// Package report holds the numbers the publisher's dashboard shows of a
// period: app/insights/dashboard fills them in from the store and
// app/insights/dashpage draws them.
package report

// Report is the dashboard of a period: counts only, nothing of a reader.
type Report struct {
	// From and To are the first and last days of the period, inclusive,
	// as 2006-01-02 (days in UTC); Days is its length. Period is the
	// number of days the picker chose, 0 for dates given.
	From   string `json:"from"`
	To     string `json:"to"`
	Days   int    `json:"days"`
	Period int    `json:"period,omitempty"`

	Total Counts `json:"total"`
	// ByDay holds every day of the period, in order, those without events
	// at 0.
	ByDay []Day `json:"byDay"`
	// Partners and Placements are the most viewed, most first.
	Partners   []Row `json:"partners"`
	Placements []Row `json:"placements"`
	// Articles are the recommended articles most clicked in carousels.
	Articles []Article `json:"articles"`
	// Positions are the carousel's positions from 1, each with every view
	// of the period and the clicks at that position.
	Positions []Row `json:"positions"`
	// Ranking compares the ranker with the baseline on interleaved views.
	Ranking Ranking `json:"ranking"`
}

// Counts are views and clicks.
type Counts struct {
	Views  int64 `json:"views"`
	Clicks int64 `json:"clicks"`
}

// CTR is the click-through rate: clicks per view, 0 without views.
func (c Counts) CTR() float64 {
	if c.Views == 0 {
		return 0
	}
	return float64(c.Clicks) / float64(c.Views)
}

// Day is a day's counts.
type Day struct {
	Date string `json:"date"` // 2006-01-02
	Counts
}

// Row is the counts of a partner site, a placement or a position. An
// empty Name is one the browser or the partner did not give; Other
// those folded together past the names a server counts in an hour.
type Row struct {
	Name string `json:"name"`
	Counts
}

// Other is the Name of the partners or placements folded together: no
// host nor placement has parentheses.
const Other = "(other)"

// Article is a recommended article and its clicks.
type Article struct {
	Slug   string `json:"slug"`
	Title  string `json:"title,omitempty"` // empty once the article is gone
	Lang   string `json:"lang,omitempty"`  // the title's language
	Clicks int64  `json:"clicks"`
}

// Ranking is what interleaved views say of the ranker against the
// baseline (plain tf-idf cosine).
type Ranking struct {
	// Views are the interleaved views; RankerClicks and BaselineClicks
	// the clicks on each ranker's slots in them.
	Views          int64 `json:"views"`
	RankerClicks   int64 `json:"rankerClicks"`
	BaselineClicks int64 `json:"baselineClicks"`
	// RankerWins and BaselineWins are the views whose clicks went more to
	// one ranker's slots; Ties, as many to each.
	RankerWins   int64 `json:"rankerWins"`
	BaselineWins int64 `json:"baselineWins"`
	Ties         int64 `json:"ties"`
	// Share is the share of the decided views the ranker won, within
	// [Low, High] at 95%.
	Share float64 `json:"share"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	// Verdict is "better" (the ranker beats the baseline), "worse",
	// "undecided", or "none" (no decided view).
	Verdict string `json:"verdict"`
}

// The verdicts of a Ranking (app/insights/verdict).
const (
	VerdictNone      = "none"
	VerdictBetter    = "better"
	VerdictWorse     = "worse"
	VerdictUndecided = "undecided"
)
