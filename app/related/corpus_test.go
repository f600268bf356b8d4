package related

import (
	"time"

	"github.com/kiosque/kiosque/app/news"
)

// The test corpora: three topics per language, three articles per topic,
// written for these tests. Slugs start with the topic so that a test can
// tell which neighbours a reader would expect.

var testDay = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

func testArticle(slug string, lang news.Lang, daysAgo int, title, body string) news.Article {
	return news.Article{
		Slug:      slug,
		Title:     title,
		Body:      []string{body},
		Lang:      lang,
		Published: testDay.AddDate(0, 0, -daysAgo),
	}
}

func frenchCorpus() []news.Article {
	fr := news.French
	return []news.Article{
		testArticle("foot-derby", fr, 1, "Le Raja remporte le derby face au Wydad",
			"Le Raja de Casablanca a battu le Wydad deux buts à un lors du derby de la Botola. L'entraîneur a salué ses joueurs après ce match disputé devant un stade plein. Les supporters du club ont fêté la victoire du championnat."),
		testArticle("foot-coupe", fr, 2, "Coupe du Trône : le Wydad qualifié pour la finale",
			"Le Wydad s'est qualifié pour la finale de la Coupe du Trône après un match serré. Le buteur du club a marqué le but décisif et l'entraîneur a félicité ses joueurs devant les supporters du stade."),
		testArticle("foot-mercato", fr, 3, "Mercato : un attaquant rejoint le Raja",
			"Le Raja a recruté un attaquant international pour la saison de Botola. L'entraîneur compte sur ce buteur pour marquer des buts en championnat et en coupe, a indiqué le club à ses supporters."),
		testArticle("eco-inflation", fr, 1, "L'inflation ralentit mais les prix restent élevés",
			"L'inflation a ralenti en mai selon le Haut-Commissariat au Plan, mais les prix des produits alimentaires restent élevés. Les ménages consacrent une part croissante de leur budget aux prix de l'énergie et des carburants."),
		testArticle("eco-taux", fr, 2, "Bank Al-Maghrib maintient son taux directeur",
			"Bank Al-Maghrib a maintenu son taux directeur à trois pour cent. La banque centrale estime que l'inflation devrait ralentir et que la hausse des prix de l'énergie pèse moins sur l'économie et le crédit aux ménages."),
		testArticle("eco-budget", fr, 3, "Le budget de l'État face à la hausse des prix",
			"Le gouvernement prépare un budget marqué par la hausse des prix et le coût des subventions à l'énergie. Les économistes prévoient une croissance modérée de l'économie et une inflation en recul pour les ménages."),
		testArticle("sante-rougeole", fr, 1, "Campagne de vaccination contre la rougeole",
			"Le ministère de la Santé lance une campagne de vaccination contre la rougeole dans les écoles. Les médecins appellent les parents à faire vacciner leurs enfants, car l'épidémie progresse dans plusieurs régions."),
		testArticle("sante-hopital", fr, 2, "Un nouvel hôpital universitaire ouvre ses portes",
			"Le nouvel hôpital universitaire accueille ses premiers patients. Les médecins et les infirmiers disposent de services modernes pour soigner les malades, et le ministère de la Santé promet de renforcer la vaccination des enfants."),
		testArticle("sante-epidemie", fr, 3, "Rougeole : l'épidémie recule grâce aux vaccins",
			"Le nombre de cas de rougeole recule depuis le début de la campagne de vaccination. Les médecins des hôpitaux observent moins de malades, et la Santé publique recommande aux parents de vérifier le carnet de vaccination des enfants."),
	}
}

func englishCorpus() []news.Article {
	en := news.English
	return []news.Article{
		testArticle("football-derby", en, 1, "United beat City in a thrilling derby",
			"United beat City two goals to one in the league derby. The manager praised his players after a tense match in front of a full stadium, and the fans celebrated a win that lifts the club in the league table."),
		testArticle("football-cup", en, 2, "Rovers reach the cup final after extra time",
			"Rovers reached the cup final after a tense match that went to extra time. Their striker scored the winning goal, and the manager thanked the fans who filled the stadium for the club's biggest game of the season."),
		testArticle("football-transfer", en, 3, "Club signs a striker before the deadline",
			"The club signed an international striker before the transfer deadline. The manager expects the new player to score goals in the league and the cup, and the fans welcomed him at the stadium."),
		testArticle("economy-inflation", en, 1, "Inflation slows but food prices stay high",
			"Inflation slowed in May, official figures show, but food prices remain high. Households are spending a growing share of their budget on energy bills and fuel prices, economists said."),
		testArticle("economy-rates", en, 2, "Central bank holds interest rates",
			"The central bank held interest rates at four percent. Policymakers expect inflation to keep slowing as energy prices ease, which should relieve pressure on household budgets and on borrowing costs across the economy."),
		testArticle("economy-budget", en, 3, "Government budget squeezed by rising prices",
			"The government's budget is squeezed by rising prices and the cost of energy subsidies. Economists forecast modest growth in the economy and falling inflation that would help households."),
		testArticle("health-measles", en, 1, "Measles vaccination campaign begins in schools",
			"The health ministry has started a measles vaccination campaign in schools. Doctors urged parents to have their children vaccinated as the outbreak spreads to several regions."),
		testArticle("health-hospital", en, 2, "New teaching hospital opens to patients",
			"A new teaching hospital has admitted its first patients. Doctors and nurses will treat the sick in modern wards, and the health ministry promised more vaccination for children."),
		testArticle("health-outbreak", en, 3, "Measles outbreak slows thanks to vaccines",
			"Measles cases are falling since the vaccination campaign began. Hospital doctors are seeing fewer sick children, and health officials urged parents to check their children's vaccination records."),
	}
}

func arabicCorpus() []news.Article {
	ar := news.Arabic
	return []news.Article{
		testArticle("kora-derby", ar, 1, "الرجاء يفوز على الوداد في الديربي",
			"فاز فريق الرجاء على الوداد بهدفين مقابل هدف في مباراة الديربي ضمن البطولة. وأشاد المدرب باللاعبين بعد المباراة أمام الجماهير في الملعب، واحتفل المشجعون بفوز الفريق."),
		testArticle("kora-kas", ar, 2, "الوداد يتأهل إلى نهائي كأس العرش",
			"تأهل فريق الوداد إلى نهائي كأس العرش بعد مباراة صعبة. وسجل المهاجم هدف الفوز، وشكر المدرب الجماهير التي ملأت الملعب ودعمت اللاعبين طوال المباراة."),
		testArticle("kora-intiqal", ar, 3, "مهاجم دولي ينضم إلى الرجاء",
			"تعاقد فريق الرجاء مع مهاجم دولي استعدادا للموسم الجديد من البطولة. ويعول المدرب على اللاعب الجديد لتسجيل الأهداف في المباريات، ورحبت به الجماهير في الملعب."),
		testArticle("iqtisad-tadakhum", ar, 1, "تباطؤ التضخم واستمرار ارتفاع الأسعار",
			"تباطأ التضخم خلال شهر ماي حسب المندوبية السامية للتخطيط، لكن أسعار المواد الغذائية ما زالت مرتفعة. وتنفق الأسر جزءا متزايدا من ميزانيتها على أسعار الطاقة والمحروقات."),
		testArticle("iqtisad-faida", ar, 2, "بنك المغرب يبقي سعر الفائدة دون تغيير",
			"قرر بنك المغرب الإبقاء على سعر الفائدة الرئيسي في ثلاثة بالمئة. ويتوقع البنك المركزي أن يتباطأ التضخم مع تراجع أسعار الطاقة، مما يخفف الضغط على الاقتصاد وعلى قروض الأسر."),
		testArticle("iqtisad-mizania", ar, 3, "ميزانية الدولة تحت ضغط ارتفاع الأسعار",
			"تعد الحكومة ميزانية تتأثر بارتفاع الأسعار وكلفة دعم الطاقة. ويتوقع الاقتصاديون نموا معتدلا للاقتصاد وتراجعا في التضخم لفائدة الأسر."),
		testArticle("siha-hasba", ar, 1, "انطلاق حملة التلقيح ضد الحصبة في المدارس",
			"أطلقت وزارة الصحة حملة للتلقيح ضد الحصبة في المدارس. ودعا الأطباء الآباء إلى تلقيح أطفالهم لأن الوباء ينتشر في عدة جهات."),
		testArticle("siha-mustashfa", ar, 2, "مستشفى جامعي جديد يستقبل المرضى",
			"استقبل المستشفى الجامعي الجديد أول المرضى. ويعمل الأطباء والممرضون في مصالح حديثة لعلاج المرضى، ووعدت وزارة الصحة بتعزيز تلقيح الأطفال."),
		testArticle("siha-wabaa", ar, 3, "تراجع وباء الحصبة بفضل اللقاحات",
			"تراجع عدد حالات الحصبة منذ بداية حملة التلقيح. ويلاحظ أطباء المستشفيات عددا أقل من الأطفال المرضى، وتنصح وزارة الصحة الآباء بمراجعة دفتر تلقيح الأطفال."),
	}
}
