package ui

import (
	"fmt"
	"math"

	"github.com/kiosque/kiosque/app/news"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Carousel shows articles one slide at a time, following the WAI-ARIA
// carousel pattern. The track is a CSS scroll-snap strip, so touch and
// trackpads scroll it before the wasm starts; the buttons and arrow keys
// scroll it by one slide. It never turns by itself.
type Carousel struct {
	app.Compo
	ID       string // prefix of element ids, unique in the page
	Label    string // the carousel's heading
	Lang     news.Lang
	Articles []news.Article
	External bool   // link to the publisher's page rather than ours
	Target   string // where links open; empty for in place

	current int  // index of the first slide in view
	atEnd   bool // the last slide is in view
}

// Render builds the carousel.
func (c *Carousel) Render() app.UI {
	words := labelsFor(c.Lang)
	n := len(c.Articles)
	headingID := c.ID + "-heading"
	return app.Section().
		ID(c.ID).
		Class("carousel").
		Aria("roledescription", "carousel").
		Aria("labelledby", headingID).
		DataSet("current", c.current).
		Body(
			app.Div().Class("carousel-header").Body(
				app.H2().ID(headingID).Class("carousel-heading").Text(c.Label),
				app.Div().Class("carousel-controls").Body(
					c.button("prev", words.previous, "‹", c.current <= 0, -1),
					c.button("next", words.next, "›", n <= 1 || c.atEnd || c.current >= n-1, +1),
				),
			),
			// Slides are groups, not list items (a list item may not take
			// another role), so the track is a plain element.
			app.Div().
				ID(c.ID+"-track").
				Class("carousel-track").
				TabIndex(0).
				Aria("label", attr(c.Label)).
				OnScroll(c.onScroll).
				OnKeyDown(c.onKeyDown).
				Body(
					app.Range(c.Articles).Slice(func(i int) app.UI {
						a := c.Articles[i]
						return app.Div().
							Class("carousel-slide").
							Role("group").
							Aria("roledescription", "slide").
							Aria("label", attr(fmt.Sprintf(words.slideOf, i+1, n))).
							Body(&Card{Article: a, Lang: c.Lang, Href: articleHref(a, c.External), Target: c.Target})
					}),
				),
			app.P().Class("visually-hidden").Aria("live", "polite").Aria("atomic", ariaTrue).
				Text(fmt.Sprintf(words.slideOf, c.current+1, n)),
		)
}

// button is a previous or next button. It is a real button, keeps focus
// where it is, and is disabled at the ends of the track.
func (c *Carousel) button(name, label, glyph string, disabled bool, step int) app.UI {
	b := app.Button().
		Type("button").
		Class("carousel-button carousel-"+name).
		Aria("controls", c.ID+"-track").
		Aria("label", attr(label)).
		Title(attr(label)).
		OnClick(func(ctx app.Context, e app.Event) { c.scrollBy(ctx, step) }).
		Body(app.Span().Aria("hidden", ariaTrue).Class("carousel-glyph").Text(glyph))
	if disabled {
		// Only when true: go-app's prerender writes disabled="false",
		// which HTML reads as disabled.
		b = b.Disabled(true)
	}
	return b
}

func (c *Carousel) onKeyDown(ctx app.Context, e app.Event) {
	forward, back := "ArrowRight", "ArrowLeft"
	if c.Lang.Dir() == "rtl" {
		forward, back = back, forward
	}
	switch e.Get("key").String() {
	case forward:
		c.scrollBy(ctx, +1)
	case back:
		c.scrollBy(ctx, -1)
	case "Home":
		c.scrollBy(ctx, -c.current)
	case "End":
		c.scrollBy(ctx, len(c.Articles)-1-c.current)
	default:
		return
	}
	e.PreventDefault()
}

// scrollBy scrolls the track by steps slides. The distance between the
// first two slides is one step, with its sign: negative in a right-to-left
// track, whose scroll position runs from 0 down.
func (c *Carousel) scrollBy(ctx app.Context, steps int) {
	target := min(max(c.current+steps, 0), len(c.Articles)-1)
	track := app.Window().GetElementByID(c.ID + "-track")
	step := slideStep(track)
	if !track.Truthy() || step == 0 || target == c.current {
		return
	}
	opts := app.Window().Get("Object").New()
	opts.Set("left", float64(target-c.current)*step)
	opts.Set("behavior", scrollBehavior())
	track.Call("scrollBy", opts)
	c.current = target
}

func (c *Carousel) onScroll(ctx app.Context, e app.Event) {
	track := ctx.JSSrc()
	step := slideStep(track)
	if step == 0 {
		return
	}
	left := math.Abs(track.Get("scrollLeft").Float())
	current := int(math.Round(left / math.Abs(step)))
	atEnd := left+track.Get("clientWidth").Float() >= track.Get("scrollWidth").Float()-2
	if current != c.current || atEnd != c.atEnd {
		c.current, c.atEnd = current, atEnd
	}
}

func slideStep(track app.Value) float64 {
	if !track.Truthy() {
		return 0
	}
	slides := track.Get("children")
	if slides.Length() < 2 {
		return 0
	}
	return slides.Index(1).Get("offsetLeft").Float() - slides.Index(0).Get("offsetLeft").Float()
}

// scrollBehavior honours the reader's wish for less motion.
func scrollBehavior() string {
	if app.Window().Call("matchMedia", "(prefers-reduced-motion: reduce)").Get("matches").Bool() {
		return "auto"
	}
	return "smooth"
}
