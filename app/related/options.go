package related

import "time"

// Options tune the ranker. DefaultOptions gives values measured on news text;
// a zero Options is not useful, start from DefaultOptions.
type Options struct {
	// Now is the clock the Window is measured against. Tests inject a fixed
	// one; nil means time.Now.
	Now func() time.Time

	// HalfLife is the half-life of the recency decay: a candidate published
	// HalfLife earlier than another needs twice its relevance to rank level
	// with it. Zero turns the decay off. The decay is exponential, so the
	// order it gives does not change as the clock moves on, which is what
	// lets neighbour lists be computed in advance.
	HalfLife time.Duration

	// Window, when positive, hides related articles published more than
	// Window before Now. The same-category fallback still applies, so the
	// carousel is never empty.
	Window time.Duration

	// MinScore is the relevance (text similarity plus category and tag
	// bonuses, before recency) below which an article is not related at all.
	MinScore float64

	// ListLength is how many neighbours each article keeps precomputed. It is
	// at least maxK; the spare ones stand in when an article is removed or
	// falls outside the Window, so lists need refilling less often.
	ListLength int

	// TitleWeight is how many times a title word counts against a body word.
	TitleWeight float64

	// CategoryBoost is added to the relevance of an article in the same
	// category; TagBoost is scaled by the cosine of the two tag sets.
	CategoryBoost float64
	TagBoost      float64

	// FeedbackDocs and FeedbackWeight set the pseudo-relevance feedback that
	// smooths each article's terms with those of its FeedbackDocs nearest
	// articles, the neighbours weighing FeedbackWeight times the article
	// itself. It lifts same-topic precision well above plain tf-idf, because
	// two articles on one topic often share few words but many neighbours.
	FeedbackDocs   int
	FeedbackWeight float64

	// DuplicateSimilarity is the plain-text cosine above which two articles
	// count as the same story: such an article is never shown next to the
	// other. Diversity (0 to 1) lowers a candidate's score in proportion to
	// its similarity with articles already picked, so the carousel does not
	// show five takes on one event.
	DuplicateSimilarity float64
	Diversity           float64
}

// maxK is the largest k that relatedTo serves from the precomputed lists.
const maxK = 12

// DefaultOptions returns the settings Kiosque ships with.
func DefaultOptions() Options {
	return Options{
		Now: time.Now,
		// A year: a related story months old is still worth more than an
		// unrelated one from this week.
		HalfLife:    365 * 24 * time.Hour,
		MinScore:    0.08,
		ListLength:  24,
		TitleWeight: 2,
		// The publisher's sections are an editor's judgement; on a small
		// site, where text similarity is noisy, they keep lists on topic.
		CategoryBoost:       0.5,
		TagBoost:            0.15,
		FeedbackDocs:        30,
		FeedbackWeight:      6,
		DuplicateSimilarity: 0.8,
		Diversity:           0.15,
	}
}

// withDefaults fills the fields a caller left at zero that would make the
// index misbehave rather than merely rank differently.
func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ListLength < maxK {
		o.ListLength = maxK
	}
	if o.TitleWeight <= 0 {
		o.TitleWeight = 1
	}
	if o.DuplicateSimilarity <= 0 {
		o.DuplicateSimilarity = 1.01 // off: no pair is more than identical
	}
	return o
}
