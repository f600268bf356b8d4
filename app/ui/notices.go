package ui

import (
	"time"

	"github.com/kiosque/kiosque/app/every"
	"github.com/kiosque/kiosque/app/news"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// updateCheckEvery is how often an open page asks for a new release,
// besides each time the reader comes back to it.
const updateCheckEvery = 30 * time.Minute

// Notices tells the reader when the site is offline (the page then comes
// from the cache), and when a new release is ready, with a button to
// reload: nothing reloads by itself.
type Notices struct {
	app.Compo
	Lang news.Lang

	offline   bool
	update    bool
	listeners []listener
}

// listener is a function the page calls on a window event.
type listener struct {
	event string
	fn    app.Func
}

// OnMount listens for the network going and coming, and looks for a new
// release when the page gets focus and on an interval.
func (n *Notices) OnMount(ctx app.Context) {
	n.update = ctx.AppUpdateAvailable() && newRelease()
	check := func() {
		ctx.Async(func() {
			offline := !online(ctx)
			ctx.Dispatch(func(app.Context) { n.offline = offline })
		})
	}
	check()
	n.listen("online", check)
	n.listen("offline", check)
	n.listen("focus", app.TryUpdate)
	ctx.Async(func() { every.Tick(ctx, updateCheckEvery, app.TryUpdate) })
}

// OnDismount stops listening to the window.
func (n *Notices) OnDismount() {
	for _, l := range n.listeners {
		app.Window().Call("removeEventListener", l.event, l.fn)
		l.fn.Release()
	}
	n.listeners = nil
}

func (n *Notices) listen(event string, do func()) {
	fn := app.FuncOf(func(app.Value, []app.Value) any {
		do()
		return nil
	})
	app.Window().Call("addEventListener", event, fn)
	n.listeners = append(n.listeners, listener{event, fn})
}

// OnAppUpdate is called by go-app when the new release's worker is ready,
// and also when the first worker of a page loaded without one takes it
// over: that is no new release.
func (n *Notices) OnAppUpdate(ctx app.Context) { n.update = newRelease() }

// Render builds the notices, if any.
func (n *Notices) Render() app.UI {
	words := labelsFor(n.Lang)
	return app.Div().Class("notices").Aria("live", "polite").Body(
		app.If(n.offline, func() app.UI {
			return app.P().Class("notice notice-offline").Role("status").Text(words.offline)
		}),
		app.If(n.update, func() app.UI {
			return app.P().Class("notice notice-update").Body(
				app.Span().Text(words.update),
				app.Button().Type("button").Class("button reload-button").Text(words.reload).
					OnClick(func(ctx app.Context, e app.Event) { ctx.Reload() }),
			)
		}),
	)
}
