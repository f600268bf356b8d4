package ui

import "github.com/kiosque/kiosque/app/news"

// publishWords are the words of the embed builder (/publish), and of the
// share and embed actions of an article's page, in one language.
type publishWords struct {
	_ [0]func() // never compared: the compiler writes no equality for it (9 KB of the wasm)

	nav, title, intro                           string
	what, article, articleHint, articleMissing  string
	section, latest                             string
	options, theme, themes                      string
	lang, pageLang                              string
	layout, layouts                             string
	limit, limitHint                            string
	target, targets                             string
	wasm, wasms                                 string
	placement, placementHint                    string
	look, looks, lookHint                       string
	accent, accentHint, font, fontHint, radius  string
	radiusHint                                  string
	wordpress, maxHeight, maxHeightHint         string
	byDefault                                   string // "%s (default)"
	preview, previewHint, phone, desktop, frame string // phone: "Phone, %d px"; frame: "Preview: %s"
	code, script, scriptHint                    string
	iframe, iframeHint                          string // iframeHint: "… %d px …"
	wordpressURL, wordpressHint                 string
	copy, copied, copyFailed                    string
	refused                                     string
	share, linkCopied, embed                    string
}

var publishWordsByLang = map[news.Lang]publishWords{
	news.French: {
		nav:            "Intégrer",
		title:          "Intégrer le widget sur votre site",
		intro:          "Choisissez un article, une rubrique ou les dernières nouvelles, réglez le widget, voyez-le tel que vos lecteurs le verront, puis copiez le code.",
		what:           "Ce que montre le widget",
		article:        "Adresse d’un article",
		articleHint:    "Collez l’adresse d’un article de ce site (ou son adresse chez l’éditeur). Vide : une rubrique, ou les dernières nouvelles.",
		articleMissing: "Aucun article de ce site à cette adresse : le widget montre la rubrique choisie, ou les dernières nouvelles.",
		section:        "Rubrique",
		latest:         "Les dernières nouvelles",
		options:        "Réglages",
		theme:          "Thème",
		themes:         "auto:Celui du système du lecteur|light:Clair|dark:Sombre",
		lang:           "Langue des libellés",
		pageLang:       "Celle de votre page",
		layout:         "Mise en page",
		layouts:        "both:Article en vedette et carrousel|cards:Cartes|carousel:Carrousel",
		limit:          "Nombre d’articles",
		limitHint:      "De 1 à 12.",
		target:         "Où s’ouvrent les cartes",
		targets:        "_top:Dans la même fenêtre|_blank:Dans un nouvel onglet",
		wasm:           "Quand l’application démarre",
		wasms:          "intent:Quand le lecteur s’approche du widget|idle:Quand la page a fini de charger|eager:Tout de suite",
		placement:      "Nom de l’emplacement",
		placementHint:  "Pour vos statistiques, par exemple « barre-laterale » : lettres, chiffres, - et _, jusqu’à 32. Par défaut : aucun.",
		look:           "Apparence",
		looks:          "host:Celle de votre page (polices et couleurs)|kiosque:Celle de Kiosque",
		lookHint:       "Le widget ne charge rien d’ailleurs : une police n’est utilisée que si l’appareil du lecteur l’a ; les polices web de votre page ne sont pas chargées (leur famille générique les remplace).",
		accent:         "Couleur d’accent",
		accentHint:     "En hexadécimal, #rgb ou #rrggbb. Par défaut : la couleur des liens de votre page.",
		font:           "Polices",
		fontHint:       "Jusqu’à quatre familles séparées par des virgules, par exemple Georgia, serif. Par défaut : celles de votre page.",
		radius:         "Arrondi des cartes (px)",
		radiusHint:     "De 0 à 24. Par défaut : celui du thème.",
		wordpress:      "WordPress",
		maxHeight:      "Hauteur maximale (px)",
		maxHeightHint:  "Par défaut : celle que demande WordPress (750 px avec la plupart des thèmes). Le widget prend alors une mise en page compacte qui tient dedans.",
		byDefault:      "%s (par défaut)",
		preview:        "Aperçu",
		previewHint:    "Le vrai widget, dans de vrais cadres, aux largeurs d’un téléphone et d’un ordinateur.",
		phone:          "Téléphone, %d px",
		desktop:        "Ordinateur",
		frame:          "Aperçu : %s",
		code:           "Le code",
		script:         "Avec un script (recommandé)",
		scriptHint:     "Collez-le où le widget doit apparaître. Le lien à l’intérieur est ce que voient les lecteurs sans JavaScript et les moteurs de recherche ; le cadre suit la hauteur du widget.",
		iframe:         "Sans script : un cadre",
		iframeHint:     "Pour les pages qui n’acceptent aucun script. Le cadre a une hauteur fixe de %d px, celle que le widget prend ici à 320 px de large, sa plus grande. Un cadre ne lit pas l’apparence de votre page : donnez ici la couleur d’accent, les polices et l’arrondi.",
		wordpressURL:   "Dans WordPress : une adresse",
		wordpressHint:  "Collez cette adresse seule sur une ligne d’un billet, ou dans un bloc « Contenu embarqué ».",
		copy:           "Copier",
		refused:        "Valeur refusée : le code la laisse de côté, et le widget prend la valeur par défaut.",
		copied:         "Copié dans le presse-papiers.",
		copyFailed:     "Le navigateur refuse de copier : sélectionnez le texte et copiez-le.",
		share:          "Partager",
		linkCopied:     "Lien copié dans le presse-papiers.",
		embed:          "Intégrer",
	},
	news.Arabic: {
		nav:            "تضمين",
		title:          "ضمّن الأداة في موقعك",
		intro:          "اختر مقالا أو قسما أو آخر الأخبار، واضبط الأداة، وشاهدها كما سيراها قراؤك، ثم انسخ الرمز.",
		what:           "ما تعرضه الأداة",
		article:        "عنوان مقال",
		articleHint:    "الصق عنوان مقال من هذا الموقع (أو عنوانه لدى الناشر). فارغ: قسم، أو آخر الأخبار.",
		articleMissing: "لا يوجد مقال من هذا الموقع بهذا العنوان: تعرض الأداة القسم المختار، أو آخر الأخبار.",
		section:        "القسم",
		latest:         "آخر الأخبار",
		options:        "الإعدادات",
		theme:          "المظهر اللوني",
		themes:         "auto:مظهر نظام القارئ|light:فاتح|dark:داكن",
		lang:           "لغة العناوين",
		pageLang:       "لغة صفحتك",
		layout:         "التخطيط",
		layouts:        "both:مقال بارز ودوّارة|cards:بطاقات|carousel:دوّارة",
		limit:          "عدد المقالات",
		limitHint:      "من 1 إلى 12.",
		target:         "أين تُفتح البطاقات",
		targets:        "_top:في النافذة نفسها|_blank:في علامة تبويب جديدة",
		wasm:           "متى يبدأ التطبيق",
		wasms:          "intent:عندما يقترب القارئ من الأداة|idle:عندما ينتهي تحميل الصفحة|eager:فورا",
		placement:      "اسم الموضع",
		placementHint:  "لإحصاءاتك، مثل «sidebar»: حروف وأرقام و- و_، حتى 32. الافتراضي: بلا اسم.",
		look:           "الشكل",
		looks:          "host:شكل صفحتك (الخطوط والألوان)|kiosque:شكل Kiosque",
		lookHint:       "لا تحمّل الأداة شيئا من مكان آخر: لا يُستعمل الخط إلا إذا كان على جهاز القارئ؛ ولا تُحمَّل خطوط الويب في صفحتك (تحل محلها عائلتها العامة).",
		accent:         "لون التمييز",
		accentHint:     "بالنظام الست عشري، \u200e#rgb أو \u200e#rrggbb. الافتراضي: لون الروابط في صفحتك.",
		font:           "الخطوط",
		fontHint:       "حتى أربع عائلات تفصل بينها فواصل، مثل Georgia, serif. الافتراضي: خطوط صفحتك.",
		radius:         "استدارة البطاقات (px)",
		radiusHint:     "من 0 إلى 24. الافتراضي: استدارة المظهر.",
		wordpress:      "ووردبريس",
		maxHeight:      "أقصى ارتفاع (px)",
		maxHeightHint:  "الافتراضي: ما يطلبه ووردبريس (750 px مع أغلب القوالب). تأخذ الأداة حينها تخطيطا مدمجا يتسع فيه.",
		byDefault:      "%s (افتراضي)",
		preview:        "معاينة",
		previewHint:    "الأداة الحقيقية، في إطارات حقيقية، بعرض هاتف وحاسوب.",
		phone:          "هاتف، %d px",
		desktop:        "حاسوب",
		frame:          "معاينة: %s",
		code:           "الرمز",
		script:         "مع سكربت (مستحسن)",
		scriptHint:     "الصقه حيث يجب أن تظهر الأداة. الرابط الذي بداخله هو ما يراه القراء دون جافاسكربت ومحركات البحث؛ ويتبع الإطار ارتفاع الأداة.",
		iframe:         "دون سكربت: إطار",
		iframeHint:     "للصفحات التي لا تقبل أي سكربت. للإطار ارتفاع ثابت قدره %d px، وهو ما تأخذه الأداة هنا بعرض 320 px، أكبر ارتفاع لها. لا يقرأ الإطار شكل صفحتك: حدّد هنا لون التمييز والخطوط والاستدارة.",
		wordpressURL:   "في ووردبريس: عنوان",
		wordpressHint:  "الصق هذا العنوان وحده في سطر من تدوينة، أو في مكوّن «تضمين».",
		copy:           "نسخ",
		refused:        "قيمة مرفوضة: يتركها الرمز، وتأخذ الأداة القيمة الافتراضية.",
		copied:         "نُسخ إلى الحافظة.",
		copyFailed:     "يرفض المتصفح النسخ: حدّد النص وانسخه.",
		share:          "مشاركة",
		linkCopied:     "نُسخ الرابط إلى الحافظة.",
		embed:          "تضمين",
	},
	news.English: {
		nav:            "Embed",
		title:          "Embed the widget on your site",
		intro:          "Choose an article, a section or the latest news, set the widget up, see it as your readers will, then copy the code.",
		what:           "What the widget shows",
		article:        "Address of an article",
		articleHint:    "Paste the address of an article of this site (or its address at the publisher). Empty: a section, or the latest news.",
		articleMissing: "No article of this site at this address: the widget shows the section chosen, or the latest news.",
		section:        "Section",
		latest:         "The latest news",
		options:        "Settings",
		theme:          "Theme",
		themes:         "auto:The reader’s system’s|light:Light|dark:Dark",
		lang:           "Language of the labels",
		pageLang:       "Your page’s",
		layout:         "Layout",
		layouts:        "both:Featured article and carousel|cards:Cards|carousel:Carousel",
		limit:          "Number of articles",
		limitHint:      "From 1 to 12.",
		target:         "Where cards open",
		targets:        "_top:In the same window|_blank:In a new tab",
		wasm:           "When the app starts",
		wasms:          "intent:When the reader reaches for the widget|idle:Once the page has loaded|eager:At once",
		placement:      "Placement name",
		placementHint:  "For your insights, such as “sidebar”: letters, digits, - and _, up to 32. Default: none.",
		look:           "Look",
		looks:          "host:Your page’s (fonts and colours)|kiosque:Kiosque’s",
		lookHint:       "The widget loads nothing from anywhere else: a font is used only if the reader’s device has it; your page’s web fonts are not fetched (their generic family stands in).",
		accent:         "Accent colour",
		accentHint:     "In hex, #rgb or #rrggbb. Default: your page’s link colour.",
		font:           "Fonts",
		fontHint:       "Up to four families separated by commas, such as Georgia, serif. Default: your page’s.",
		radius:         "Card corner radius (px)",
		radiusHint:     "From 0 to 24. Default: the theme’s.",
		wordpress:      "WordPress",
		maxHeight:      "Maximum height (px)",
		maxHeightHint:  "Default: what WordPress asks for (750 px with most themes). The widget then takes a compact layout that fits.",
		byDefault:      "%s (default)",
		preview:        "Preview",
		previewHint:    "The real widget, in real frames, at the widths of a phone and a desktop.",
		phone:          "Phone, %d px",
		desktop:        "Desktop",
		frame:          "Preview: %s",
		code:           "The code",
		script:         "With a script (recommended)",
		scriptHint:     "Paste it where the widget should appear. The link inside is what readers without JavaScript, and search engines, get; the frame follows the widget’s height.",
		iframe:         "Without a script: a frame",
		iframeHint:     "For pages that allow no script. The frame has a fixed height of %d px, the widget’s here at 320 px wide, its tallest. A frame cannot read your page’s look: set the accent colour, the fonts and the radius here.",
		wordpressURL:   "In WordPress: an address",
		wordpressHint:  "Paste this address on a line of its own in a post, or into an Embed block.",
		copy:           "Copy",
		refused:        "Value refused: the code leaves it out, and the widget takes the default.",
		copied:         "Copied to the clipboard.",
		copyFailed:     "The browser refuses to copy: select the text and copy it.",
		share:          "Share",
		linkCopied:     "Link copied to the clipboard.",
		embed:          "Embed",
	},
}

// publishWordsFor returns the builder's words in l, French when unknown.
func publishWordsFor(l news.Lang) publishWords {
	return news.InLang(publishWordsByLang, l)
}
