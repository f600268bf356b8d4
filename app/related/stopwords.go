package related

import (
	"strings"

	"github.com/kiosque/kiosque/app/news"
)

// Stop words are the function words of each language: they say nothing about
// what an article is about. The lists follow Snowball's, with the few words
// news prose leans on (said, selon, أضاف) added. They are built once at init
// and only read after that.
var stopWords = map[news.Lang]map[string]bool{
	news.English: wordSet(englishStopWords, nil),
	news.French:  wordSet(frenchStopWords, nil),
	news.Arabic:  wordSet(arabicStopWords, normalizeArabic),
}

func wordSet(words string, normalize func(string) string) map[string]bool {
	set := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		if normalize != nil {
			w = normalize(w)
		}
		set[w] = true
	}
	return set
}

const englishStopWords = `
a about above after again against all almost also although am among an and any
are aren as at be because been before being below between both but by can
cannot could couldn did didn do does doesn doing don down during each either
else even ever every few for from further get gets got had hadn has hasn have
haven having he her here hers herself him himself his how however i if in into
is isn it its itself just like ll made make many may me might more most mr mrs
ms much must mustn my myself neither no nor not now of off often on once one
only or other ought our ours ourselves out over own per quite rather re really
said same say says shall shan she should shouldn since so some still such than
that the their theirs them themselves then there these they this those though
through thus to told too two under until up upon us ve very was wasn we went
were weren what when where whether which while who whom why will with within
without would wouldn yet you your yours yourself yourselves
`

const frenchStopWords = `
a à afin ai aie aient aies ainsi ait alors as au aucun aucune aujourd auquel
aura aurai auraient aurais aurait auras aurez auriez aurions aurons auront
aussi autre autres aux auxquelles auxquels avaient avais avait avant avec avez
aviez avions avoir avons ayant ayez ayons bien c ça car ce ceci cela celle
celles celui cependant certain certaine certains ces cet cette ceux chacun
chaque chez comme comment contre d dans de déjà depuis des desquelles desquels
deux dit dont du duquel elle elles en encore entre es est et étaient étais
était étant été étiez étions être eu eue eues eûmes eurent eus eusse eussent
eusses eussiez eussions eut eût eûtes eux fait faire fois font fûmes furent
fus fusse fussent fusses fussiez fussions fut fût fûtes ici il ils j je jusqu
jusque l la laquelle le lequel les lesquelles lesquels leur leurs lors lorsqu
lorsque lui m ma mais me même mêmes mes moi moins mon n ne ni non nos notre
nous on ont ou où par parce parmi pas peu peut peuvent plus plusieurs pour
pourquoi pourrait puis qu quand que quel quelle quelles quelque quelques
quels qui quoi s sa sans se selon sera serai seraient serais serait seras
serez seriez serions serons seront ses si sien sienne sois soit soient sommes
son sont sous soyez soyons suis sur t ta tandis tant te tel telle telles tels
tes toi ton tous tout toute toutes très tu un une unes uns vers via voici
voilà vos votre vous y
`

const arabicStopWords = `
في من على إلى الى عن مع هذا هذه ذلك تلك هؤلاء أولئك الذي التي الذين اللذين
اللتين اللواتي اللاتي ما ماذا لا لم لن ليس ليست إن أن ان إنه أنه انه كان كانت
كانوا يكون تكون هو هي هم هن هما نحن أنا أنت أنتم قد لقد ثم أو او أم بل لكن
كل بعض غير بين حتى إذا اذا إذ عند عندما منذ بعد قبل أي اي حيث كما كذلك أيضا
ايضا جدا إلا الا كيف متى أين لماذا هل نحو خلال ضمن عبر تحت فوق لدى لدي
وقد وفي ومن وعلى وإن وأن وان وكان وكانت ولا ولم وهو وهي وهذا وهذه فقد فإن
فيه فيها منه منها عليه عليها إليه إليها له لها لهم لهن به بها بهم هناك هنا
الذى التى يا أما إما سوف كلا كلتا ذات دون مثل وقال قال قالت أضاف وأضاف يمكن
`
