package ui

import (
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"strings"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// PublishSite is what the builder needs to know of this server.
type PublishSite struct {
	// Origin is this server as partners reach it: the code names it.
	Origin string `json:"origin"`
	// Theme is the widget's theme when the code names none (-embed-theme).
	Theme params.Theme `json:"theme"`
}

// PublishPage is the embed builder (/publish): a partner chooses what the
// widget shows and its options, sees the real widget in frames at phone
// and desktop widths, and copies the code. Its state is its address
// (PublishQuery): prerendered, the page shows the code for it, and the
// form submits to it where the app has not started; once it has, every
// change shows at once. Copying is web/kiosque.js's, before the app and
// after.
type PublishPage struct {
	app.Compo
	View  View
	state viewState

	choice  embedChoice
	article *news.Article // the article the choice names, if this server has it
	named   string        // the choice's article that article answers for
	heights map[string]int
	stop    func()
}

// The preview frames, by id: their width in CSS pixels, 0 for the width
// of a desktop page.
var previewFrames = []struct {
	id    string
	width int
}{{"publish-preview-320", 320}, {"publish-preview-390", 390}, {"publish-preview-desktop", 0}}

// OnInit takes the view before the first render.
func (p *PublishPage) OnInit() { p.state.init(p.View) }

// takeChoice reads the choice the view's address holds, on the first
// render (prerendering runs no OnInit).
func (p *PublishPage) takeChoice(v View) {
	if p.choice == nil {
		p.choice = choiceOfPage(v.Path)
		p.article, p.named = v.Article, p.choice["article"]
	}
}

func choiceOfPage(page string) embedChoice {
	_, query, _ := strings.Cut(page, "?")
	q, _ := url.ParseQuery(query)
	return choiceFromQuery(q)
}

// OnNav loads the view when the browser navigated here (an article's
// "Embed" link, the site's navigation), with the choice its address holds.
func (p *PublishPage) OnNav(ctx app.Context) {
	p.state.nav(ctx)
	if app.IsServer {
		return
	}
	if v := p.state.current(p.View); v.Path == pageOf(ctx) {
		p.takeChoice(v) // the article the view found, if any
	}
	p.choice = choiceFromQuery(ctx.Page().URL().Query())
	p.resolve(ctx)
}

// OnMount listens to the preview frames' reports of their height.
func (p *PublishPage) OnMount(ctx app.Context) {
	p.heights = map[string]int{}
	p.stop = listenHeights(func(id string, height int) {
		ctx.Dispatch(func(ctx app.Context) { p.heights[id] = height })
	})
}

// OnDismount stops listening.
func (p *PublishPage) OnDismount() {
	if p.stop != nil {
		p.stop()
	}
}

// set changes one option, and the page's address with it, so that a
// reload or a shared address shows the same code.
func (p *PublishPage) set(ctx app.Context, option, value string) {
	p.choice = maps.Clone(p.choice) // the state must not share the map it came from
	p.choice[option] = strings.TrimSpace(value)
	u := *ctx.Page().URL()
	q := url.Values{}
	if l := u.Query().Get("lang"); l != "" {
		q.Set("lang", l)
	}
	for _, o := range publishOptions {
		if v := p.choice[o]; v != "" {
			q.Set(publishParam(o), v)
		}
	}
	u.RawQuery = q.Encode()
	ctx.Page().ReplaceURL(&u)
	p.resolve(ctx)
}

// resolve finds the article the choice names (a slug, its page here, its
// address at the publisher) as the server does, by asking for the
// builder's view of it.
func (p *PublishPage) resolve(ctx app.Context) {
	name := p.choice["article"]
	if name == p.named {
		return
	}
	if name == "" {
		p.named, p.article = "", nil
		return
	}
	page := params.CanonicalPage("/publish", url.Values{"article": {name}}.Encode())
	ctx.Async(func() {
		v, err := fetchView(ctx, page)
		ctx.Dispatch(func(ctx app.Context) {
			if p.choice["article"] != name {
				return // changed meanwhile: a later answer counts
			}
			if err != nil {
				app.Logf("kiosque: find the article %q: %v", name, err)
			}
			p.named, p.article = name, v.Article
		})
	})
}

// Render builds the builder.
func (p *PublishPage) Render() app.UI {
	v := p.state.current(p.View)
	p.takeChoice(v)
	words, w := labelsFor(v.Lang), publishWordsFor(v.Lang)
	var content app.UI
	switch {
	case p.state.loading || p.state.failed || v.Publish == nil:
		content = p.state.status(words)
	case v.Error != "":
		content = app.P().Class("status").Role("alert").Text(v.Error)
	default:
		content = p.builder(v, w)
	}
	return root("site", v).Body(
		siteHeader(v),
		app.Main().ID("main").Class("publish-page").Body(
			app.H1().Class("page-title").Text(w.title),
			app.P().Class("publish-intro").Text(w.intro),
			content,
		),
		siteFooter(v),
	)
}

func (p *PublishPage) builder(v View, w publishWords) app.UI {
	defaults := publishDefaults(v.Publish.Theme)
	var category *news.Category
	for i := range v.Categories {
		if v.Categories[i].Slug == p.choice["category"] {
			category = &v.Categories[i]
		}
	}
	code := newEmbedCode(p.choice, defaults, v.Publish.Origin, p.article, category, v.Site, v.Lang)
	title := code.fallbackText
	height := p.frameHeight(code)
	missing := p.choice["article"] != "" && p.named == p.choice["article"] && p.article == nil

	return app.Div().Class("publish").Body(
		app.Div().Class("publish-form").Body(
			group("publish-what", w.what,
				p.textControl("article", w.article, w.articleHint, "text", code, w, missingNote(missing, w)),
				p.selectControl("category", w.section, sectionChoices(v, w), "", w, code),
			),
			group("publish-options", w.options,
				p.selectControl("theme", w.theme, w.themes, defaults["theme"], w, code),
				p.selectControl("lang", w.lang, ":"+w.pageLang+"|fr:Français|ar:العربية|en:English", "", w, code),
				p.selectControl("layout", w.layout, w.layouts, defaults["layout"], w, code),
				p.numberControl("limit", w.limit, w.limitHint, 1, params.MaxEmbedLimit, defaults["limit"], code, w),
				p.selectControl("target", w.target, w.targets, defaults["target"], w, code),
				p.selectControl("wasm", w.wasm, w.wasms, defaults["wasm"], w, code),
				p.textControl("placement", w.placement, w.placementHint, "text", code, w, nil),
			),
			group("publish-looks", w.look,
				app.P().ID("publish-look-note").Class("hint").Text(w.lookHint),
				p.selectControl("look", w.look, w.looks, defaults["look"], w, code),
				p.textControl("accent", w.accent, w.accentHint, "text", code, w, nil),
				p.textControl("font", w.font, w.fontHint, "text", code, w, nil),
				p.numberControl("radius", w.radius, w.radiusHint, 0, maxRadius, "", code, w),
			),
			group("publish-wordpress", w.wordpress,
				p.numberControl("maxheight", w.maxHeight, w.maxHeightHint, 1, params.MaxFrameHeight, "", code, w),
			),
		),
		app.Section().Class("publish-preview").Aria("labelledby", "publish-preview-title").Body(
			app.H2().ID("publish-preview-title").Text(w.preview),
			app.P().Class("hint").Text(w.previewHint),
			app.Div().Class("publish-frames").Body(
				app.Range(previewFrames).Slice(func(i int) app.UI {
					f := previewFrames[i]
					name := w.desktop
					if f.width > 0 {
						name = fmt.Sprintf(w.phone, f.width)
					}
					class := "publish-frame"
					if f.width == 0 {
						class += " publish-frame-desktop"
					}
					return app.Figure().Class(class).Body(
						app.Raw("<figcaption>"+escapeHTML(name)+"</figcaption>"),
						app.IFrame().ID(f.id).Class("publish-frame-"+strconv.Itoa(f.width)).
							Src(attr(code.FrameSrc(f.id))).
							Title(attr(fmt.Sprintf(w.frame, name))).
							Attr("scrolling", "no"),
					)
				}),
			),
		),
		app.Section().Class("publish-code").Aria("labelledby", "publish-code-title").Body(
			app.H2().ID("publish-code-title").Text(w.code),
			codeBlock("publish-code-script", w.script, w.scriptHint, code.Snippet(), w),
			codeBlock("publish-code-iframe", w.iframe, fmt.Sprintf(w.iframeHint, height), code.Frame(title, height), w),
			codeBlock("publish-code-wordpress", w.wordpressURL, w.wordpressHint, code.WordPressURL(), w),
		),
	)
}

func missingNote(missing bool, w publishWords) app.UI {
	if !missing {
		return nil
	}
	return app.P().ID("publish-article-missing").Class("publish-error").Text(w.articleMissing)
}

// frameHeight is the plain frame's height: the tallest the preview frames
// measured (the phone's), else a guess.
func (p *PublishPage) frameHeight(code embedCode) int {
	h := 0
	for _, f := range previewFrames {
		h = max(h, p.heights[f.id])
	}
	if h == 0 {
		h = guessHeight(code, 320)
	}
	return h
}

// guessHeight is about the widget's height at width (0: a desktop's),
// until its frame says: the loader's guess (web/embed.js).
func guessHeight(code embedCode, width int) int {
	switch code.options["layout"] {
	case "carousel":
		return 440
	case "cards":
		n, _ := strconv.Atoi(code.options["limit"])
		if n == 0 {
			n, _ = strconv.Atoi(publishDefaults("")["limit"])
		}
		if code.slug != "" {
			n++
		}
		if width == 0 {
			return (n+2)/3*420 + 4
		}
		return n*((width-24)*9/16+265) + 4
	}
	if width == 0 {
		return 700
	}
	return 930
}

// sectionChoices lists "the latest" and the site's sections, for the
// section's select.
func sectionChoices(v View, w publishWords) string {
	choices := []string{":" + w.latest}
	for _, c := range v.Categories {
		choices = append(choices, c.Slug+":"+categoryName(c, v.Lang))
	}
	return strings.Join(choices, "|")
}

// controlID is the id of an option's control.
func controlID(option string) string { return "publish-" + option }

// describedBy names a control's hint, and its error if it has one.
func describedBy(option string, code embedCode, extra ...string) string {
	ids := []string{controlID(option) + "-hint"}
	if _, bad := code.errors[option]; bad {
		ids = append(ids, controlID(option)+"-error")
	}
	return strings.Join(append(ids, extra...), " ")
}

// field is a control with its label, its hint (which says its default),
// and the error of a value the code leaves out.
func field(option, label string, control app.UI, hint app.UI, code embedCode, w publishWords, more app.UI) app.UI {
	_, bad := code.errors[option]
	return app.Div().Class("publish-field").Body(
		app.Label().For(controlID(option)).Text(label),
		control,
		hint,
		app.If(bad, func() app.UI {
			return app.P().ID(controlID(option) + "-error").Class("publish-error").Text(w.refused)
		}),
		more,
	)
}

func (p *PublishPage) textControl(option, label, hint, kind string, code embedCode, w publishWords, more app.UI) app.UI {
	_, bad := code.errors[option]
	input := app.Input().Type(kind).ID(controlID(option)).Name(publishParam(option)).
		Value(attr(p.choice[option])).
		Aria("describedby", describedBy(option, code)).
		OnChange(p.onChange(option))
	if bad {
		input = input.Aria("invalid", ariaTrue)
	}
	if option == "article" {
		input = input.Attr("inputmode", "url").Attr("autocomplete", "url")
	} else {
		input = input.Attr("autocomplete", "off")
	}
	return field(option, label, input, app.P().ID(controlID(option)+"-hint").Class("hint").Text(hint), code, w, more)
}

func (p *PublishPage) numberControl(option, label, hint string, lo, hi int, def string, code embedCode, w publishWords) app.UI {
	_, bad := code.errors[option]
	value := p.choice[option]
	if value == "" {
		value = def
	}
	input := app.Input().Type("number").ID(controlID(option)).Name(publishParam(option)).
		Min(lo).Max(hi).Step(1).Attr("inputmode", "numeric").
		Value(attr(value)).
		Aria("describedby", describedBy(option, code)).
		OnChange(p.onChange(option))
	if bad {
		input = input.Aria("invalid", ariaTrue)
	}
	return field(option, label, input, app.P().ID(controlID(option)+"-hint").Class("hint").Text(hint), code, w, nil)
}

// selectControl is a select of choices ("value:label|…"); the default's
// label says it is.
func (p *PublishPage) selectControl(option, label, choices, def string, w publishWords, code embedCode) app.UI {
	current := p.choice[option]
	if current == "" {
		current = def
	}
	var opts []app.UI
	for _, c := range strings.Split(choices, "|") {
		value, text, _ := strings.Cut(c, ":")
		if value == def {
			text = fmt.Sprintf(w.byDefault, text)
		}
		opts = append(opts, app.Option().Value(attr(value)).Selected(value == current).Text(text))
	}
	_, bad := code.errors[option]
	sel := app.Select().ID(controlID(option)).Name(publishParam(option)).
		OnChange(p.onChange(option)).Body(opts...)
	if bad {
		sel = sel.Aria("invalid", ariaTrue).Aria("describedby", controlID(option)+"-error")
	}
	return field(option, label, sel, nil, code, w, nil)
}

func (p *PublishPage) onChange(option string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.set(ctx, option, ctx.JSSrc().Get("value").String())
	}
}

// group is a set of controls named by its heading: a fieldset's role
// without its element (each kind of element the app builds weighs on the
// wasm).
func group(id, heading string, controls ...app.UI) app.UI {
	return app.Div().Class("publish-group").Role("group").Aria("labelledby", id).Body(
		append([]app.UI{app.H2().ID(id).Class("publish-group-title").Text(heading)}, controls...)...,
	)
}

// codeBlock is one form of the code, with its copy button and the
// confirmation web/kiosque.js writes when it has copied.
func codeBlock(id, heading, hint, code string, w publishWords) app.UI {
	return app.Section().Class("publish-code-block").Aria("labelledby", id+"-title").Body(
		app.H3().ID(id+"-title").Text(heading),
		app.P().Class("hint").Text(hint),
		// Raw: the text as it is copied, in elements the app has no
		// other use for (each kind of element it builds weighs on the wasm).
		app.Raw(`<pre class="publish-code-text" dir="ltr"><code id="`+id+`">`+escapeHTML(code)+`</code></pre>`),
		app.P().Class("publish-copy").Body(
			app.Button().Type("button").Class("button copy-button").
				DataSet("copy", id).DataSet("status", id+"-status").
				DataSet("done", attr(w.copied)).DataSet("failed", attr(w.copyFailed)).
				Aria("describedby", id+"-title").
				Text(w.copy),
			app.Span().ID(id+"-status").Class("copy-status").Role("status"),
		),
	)
}
