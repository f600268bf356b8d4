package ui

import (
	"fmt"
	"time"

	"github.com/kiosque/kiosque/app/news"
)

// labels are the words of the interface in one language.
type labels struct {
	alsoLike      string
	latest        string
	about         string // what the site is, when the publisher says nothing
	previous      string
	next          string
	slideOf       string // "%d of %d"
	carousel      string
	allCategories string
	allLanguages  string
	categories    string
	languages     string
	by            string // "By %s"
	published     string
	readOriginal  string
	loading       string
	loadFailed    string
	retry         string
	notFound      string
	badSetting    string // "… the setting %s …": a page asked with a value it does not take
	failed        string // the server could not build the page
	home          string
	empty         string
	more          string
	skipToContent string
	langName      string // the language's own name
	save          string
	saved         string
	saveRefused   string
	savedTitle    string
	savedEmpty    string
	withdrawnOne  string // a saved article the server says is gone
	withdrawnMany string
	offline       string
	update        string
	reload        string
	months        [12]string
	dateFormat    func(day int, month string, year int) string
}

var labelsByLang = map[news.Lang]labels{
	news.French: {
		alsoLike:      "Vous aimerez aussi",
		latest:        "À la une",
		about:         "Les dernières nouvelles, à lire en ligne et hors ligne.",
		previous:      "Précédent",
		next:          "Suivant",
		slideOf:       "%d sur %d",
		carousel:      "Articles liés",
		allCategories: "Toutes les rubriques",
		allLanguages:  "Toutes les langues",
		categories:    "Rubriques",
		languages:     "Langues",
		by:            "Par %s",
		published:     "Publié le",
		readOriginal:  "Lire sur le site de l’éditeur",
		loading:       "Chargement…",
		loadFailed:    "Impossible de charger les articles.",
		retry:         "Réessayer",
		notFound:      "Cet article est introuvable.",
		badSetting:    "Ce contenu ne peut pas être affiché : le réglage « %s » n’est pas valide.",
		failed:        "Ce contenu ne peut pas être affiché pour le moment. Réessayez dans quelques instants.",
		home:          "Accueil",
		empty:         "Aucun article pour le moment.",
		more:          "Plus d’articles",
		skipToContent: "Aller au contenu",
		langName:      "Français",
		save:          "Lire plus tard",
		saved:         "Enregistré pour plus tard",
		saveRefused:   "Votre navigateur refuse de garder la liste « Lire plus tard » (mémoire pleine ou navigation privée).",
		savedTitle:    "Articles enregistrés",
		savedEmpty:    "Aucun article enregistré. Le bouton « Lire plus tard » d’un article le garde ici, même hors ligne.",
		withdrawnOne:  "Un article que vous aviez enregistré a été retiré par l’éditeur.",
		withdrawnMany: "Des articles que vous aviez enregistrés ont été retirés par l’éditeur.",
		offline:       "Vous êtes hors ligne : vous lisez une copie enregistrée.",
		update:        "Une nouvelle version est disponible.",
		reload:        "Recharger",
		months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin",
			"juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		dateFormat: func(d int, m string, y int) string { return fmt.Sprintf("%d %s %d", d, m, y) },
	},
	news.Arabic: {
		alsoLike:      "قد يعجبك أيضا",
		latest:        "آخر الأخبار",
		about:         "آخر الأخبار، للقراءة على الإنترنت ودون اتصال.",
		previous:      "السابق",
		next:          "التالي",
		slideOf:       "%d من %d",
		carousel:      "مقالات ذات صلة",
		allCategories: "كل الأقسام",
		allLanguages:  "كل اللغات",
		categories:    "الأقسام",
		languages:     "اللغات",
		by:            "بقلم %s",
		published:     "نُشر في",
		readOriginal:  "اقرأ على موقع الناشر",
		loading:       "جارٍ التحميل…",
		loadFailed:    "تعذّر تحميل المقالات.",
		retry:         "إعادة المحاولة",
		notFound:      "هذا المقال غير موجود.",
		badSetting:    "تعذّر عرض هذا المحتوى: الإعداد «%s» غير صالح.",
		failed:        "تعذّر عرض هذا المحتوى حاليا. أعد المحاولة بعد قليل.",
		home:          "الرئيسية",
		empty:         "لا توجد مقالات حاليا.",
		more:          "مزيد من المقالات",
		skipToContent: "انتقل إلى المحتوى",
		langName:      "العربية",
		save:          "اقرأ لاحقا",
		saved:         "محفوظ للقراءة لاحقا",
		saveRefused:   "يرفض متصفحك حفظ قائمة «اقرأ لاحقا» (الذاكرة ممتلئة أو التصفح خاص).",
		savedTitle:    "المقالات المحفوظة",
		savedEmpty:    "لا توجد مقالات محفوظة. زر «اقرأ لاحقا» في المقال يحفظه هنا، حتى دون اتصال.",
		withdrawnOne:  "سحب الناشر مقالا كنت قد حفظته.",
		withdrawnMany: "سحب الناشر مقالات كنت قد حفظتها.",
		offline:       "أنت غير متصل: تقرأ نسخة محفوظة.",
		update:        "يتوفر إصدار جديد.",
		reload:        "إعادة التحميل",
		months: [12]string{"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
			"يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
		dateFormat: func(d int, m string, y int) string { return fmt.Sprintf("%d %s %d", d, m, y) },
	},
	news.English: {
		alsoLike:      "You may also like",
		latest:        "Latest news",
		about:         "The latest news, to read online and offline.",
		previous:      "Previous",
		next:          "Next",
		slideOf:       "%d of %d",
		carousel:      "Related articles",
		allCategories: "All sections",
		allLanguages:  "All languages",
		categories:    "Sections",
		languages:     "Languages",
		by:            "By %s",
		published:     "Published",
		readOriginal:  "Read on the publisher’s site",
		loading:       "Loading…",
		loadFailed:    "Could not load the articles.",
		retry:         "Try again",
		notFound:      "This article cannot be found.",
		badSetting:    "This content cannot be shown: the setting “%s” is not valid.",
		failed:        "This content cannot be shown right now. Try again in a moment.",
		home:          "Home",
		empty:         "No articles yet.",
		more:          "More articles",
		skipToContent: "Skip to content",
		langName:      "English",
		save:          "Read later",
		saved:         "Saved for later",
		saveRefused:   "Your browser refuses to keep the “Read later” list (its storage is full, or this is private browsing).",
		savedTitle:    "Saved articles",
		savedEmpty:    "No saved articles. An article’s “Read later” button keeps it here, even offline.",
		withdrawnOne:  "An article you saved has been withdrawn by the publisher.",
		withdrawnMany: "Articles you saved have been withdrawn by the publisher.",
		offline:       "You are offline: you are reading a saved copy.",
		update:        "A new version is available.",
		reload:        "Reload",
		months: [12]string{"January", "February", "March", "April", "May", "June",
			"July", "August", "September", "October", "November", "December"},
		dateFormat: func(d int, m string, y int) string { return fmt.Sprintf("%s %d, %d", m, d, y) },
	},
}

// labelsFor returns the interface words for a language, French when the
// language is unknown.
func labelsFor(l news.Lang) labels {
	return news.InLang(labelsByLang, l)
}

// formatDate writes the day of t (in UTC, the stored zone, so that server
// and browser agree) the way a reader of the language expects.
func formatDate(t time.Time, l news.Lang) string {
	t = t.UTC()
	words := labelsFor(l)
	return words.dateFormat(t.Day(), words.months[t.Month()-1], t.Year())
}

// The site's sections are named in French; readers of the other languages
// see them in their own. A section not listed here keeps its name.
var categoryNames = map[string]map[news.Lang]string{
	"international": {news.Arabic: "دولي", news.English: "World"},
	"politique":     {news.Arabic: "سياسة", news.English: "Politics"},
	"economie":      {news.Arabic: "اقتصاد", news.English: "Economy"},
	"societe":       {news.Arabic: "مجتمع", news.English: "Society"},
	"sport":         {news.Arabic: "رياضة", news.English: "Sport"},
	"culture":       {news.Arabic: "ثقافة", news.English: "Culture"},
	"technologie":   {news.Arabic: "تكنولوجيا", news.English: "Technology"},
}

// categoryName is the name of a section for a reader of language l.
func categoryName(c news.Category, l news.Lang) string {
	if name, ok := categoryNames[c.Slug][l]; ok {
		return name
	}
	return c.Name
}

// NotFoundText says, in language l, that a page does not exist.
func NotFoundText(l news.Lang) string { return labelsFor(l).notFound }

// BadSettingText says, in language l, that a page was asked with a value
// of the parameter param that it does not take (a partner's widget
// options): readers see it, so it names the setting but no more.
func BadSettingText(l news.Lang, param string) string {
	return fmt.Sprintf(labelsFor(l).badSetting, param)
}

// FailedText says, in language l, that the page could not be built.
func FailedText(l news.Lang) string { return labelsFor(l).failed }
