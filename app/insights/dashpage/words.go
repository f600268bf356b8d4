package dashpage

import (
	"strconv"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/insights/report"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/ui"
)

// words are the words of the publisher's dashboard in one language.
type words struct {
	title, intro, unverified               string
	others                                 string
	period, days, from, to, show, fromTo   string // days: "%d days"; fromTo: "from %s to %s"
	views, clicks, ctr                     string
	perDay, ctrPerDay, numbers, day        string
	partners, site, unknownSite            string
	placements, placement, unnamed         string
	articles, gone                         string
	positions, position                    string
	ranking, rankingIntro                  string
	interleaved, rankerWins, baselineWins  string
	ties, share, rankerClicks, baselineClk string
	verdicts                               map[string]string
	csv, empty                             string
	noClicks                               string // the top articles' list, when none was clicked
	chartOf                                string // "Chart: %s, %s. The numbers follow.": its name, its period
	barsOf                                 string // "Bar chart: %s. The numbers follow."
	languages                              string
	colon                                  string // between a name and its value
}

var wordsByLang = map[news.Lang]words{
	news.French: {
		title:        "Audience du widget",
		intro:        "Vues et clics du widget sur les sites partenaires, comptés sans cookie ni identifiant : des totaux par heure, jamais un lecteur.",
		unverified:   "Ces chiffres ne sont pas authentifiés : n’importe qui peut envoyer un signal de vue ou de clic. Le serveur borne ce qu’une adresse peut ajouter, mais un site ou un script peut encore les gonfler ou les fausser, verdict du classement compris.",
		others:       "(autres)",
		period:       "Période",
		days:         "%d jours",
		from:         "Du",
		to:           "Au",
		show:         "Afficher",
		fromTo:       "du %s au %s",
		views:        "Vues",
		clicks:       "Clics",
		ctr:          "Taux de clic",
		perDay:       "Vues et clics par jour",
		ctrPerDay:    "Taux de clic par jour",
		numbers:      "Les chiffres",
		day:          "Jour",
		partners:     "Sites partenaires les plus vus",
		site:         "Site",
		unknownSite:  "(non indiqué par le navigateur)",
		placements:   "Emplacements les plus vus",
		placement:    "Emplacement",
		unnamed:      "(sans nom)",
		articles:     "Articles recommandés les plus cliqués",
		gone:         "(article retiré)",
		positions:    "Taux de clic par position dans le carrousel",
		position:     "Position",
		ranking:      "Le classement de Kiosque face à une référence",
		rankingIntro: "Sur une part des vues, le carrousel mêle, tour à tour, les suggestions de Kiosque et celles d’une référence simple (la similarité tf-idf des textes). Chaque clic compte pour celui des deux qui a proposé l’article ; une vue est gagnée par celui qui a reçu le plus de clics.",
		interleaved:  "Vues mêlées",
		rankerWins:   "Vues gagnées par Kiosque",
		baselineWins: "Vues gagnées par la référence",
		ties:         "Égalités",
		share:        "Part des vues gagnées par Kiosque (intervalle de confiance à 95 %)",
		rankerClicks: "Clics sur les suggestions de Kiosque",
		baselineClk:  "Clics sur les suggestions de la référence",
		verdicts: map[string]string{
			report.VerdictBetter:    "Le classement de Kiosque fait mieux que la référence.",
			report.VerdictWorse:     "La référence fait mieux que le classement de Kiosque.",
			report.VerdictUndecided: "On ne peut pas encore dire lequel fait mieux : il faut plus de vues cliquées.",
			report.VerdictNone:      "Aucune vue mêlée n’a encore été cliquée sur cette période.",
		},
		csv:       "Télécharger ces chiffres (CSV)",
		empty:     "Aucune vue sur cette période.",
		noClicks:  "Aucun article recommandé n’a été cliqué sur cette période.",
		chartOf:   "Graphique : %s, %s. Les chiffres suivent.",
		barsOf:    "Graphique en barres : %s. Les chiffres suivent.",
		languages: "Langues",
		colon:     "\u00a0: ",
	},
	news.Arabic: {
		title:        "جمهور الأداة",
		intro:        "مشاهدات الأداة والنقرات عليها في المواقع الشريكة، تُعدّ دون ملفات تعريف ارتباط ولا معرّفات: مجاميع لكل ساعة، لا قارئ بعينه.",
		unverified:   "هذه الأرقام غير موثّقة: يمكن لأي أحد أن يرسل إشارة مشاهدة أو نقرة. يحدّ الخادم مما يضيفه عنوان واحد، لكن موقعا أو برنامجا قد يضخّمها أو يحرّفها، بما في ذلك حكم الترتيب.",
		others:       "(أخرى)",
		period:       "الفترة",
		days:         "%d يوما",
		from:         "من",
		to:           "إلى",
		show:         "عرض",
		fromTo:       "من %s إلى %s",
		views:        "المشاهدات",
		clicks:       "النقرات",
		ctr:          "نسبة النقر",
		perDay:       "المشاهدات والنقرات في اليوم",
		ctrPerDay:    "نسبة النقر في اليوم",
		numbers:      "الأرقام",
		day:          "اليوم",
		partners:     "المواقع الشريكة الأكثر مشاهدة",
		site:         "الموقع",
		unknownSite:  "(لم يذكره المتصفح)",
		placements:   "المواضع الأكثر مشاهدة",
		placement:    "الموضع",
		unnamed:      "(دون اسم)",
		articles:     "المقالات المقترحة الأكثر نقرا",
		gone:         "(مقال محذوف)",
		positions:    "نسبة النقر حسب الموضع في الشريط",
		position:     "الموضع",
		ranking:      "ترتيب كيوسك مقارنة بمرجع بسيط",
		rankingIntro: "في جزء من المشاهدات، يمزج الشريط بالتناوب اقتراحات كيوسك واقتراحات مرجع بسيط (تشابه النصوص بطريقة tf-idf). تُحتسب كل نقرة لمن اقترح المقال، وتُحسب المشاهدة لمن نال أكثر النقرات.",
		interleaved:  "المشاهدات الممزوجة",
		rankerWins:   "مشاهدات فاز بها كيوسك",
		baselineWins: "مشاهدات فاز بها المرجع",
		ties:         "تعادل",
		share:        "حصة كيوسك من المشاهدات المحسومة (مجال ثقة 95٪)",
		rankerClicks: "نقرات على اقتراحات كيوسك",
		baselineClk:  "نقرات على اقتراحات المرجع",
		verdicts: map[string]string{
			report.VerdictBetter:    "ترتيب كيوسك أفضل من المرجع.",
			report.VerdictWorse:     "المرجع أفضل من ترتيب كيوسك.",
			report.VerdictUndecided: "لا يمكن الحكم بعد أيهما أفضل: يلزم مزيد من المشاهدات التي نُقر فيها.",
			report.VerdictNone:      "لم يُنقر بعد على أي مشاهدة ممزوجة في هذه الفترة.",
		},
		csv:       "تنزيل هذه الأرقام (CSV)",
		empty:     "لا مشاهدات في هذه الفترة.",
		noClicks:  "لم يُنقر أي مقال مقترح في هذه الفترة.",
		chartOf:   "رسم بياني: %s، %s. تليه الأرقام.",
		barsOf:    "رسم بالأعمدة: %s. تليه الأرقام.",
		languages: "اللغات",
		colon:     ": ",
	},
	news.English: {
		title:        "Widget audience",
		intro:        "Views and clicks of the widget on partner sites, counted with no cookie and no identifier: totals per hour, never a reader.",
		unverified:   "These counts are not authenticated: anyone can send a view or a click. The server bounds what one address adds, but a site or a script may still inflate or skew them, the ranker’s verdict included.",
		others:       "(others)",
		period:       "Period",
		days:         "%d days",
		from:         "From",
		to:           "To",
		show:         "Show",
		fromTo:       "%s to %s",
		views:        "Views",
		clicks:       "Clicks",
		ctr:          "Click-through rate",
		perDay:       "Views and clicks per day",
		ctrPerDay:    "Click-through rate per day",
		numbers:      "The numbers",
		day:          "Day",
		partners:     "Top partner sites",
		site:         "Site",
		unknownSite:  "(not told by the browser)",
		placements:   "Top placements",
		placement:    "Placement",
		unnamed:      "(unnamed)",
		articles:     "Most clicked recommended articles",
		gone:         "(article removed)",
		positions:    "Click-through rate by carousel position",
		position:     "Position",
		ranking:      "Kiosque’s ranker against a baseline",
		rankingIntro: "On a share of views, the carousel merges, turn by turn, Kiosque’s suggestions with those of a plain baseline (tf-idf text similarity). Each click counts for whichever of the two suggested the article; a view is won by the one that got more clicks.",
		interleaved:  "Merged views",
		rankerWins:   "Views won by Kiosque",
		baselineWins: "Views won by the baseline",
		ties:         "Ties",
		share:        "Kiosque’s share of the decided views (95% confidence interval)",
		rankerClicks: "Clicks on Kiosque’s suggestions",
		baselineClk:  "Clicks on the baseline’s suggestions",
		verdicts: map[string]string{
			report.VerdictBetter:    "Kiosque’s ranker beats the baseline.",
			report.VerdictWorse:     "The baseline beats Kiosque’s ranker.",
			report.VerdictUndecided: "It cannot be told yet which one is better: more clicked views are needed.",
			report.VerdictNone:      "No merged view has been clicked in this period yet.",
		},
		csv:       "Download these numbers (CSV)",
		empty:     "No views in this period.",
		noClicks:  "No recommended article was clicked in this period.",
		chartOf:   "Chart: %s, %s. The numbers follow.",
		barsOf:    "Bar chart: %s. The numbers follow.",
		languages: "Languages",
		colon:     ": ",
	},
}

// formatCount writes a whole number the way a reader of l groups digits.
func formatCount(n int64, l news.Lang) string {
	s := strconv.FormatInt(n, 10)
	sep := ","
	if l == news.French {
		sep = "\u202f" // a narrow no-break space
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatPercent writes a share (0 to 1) as a percentage with one
// decimal.
func formatPercent(share float64, l news.Lang) string {
	s := strconv.FormatFloat(share*100, 'f', 1, 64)
	switch l {
	case news.French:
		return strings.Replace(s, ".", ",", 1) + "\u202f%"
	case news.Arabic:
		return s + "٪"
	}
	return s + "%"
}

// formatDay writes a day given as 2006-01-02 as the site's pages write
// dates.
func formatDay(date string, l news.Lang) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return ui.FormatDate(t, l)
}

// formatShortDay writes a day without its year, for a chart's axis.
func formatShortDay(date string, l news.Lang) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	month := ui.MonthName(t.Month(), l)
	if l == news.English {
		return month[:3] + " " + strconv.Itoa(t.Day())
	}
	return strconv.Itoa(t.Day()) + " " + month
}
