// Package dashpage draws the publisher's dashboard (/insights) and its
// charts. Only the server renders it: the app never routes it, so the
// wasm does not link it. It looks like the site's other pages, whose
// shell it takes from app/ui.
package dashpage

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/kiosque/kiosque/app/insights/dashboard"
	"github.com/kiosque/kiosque/app/insights/report"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/ui"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// View is what the dashboard shows: the site's view (language, theme, an
// error) and the report of a period. The server embeds it in the page as
// JSON, as it does the other pages' views.
type View struct {
	ui.View
	// Insights is the report, nil when the period asked for is not one.
	Insights *report.Report `json:"insights,omitempty"`
}

// Title is the document title of the page.
func (v View) Title() string {
	if v.Insights == nil || v.Error != "" {
		return v.View.Title()
	}
	return news.InLang(wordsByLang, v.Lang).title + " — " + v.Site
}

// Page is the publisher's dashboard (/insights): views, clicks and
// click-through rate per day, the partner sites, placements and articles
// that bring readers, the rate by carousel position, and the ranker
// measured against its baseline. The server renders it for the publisher
// alone; its app never starts, so that its links, which the browser sends
// the publisher's token with, are plain navigations.
type Page struct {
	app.Compo
	View View
}

// Render builds the page.
func (p *Page) Render() app.UI {
	v := p.View
	w := news.InLang(wordsByLang, v.Lang)
	return ui.Root("site insights", v.View).Body(
		p.header(w),
		app.Main().ID("main").Class("feed insights-main").Body(
			app.H1().Class("page-title").Text(w.title),
			app.P().Class("insights-intro").Text(w.intro),
			app.P().Class("insights-intro").Text(w.unverified),
			p.content(w),
		),
		ui.SiteFooter(v.View),
	)
}

func (p *Page) header(w words) app.UI {
	v := p.View
	return app.Header().Class("site-header").Body(
		app.A().Class("skip-link").Href("#main").Text(ui.SkipToContentText(v.Lang)),
		app.A().Class("site-name").Href("/").Text(v.Site),
		app.Nav().Class("lang-nav").Aria("label", ui.Attr(w.languages)).Body(
			app.Range(news.Langs).Slice(func(i int) app.UI {
				l := news.Langs[i]
				link := app.A().Href(ui.Attr(p.link(url.Values{"lang": {string(l)}}))).Lang(string(l)).Text(ui.LangName(l))
				if v.Lang == l {
					link = link.Aria("current", "page")
				}
				return link
			}),
		),
	)
}

// link is the dashboard's address with the current period and language,
// changed as set says.
func (p *Page) link(set url.Values) string {
	return p.linkTo("/insights", set)
}

func (p *Page) linkTo(path string, set url.Values) string {
	q := url.Values{"lang": {string(p.View.Lang)}}
	if p.View.Theme != "" && p.View.Theme != "auto" {
		q.Set("theme", string(p.View.Theme))
	}
	if r := p.View.Insights; r != nil {
		if r.Period > 0 {
			q.Set("days", strconv.Itoa(r.Period))
		} else {
			q.Set("from", r.From)
			q.Set("to", r.To)
		}
	}
	for name, values := range set {
		if name == "days" {
			q.Del("from")
			q.Del("to")
		}
		q[name] = values
	}
	return path + "?" + q.Encode()
}

func (p *Page) content(w words) app.UI {
	v := p.View
	r := v.Insights
	if v.Error != "" || r == nil {
		return app.Div().Body(
			p.picker(w, nil),
			app.P().Class("status").Role("alert").Text(v.Error),
		)
	}
	return app.Div().Body(
		p.picker(w, r),
		p.totals(w, r),
		p.perDay(w, r),
		p.tops(w, r),
		p.positions(w, r),
		p.ranking(w, r),
		app.P().Class("insights-export").Body(
			app.A().Class("button").Href(ui.Attr(p.linkTo("/insights.csv", nil))).Attr("download", "").Text(w.csv),
		),
	)
}

// picker chooses the period: a number of days up to today, or two dates.
func (p *Page) picker(w words, r *report.Report) app.UI {
	lang := p.View.Lang
	from, to, chosen := "", "", 0
	if r != nil {
		from, to, chosen = r.From, r.To, r.Period
	}
	return app.Section().Class("insights-period").Aria("labelledby", "period-heading").Body(
		app.H2().ID("period-heading").Class("visually-hidden").Text(w.period),
		app.Nav().Class("category-nav insights-periods").Aria("label", ui.Attr(w.period)).Body(
			app.Range(dashboard.Periods).Slice(func(i int) app.UI {
				n := dashboard.Periods[i]
				link := app.A().Class("chip").Href(ui.Attr(p.link(url.Values{"days": {strconv.Itoa(n)}}))).
					Text(daysLabel(w, n, lang))
				if n == chosen {
					link = link.Aria("current", "page")
				}
				return link
			}),
		),
		app.Form().Class("insights-dates").Method("get").Action("/insights").Body(
			app.Input().Type("hidden").Name("lang").Value(string(lang)),
			app.Label().For("insights-from").Text(w.from),
			app.Input().Type("date").ID("insights-from").Name("from").Value(from).Required(true),
			app.Label().For("insights-to").Text(w.to),
			app.Input().Type("date").ID("insights-to").Name("to").Value(to).Required(true),
			app.Button().Type("submit").Class("button").Text(w.show),
		),
		app.If(r != nil, func() app.UI {
			return app.P().Class("insights-shown").Text(fmt.Sprintf(w.fromTo, formatDay(r.From, lang), formatDay(r.To, lang)))
		}),
	)
}

// daysLabel is "n days" in the reader's language (Arabic counts three to
// ten with a plural, and more with a singular).
func daysLabel(w words, n int, l news.Lang) string {
	if l == news.Arabic && n >= 3 && n <= 10 {
		return fmt.Sprintf("%d أيام", n)
	}
	return fmt.Sprintf(w.days, n)
}

func (p *Page) totals(w words, r *report.Report) app.UI {
	lang := p.View.Lang
	figure := func(name, value string) app.UI {
		return app.Div().Class("insights-figure").Body(
			app.Dt().Text(name),
			app.Dd().Text(value),
		)
	}
	return app.Dl().Class("insights-totals").Body(
		figure(w.views, formatCount(r.Total.Views, lang)),
		figure(w.clicks, formatCount(r.Total.Clicks, lang)),
		figure(w.ctr, formatPercent(r.Total.CTR(), lang)),
	)
}

// perDay draws views and clicks per day, and the rate per day, with
// their table.
func (p *Page) perDay(w words, r *report.Report) app.UI {
	lang := p.View.Lang
	rtl := lang.Dir() == "rtl"
	days := make([]string, len(r.ByDay))
	views, clicks, rates := make([]float64, len(r.ByDay)), make([]float64, len(r.ByDay)), make([]float64, len(r.ByDay))
	for i, d := range r.ByDay {
		days[i] = formatShortDay(d.Date, lang)
		views[i], clicks[i], rates[i] = float64(d.Views), float64(d.Clicks), d.CTR()
	}
	count := func(f float64) string { return formatCount(int64(f), lang) }
	percent := func(f float64) string { return formatPercent(f, lang) }
	period := fmt.Sprintf(w.fromTo, formatDay(r.From, lang), formatDay(r.To, lang))
	return app.Section().Class("insights-section").Aria("labelledby", "per-day").Body(
		app.H2().ID("per-day").Text(w.perDay),
		app.If(r.Total.Views == 0, func() app.UI { return app.P().Class("status").Text(w.empty) }),
		app.Figure().Class("insights-chart").Body(
			lineChart("chart-per-day", fmt.Sprintf(w.chartOf, w.perDay, period), days,
				[]series{{"chart-views", views}, {"chart-clicks", clicks}}, rtl, count),
			app.Ul().Class("chart-legend").Body(
				app.Li().Body(app.Span().Class("chart-key chart-views").Aria("hidden", ui.AriaTrue), app.Text(w.views)),
				app.Li().Body(app.Span().Class("chart-key chart-clicks").Aria("hidden", ui.AriaTrue), app.Text(w.clicks)),
			),
		),
		app.Figure().Class("insights-chart").Body(
			app.FigCaption().Text(w.ctrPerDay),
			lineChart("chart-ctr", fmt.Sprintf(w.chartOf, w.ctrPerDay, period), days,
				[]series{{"chart-rate", rates}}, rtl, percent),
		),
		numbers(w, w.perDay, []string{w.day, w.views, w.clicks, w.ctr}, len(r.ByDay), func(i int) []string {
			d := r.ByDay[i]
			return []string{formatDay(d.Date, lang), count(views[i]), count(clicks[i]), percent(d.CTR())}
		}),
	)
}

// numbers is a table of a chart's numbers, folded away under a summary.
func numbers(w words, caption string, head []string, rows int, row func(i int) []string) app.UI {
	return app.Details().Class("insights-numbers").Body(
		app.Summary().Text(w.numbers),
		table(caption, head, rows, row),
	)
}

// table is a table of rows, the first cell of each naming it. On a
// narrow screen it scrolls sideways: its box can then take the focus, to
// be scrolled from the keyboard.
func table(caption string, head []string, rows int, row func(i int) []string) app.UI {
	return app.Div().Class("insights-table").Role("group").Aria("label", ui.Attr(caption)).TabIndex(0).Body(
		app.Table().Body(
			app.Caption().Class("visually-hidden").Text(caption),
			app.THead().Body(app.Tr().Body(
				app.Range(head).Slice(func(i int) app.UI { return app.Th().Scope("col").Text(head[i]) }),
			)),
			app.TBody().Body(
				app.Range(make([]struct{}, rows)).Slice(func(i int) app.UI {
					cells := row(i)
					return app.Tr().Body(
						app.Th().Scope("row").Text(cells[0]),
						app.Range(cells[1:]).Slice(func(j int) app.UI { return app.Td().Text(cells[1+j]) }),
					)
				}),
			),
		),
	)
}

// tops lists the partner sites, placements and articles that bring the
// most readers.
func (p *Page) tops(w words, r *report.Report) app.UI {
	lang := p.View.Lang
	rows := func(id, heading, first, unnamed string, list []report.Row) app.UI {
		return app.Section().Class("insights-section").Aria("labelledby", id).Body(
			app.H2().ID(id).Text(heading),
			app.If(len(list) == 0, func() app.UI { return app.P().Class("status").Text(w.empty) }),
			app.If(len(list) > 0, func() app.UI {
				return table(heading, []string{first, w.views, w.clicks, w.ctr}, len(list), func(i int) []string {
					name := list[i].Name
					switch name {
					case "":
						name = unnamed
					case report.Other:
						name = w.others
					}
					return []string{name, formatCount(list[i].Views, lang), formatCount(list[i].Clicks, lang), formatPercent(list[i].CTR(), lang)}
				})
			}),
		)
	}
	return app.Div().Class("insights-tops").Body(
		rows("partners", w.partners, w.site, w.unknownSite, r.Partners),
		rows("placements", w.placements, w.placement, w.unnamed, r.Placements),
		app.Section().Class("insights-section").Aria("labelledby", "articles").Body(
			app.H2().ID("articles").Text(w.articles),
			app.If(len(r.Articles) == 0, func() app.UI { return app.P().Class("status").Text(w.noClicks) }),
			app.If(len(r.Articles) > 0, func() app.UI {
				return app.Ol().Class("insights-articles").Body(
					app.Range(r.Articles).Slice(func(i int) app.UI {
						a := r.Articles[i]
						var name app.UI = app.Span().Text(w.gone + " " + a.Slug)
						if a.Title != "" {
							l := news.Lang(a.Lang)
							name = app.A().Href(ui.Attr(ui.ArticlePath(a.Slug))).Lang(string(l)).Dir(l.Dir()).Text(a.Title)
						}
						return app.Li().Body(name, app.Text(" "), app.Span().Class("insights-count").
							Text(w.clicks+w.colon+formatCount(a.Clicks, lang)))
					}),
				)
			}),
		),
	)
}

// positions draws the click-through rate of each carousel position.
func (p *Page) positions(w words, r *report.Report) app.UI {
	lang := p.View.Lang
	names := make([]string, len(r.Positions))
	rates := make([]float64, len(r.Positions))
	for i, pos := range r.Positions {
		names[i], rates[i] = pos.Name, pos.CTR()
	}
	percent := func(f float64) string { return formatPercent(f, lang) }
	return app.Section().Class("insights-section").Aria("labelledby", "positions").Body(
		app.H2().ID("positions").Text(w.positions),
		app.Figure().Class("insights-chart").Body(
			barChart("chart-positions", fmt.Sprintf(w.barsOf, w.positions), names, rates, lang.Dir() == "rtl", percent),
		),
		numbers(w, w.positions, []string{w.position, w.clicks, w.ctr}, len(r.Positions), func(i int) []string {
			pos := r.Positions[i]
			return []string{pos.Name, formatCount(pos.Clicks, lang), percent(pos.CTR())}
		}),
	)
}

// ranking says whether the ranker beats the baseline, and on what.
func (p *Page) ranking(w words, r *report.Report) app.UI {
	lang := p.View.Lang
	k := r.Ranking
	figure := func(name, value string) app.UI {
		return app.Div().Class("insights-figure").Body(app.Dt().Text(name), app.Dd().Text(value))
	}
	share := "–"
	if k.Verdict != report.VerdictNone {
		share = formatPercent(k.Share, lang) + " [" + formatPercent(k.Low, lang) + " – " + formatPercent(k.High, lang) + "]"
	}
	return app.Section().Class("insights-section insights-ranking").Aria("labelledby", "ranking").Body(
		app.H2().ID("ranking").Text(w.ranking),
		app.P().Class("insights-verdict verdict-"+k.Verdict).Body(app.Strong().Text(w.verdicts[k.Verdict])),
		app.P().Class("insights-intro").Text(w.rankingIntro),
		app.Dl().Class("insights-totals").Body(
			figure(w.interleaved, formatCount(k.Views, lang)),
			figure(w.rankerWins, formatCount(k.RankerWins, lang)),
			figure(w.baselineWins, formatCount(k.BaselineWins, lang)),
			figure(w.ties, formatCount(k.Ties, lang)),
		),
		app.Dl().Class("insights-details").Body(
			figure(w.share, share),
			figure(w.rankerClicks, formatCount(k.RankerClicks, lang)),
			figure(w.baselineClk, formatCount(k.BaselineClicks, lang)),
		),
	)
}
