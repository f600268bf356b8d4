package related

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
)

func testOptions() Options {
	opts := DefaultOptions()
	opts.Now = func() time.Time { return testDay }
	return opts
}

func newTestIndex(t *testing.T, opts Options, articles ...news.Article) *Index {
	t.Helper()
	ix := NewIndex(opts)
	ix.Put(articles...)
	if ix.size() != len(articles) {
		t.Fatalf("Len() = %d after putting %d articles", ix.size(), len(articles))
	}
	return ix
}

// topicOf is the part of a test slug before the dash.
func topicOf(slug string) string {
	topic, _, _ := strings.Cut(slug, "-")
	return topic
}

func TestRelatedFindsTheSameTopicInEachLanguage(t *testing.T) {
	for _, tc := range []struct {
		lang     news.Lang
		articles []news.Article
	}{
		{news.French, frenchCorpus()},
		{news.English, englishCorpus()},
		{news.Arabic, arabicCorpus()},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			ix := newTestIndex(t, testOptions(), tc.articles...)
			for _, a := range tc.articles {
				got := ix.relatedTo(a.Slug, 2)
				if len(got) != 2 {
					t.Errorf("Related(%s, 2) = %v, want 2 articles", a.Slug, got)
					continue
				}
				for _, slug := range got {
					if topicOf(slug) != topicOf(a.Slug) {
						t.Errorf("Related(%s, 2) = %v: %s is off topic", a.Slug, got, slug)
					}
				}
			}
		})
	}
}

func TestRelatedNeverReturnsTheArticleItself(t *testing.T) {
	all := slices.Concat(frenchCorpus(), englishCorpus(), arabicCorpus())
	ix := newTestIndex(t, testOptions(), all...)
	for _, a := range all {
		for _, k := range []int{1, 6, maxK, 30} {
			got := ix.relatedTo(a.Slug, k)
			if slices.Contains(got, a.Slug) {
				t.Errorf("Related(%s, %d) = %v contains the article itself", a.Slug, k, got)
			}
			if want := min(k, len(all)-1); len(got) != want {
				t.Errorf("Related(%s, %d) gave %d articles, want %d", a.Slug, k, len(got), want)
			}
			if dup := firstDuplicate(got); dup != "" {
				t.Errorf("Related(%s, %d) = %v lists %s twice", a.Slug, k, got, dup)
			}
		}
	}
}

func firstDuplicate(slugs []string) string {
	seen := map[string]bool{}
	for _, s := range slugs {
		if seen[s] {
			return s
		}
		seen[s] = true
	}
	return ""
}

func TestRelatedUnknownSlugIsNil(t *testing.T) {
	ix := newTestIndex(t, testOptions(), frenchCorpus()...)
	if got := ix.relatedTo("no-such-article", 6); got != nil {
		t.Errorf("Related(unknown) = %v, want nil", got)
	}
	if got := ix.relatedTo("foot-derby", 0); got == nil || len(got) != 0 {
		t.Errorf("Related(known, 0) = %#v, want an empty, non-nil list", got)
	}
}

func TestRelatedStaysInTheArticlesLanguage(t *testing.T) {
	all := slices.Concat(frenchCorpus(), englishCorpus(), arabicCorpus())
	ix := newTestIndex(t, testOptions(), all...)
	lang := map[string]news.Lang{}
	for _, a := range all {
		lang[a.Slug] = a.Lang
	}
	for _, a := range all {
		// 8 other articles in each language: all 8 stay in it.
		for _, slug := range ix.relatedTo(a.Slug, 8) {
			if lang[slug] != a.Lang {
				t.Errorf("Related(%s [%s], 8) includes %s [%s]", a.Slug, a.Lang, slug, lang[slug])
			}
		}
	}
	// A text in another language that shares names does not count.
	ix.Put(testArticle("english-derby", news.English, 0, "Raja beat Wydad in the Casablanca derby",
		"Raja Casablanca beat Wydad in the Botola derby: Raja's supporters celebrated the Raja win over Wydad."))
	if got := ix.relatedTo("foot-derby", 2); slices.Contains(got, "english-derby") {
		t.Errorf("Related(foot-derby, 2) = %v includes an English article", got)
	}
	// Beyond what the language has, other languages fill in.
	if got := ix.relatedTo("foot-derby", 10); len(got) != 10 || lang[got[9]] == news.French {
		t.Errorf("Related(foot-derby, 10) = %v, want 8 French articles then others", got)
	}
}

func TestRemoveDropsTheArticleFromEveryList(t *testing.T) {
	for _, incremental := range []bool{false, true} {
		t.Run(fmt.Sprintf("incremental=%v", incremental), func(t *testing.T) {
			articles := englishCorpus()
			others := slices.Concat(frenchCorpus(), arabicCorpus())
			ix := NewIndex(testOptions())
			if incremental {
				// Few enough additions not to double the index, which
				// would rebuild it all.
				ix.Put(others...)
				for _, a := range articles {
					ix.Put(a) // one by one, as ingestion does
				}
			} else {
				ix.Put(slices.Concat(others, articles)...)
			}
			const gone = "football-cup"
			before := 0
			for _, a := range articles {
				if slices.Contains(ix.relatedTo(a.Slug, maxK), gone) {
					before++
				}
			}
			if before == 0 {
				t.Fatalf("%s is in no list before removal: the test proves nothing", gone)
			}
			ix.Remove(gone)
			if want := len(others) + len(articles) - 1; ix.size() != want {
				t.Errorf("Len() = %d after removal, want %d", ix.size(), want)
			}
			if got := ix.relatedTo(gone, 6); got != nil {
				t.Errorf("Related(removed) = %v, want nil", got)
			}
			for _, a := range articles {
				if a.Slug == gone {
					continue
				}
				got := ix.relatedTo(a.Slug, maxK)
				if slices.Contains(got, gone) {
					t.Errorf("Related(%s) = %v still lists the removed article", a.Slug, got)
				}
				// The 7 other English articles, then other languages.
				english := len(articles) - 2
				if len(got) != maxK || slices.ContainsFunc(got[:english], isNotEnglishTestSlug) {
					t.Errorf("Related(%s, %d) = %v after removal, want the %d other English articles first", a.Slug, maxK, got, english)
				}
			}
			// The other football articles keep each other.
			if got := ix.relatedTo("football-derby", 1); !slices.Equal(got, []string{"football-transfer"}) {
				t.Errorf("Related(football-derby, 1) = %v after removal, want [football-transfer]", got)
			}
		})
	}
}

func isNotEnglishTestSlug(slug string) bool {
	switch topicOf(slug) {
	case "football", "economy", "health":
		return false
	}
	return true
}

func TestFallbackFillsAnEmptyResult(t *testing.T) {
	opts := testOptions()
	opts.MinScore = 100 // nothing is related enough: every list is empty
	articles := frenchCorpus()
	for i := range articles {
		articles[i].Category = topicOf(articles[i].Slug)
	}
	ix := newTestIndex(t, opts, articles...)
	// eco-taux's category has eco-inflation (1 day ago) and eco-budget (3
	// days ago); then come the newest French articles of other categories.
	got := ix.relatedTo("eco-taux", 4)
	want := []string{"eco-inflation", "eco-budget"}
	if len(got) != 4 || !slices.Equal(got[:2], want) {
		t.Fatalf("Related(eco-taux, 4) = %v, want %v first, then 2 more", got, want)
	}
	for _, slug := range got[2:] {
		if topicOf(slug) == "eco" {
			t.Errorf("Related(eco-taux, 4) = %v: %s repeats the category", got, slug)
		}
	}
}

func TestFallbackWithoutCategoryTakesTheNewest(t *testing.T) {
	opts := testOptions()
	opts.MinScore = 100
	ix := newTestIndex(t, opts, englishCorpus()...)
	got := ix.relatedTo("economy-rates", 3)
	// The three articles published a day ago, in slug order between equals.
	want := []string{"economy-inflation", "football-derby", "health-measles"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("Related(economy-rates, 3) = %v, want %v", got, want)
	}
}

func TestUpdatingAnArticleChangesItsLists(t *testing.T) {
	articles := englishCorpus()
	ix := newTestIndex(t, testOptions(), articles...)
	if got := ix.relatedTo("football-transfer", 2); topicOf(got[0]) != "football" {
		t.Fatalf("before the update, Related(football-transfer) = %v", got)
	}
	// The editor rewrites the article: it is now about the measles outbreak.
	rewritten := articles[2]
	rewritten.Title = "More pupils get the measles jab"
	rewritten.Body = []string{"Doctors report that more pupils have had the measles vaccine since the campaign started, and the outbreak is slowing, health officials said."}
	ix.Put(rewritten)
	if ix.size() != len(articles) {
		t.Errorf("Len() = %d after an update, want %d", ix.size(), len(articles))
	}
	for _, slug := range ix.relatedTo("football-transfer", 2) {
		if topicOf(slug) != "health" {
			t.Errorf("after the update, Related(football-transfer, 2) includes %s, want health articles", slug)
		}
	}
	if got := ix.relatedTo("health-measles", 2); !slices.Contains(got, "football-transfer") {
		t.Errorf("after the update, Related(health-measles, 2) = %v, want the rewritten article in it", got)
	}
	if got := ix.relatedTo("football-derby", 1); slices.Contains(got, "football-transfer") {
		t.Errorf("after the update, Related(football-derby, 1) = %v still puts the rewritten article first", got)
	}
}

func TestIncrementalAddsMatchABatchBuild(t *testing.T) {
	articles := slices.Concat(frenchCorpus(), arabicCorpus(), englishCorpus())
	batch := newTestIndex(t, testOptions(), articles...)
	oneByOne := NewIndex(testOptions())
	oneByOne.Put(articles[:18]...)
	for _, a := range articles[18:] { // not enough to double the index and rebuild it
		oneByOne.Put(a)
	}
	for _, a := range articles {
		b, o := batch.relatedTo(a.Slug, 2), oneByOne.relatedTo(a.Slug, 2)
		slices.Sort(b)
		slices.Sort(o)
		if !slices.Equal(b, o) {
			t.Errorf("Related(%s, 2): batch %v, one by one %v", a.Slug, b, o)
		}
	}
}

func TestSharedTagsRankFirst(t *testing.T) {
	articles := frenchCorpus()
	// On text alone, foot-mercato is closest to foot-coupe; a tag shared
	// with foot-derby turns that round.
	articles[0].Tags = []string{"Raja", "Wydad", "Botola"}
	articles[1].Tags = []string{"Wydad", "Coupe du Trône"}
	articles[2].Tags = []string{"raja", "mercato"}
	ix := newTestIndex(t, testOptions(), articles...)
	if got := ix.relatedTo("foot-mercato", 1); !slices.Equal(got, []string{"foot-derby"}) {
		t.Errorf("Related(foot-mercato, 1) = %v, want [foot-derby], the article sharing a tag", got)
	}
}

func TestSharedCategoryRanksFirst(t *testing.T) {
	articles := frenchCorpus()
	for i := range articles {
		articles[i].Category = "Actualité"
	}
	// On text alone, foot-mercato is closest to foot-coupe; a category
	// shared with foot-derby (written in another case) turns that round.
	articles[0].Category = "Sport" // foot-derby
	articles[1].Category = "Coupe" // foot-coupe
	articles[2].Category = "sport" // foot-mercato
	ix := newTestIndex(t, testOptions(), articles...)
	if got := ix.relatedTo("foot-mercato", 1); !slices.Equal(got, []string{"foot-derby"}) {
		t.Errorf("Related(foot-mercato, 1) = %v, want [foot-derby], the football article in its category", got)
	}
}

func TestRemovalRefillsListsThatFallShort(t *testing.T) {
	opts := testOptions()
	opts.ListLength = maxK
	opts.MinScore = 0 // every other English article qualifies: 13 for 12 places
	extra := []news.Article{
		testArticle("football-injury", news.English, 4, "Striker out injured for the season",
			"The club's striker will miss the rest of the season with a knee injury, the manager told fans before the league match."),
		testArticle("economy-jobs", news.English, 4, "Unemployment falls as the economy grows",
			"Unemployment fell as the economy grew faster than expected, though high prices still squeeze household budgets."),
		testArticle("health-nurses", news.English, 4, "Hospitals hire more nurses",
			"Hospitals are hiring more nurses to treat patients faster, the health ministry said, as doctors warn of long waits."),
		testArticle("health-flu", news.English, 5, "Flu vaccine offered to older people",
			"Doctors are offering the flu vaccine to older people and children before winter, health officials said."),
		testArticle("football-stadium", news.English, 5, "Club plans a bigger stadium",
			"The club plans to expand its stadium so that more fans can watch league and cup matches."),
	}
	articles := slices.Concat(englishCorpus(), extra)
	ix := newTestIndex(t, opts, slices.Concat(frenchCorpus(), articles)...)
	for _, a := range articles {
		if n := len(ix.docs[ix.bySlug[a.Slug]].neighbours); n != maxK {
			t.Fatalf("%s keeps %d neighbours before removal, want %d: the test needs full lists", a.Slug, n, maxK)
		}
	}
	ix.Remove("economy-jobs")
	for _, a := range articles {
		if a.Slug == "economy-jobs" {
			continue
		}
		// 12 English articles are left for each list of 12.
		if n := len(ix.docs[ix.bySlug[a.Slug]].neighbours); n != maxK {
			t.Errorf("%s keeps %d neighbours after a removal, want %d: its list was not refilled", a.Slug, n, maxK)
		}
	}
}

func TestNewerArticlesRankFirstUnderRecencyDecay(t *testing.T) {
	source := testArticle("source", news.English, 0, "Central bank raises interest rates",
		"The central bank raised interest rates to fight inflation, a decision that will raise borrowing costs for households and companies.")
	old := testArticle("old", news.English, 100, "Rates rise again at the central bank",
		"Policymakers at the central bank voted to lift interest rates for the third time this year, saying inflation was still too high.")
	recent := testArticle("recent", news.English, 2, "Mortgage costs climb",
		"Families with a mortgage will pay more each month after the latest decision on borrowing costs, lenders warned.")
	var filler []news.Article // other topics only, so that old and recent are the economy articles
	for _, a := range englishCorpus() {
		if topicOf(a.Slug) != "economy" {
			filler = append(filler, a)
		}
	}

	noDecay := testOptions()
	noDecay.HalfLife = 0
	ix := newTestIndex(t, noDecay, slices.Concat([]news.Article{source, old, recent}, filler)...)
	if got := ix.relatedTo("source", 2); !slices.Equal(got, []string{"old", "recent"}) {
		t.Fatalf("without decay, Related(source, 2) = %v, want [old recent]: the test needs old to be the closer text", got)
	}
	decay := testOptions()
	decay.HalfLife = 90 * 24 * time.Hour // strong enough for 98 days to outweigh the closer text
	ix = newTestIndex(t, decay, slices.Concat([]news.Article{source, old, recent}, filler)...)
	if got := ix.relatedTo("source", 2); !slices.Equal(got, []string{"recent", "old"}) {
		t.Errorf("with a %v half-life, Related(source, 2) = %v, want [recent old]", decay.HalfLife, got)
	}

	windowed := noDecay // without decay, only the window can put recent first
	windowed.Window = 60 * 24 * time.Hour
	ix = newTestIndex(t, windowed, slices.Concat([]news.Article{source, old, recent}, filler)...)
	if got := ix.relatedTo("source", 1); !slices.Equal(got, []string{"recent"}) {
		t.Errorf("with a 60-day window, Related(source, 1) = %v, want [recent]", got)
	}
	// Only the fallback, which comes after every related article, may still
	// show the old one.
	got := ix.relatedTo("source", maxK)
	if i := slices.Index(got, "old"); i >= 0 && i != len(got)-1 {
		t.Errorf("with a 60-day window, Related(source, %d) = %v ranks the old article among the related ones", maxK, got)
	}
}

func TestNearDuplicatesAreNotShown(t *testing.T) {
	articles := englishCorpus()
	copyOfRates := articles[4]
	copyOfRates.Slug = "economy-rates-copy"
	copyOfRates.Title = "Central bank holds interest rates steady"
	articles = append(articles, copyOfRates)
	ix := newTestIndex(t, testOptions(), articles...)
	if got := ix.relatedTo("economy-rates", maxK); slices.Contains(got[:len(got)-3], "economy-rates-copy") {
		t.Errorf("Related(economy-rates) = %v ranks its own republished copy", got)
	}
	for _, slug := range []string{"economy-inflation", "economy-budget"} {
		got := ix.relatedTo(slug, 3)
		if slices.Contains(got, "economy-rates") && slices.Contains(got, "economy-rates-copy") {
			t.Errorf("Related(%s, 3) = %v shows both copies of one story", slug, got)
		}
	}
}

func TestConcurrentReadsAndWrites(t *testing.T) {
	articles := slices.Concat(frenchCorpus(), englishCorpus(), arabicCorpus())
	ix := newTestIndex(t, testOptions(), articles[:9]...)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 200 {
				a := articles[(i*7+w)%len(articles)]
				switch (i + w) % 5 {
				case 0:
					ix.Put(a)
				case 1:
					ix.Remove(a.Slug)
				default:
					for _, slug := range ix.relatedTo(a.Slug, 6) {
						if slug == a.Slug {
							t.Errorf("Related(%s) returned itself", a.Slug)
						}
					}
					_ = ix.size()
				}
			}
		})
	}
	wg.Wait()
	ix.Put(articles...)
	if ix.size() != len(articles) {
		t.Errorf("Len() = %d, want %d", ix.size(), len(articles))
	}
}

func TestPuttingAnUnchangedArticleIsANoOp(t *testing.T) {
	articles := englishCorpus()
	ix := newTestIndex(t, testOptions(), articles...)
	before := ix.docs[ix.bySlug["economy-rates"]]
	ix.Put(articles...) // a feed poll bringing nothing new
	if after := ix.docs[ix.bySlug["economy-rates"]]; after != before {
		t.Error("re-putting an unchanged article re-indexed it")
	}
	changed := articles[4]
	changed.Tags = []string{"rates"}
	ix.Put(changed)
	if after := ix.docs[ix.bySlug["economy-rates"]]; after == before || !slices.Equal(after.tags, []string{"rates"}) {
		t.Error("putting a changed article did not re-index it")
	}
}
