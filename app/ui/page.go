package ui

import (
	"github.com/kiosque/kiosque/app/params"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// ViewElementID is the id of the <script type="application/json"> element
// that carries a page's view.
const ViewElementID = "kiosque-view"

// viewState is how a routed page gets its view. On the server the page's
// View field is set before it is rendered. In the browser the first page
// takes the view embedded in the prerendered HTML; later navigations fetch
// theirs as JSON.
type viewState struct {
	view    View
	loading bool
	failed  bool
}

// init runs in OnInit, before the first render.
func (s *viewState) init(given View) {
	if given.Path != "" {
		s.view = given
		return
	}
	if v, ok := embeddedView(); ok && v.Path == currentPage() {
		s.view = v
	}
}

// current is the view to render: the loaded one, or the one the server gave.
func (s *viewState) current(given View) View {
	if s.view.Path != "" {
		return s.view
	}
	return given
}

// nav runs in OnNav: it loads the view of the page navigated to, unless the
// page already has it.
func (s *viewState) nav(ctx app.Context) {
	path := pageOf(ctx)
	if s.view.Path == path {
		showDocument(s.view)
		return
	}
	s.load(ctx, path)
}

// pageOf is the page the app shows, as params.CanonicalPage names it.
func pageOf(ctx app.Context) string {
	u := ctx.Page().URL()
	return params.CanonicalPage(u.Path, u.RawQuery)
}

func (s *viewState) load(ctx app.Context, path string) {
	s.loading, s.failed = true, false
	ctx.Async(func() {
		v, err := fetchView(ctx, path)
		ctx.Dispatch(func(ctx app.Context) {
			if path != pageOf(ctx) {
				return // the reader has moved on: a later load answers
			}
			s.loading = false
			if err != nil {
				app.Logf("kiosque: load %s: %v", path, err)
				s.failed = true
				return
			}
			s.view = v
			showDocument(v)
			ctx.Page().SetTitle(v.Title())
		})
	})
}

// status renders what a page shows while its view is loading or when it
// could not be loaded.
func (s *viewState) status(words labels) app.UI {
	switch {
	case s.failed:
		return app.Div().Class("status").Role("alert").Body(
			app.P().Text(words.loadFailed),
			app.Button().Type("button").Class("button").Text(words.retry).
				OnClick(func(ctx app.Context, e app.Event) {
					s.load(ctx, pageOf(ctx))
				}),
		)
	case s.loading:
		return app.Div().Class("status").Role("status").Aria("live", "polite").Text(words.loading)
	}
	return nil
}
