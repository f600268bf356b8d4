//go:build wasm

package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"syscall/js"

	"github.com/kiosque/kiosque/app/params"
)

// embeddedView reads the view the server embedded in the page, so that the
// first render in the browser shows what the prerendered page showed.
func embeddedView() (View, bool) {
	el := js.Global().Get("document").Call("getElementById", ViewElementID)
	if !el.Truthy() {
		return View{}, false
	}
	var v View
	if err := json.Unmarshal([]byte(el.Get("textContent").String()), &v); err != nil {
		return View{}, false
	}
	return v, true
}

// fetchView asks the server for the view of a page, through the browser's
// fetch: the net/http client would double the size of the wasm.
func fetchView(ctx context.Context, path string) (View, error) {
	var v View
	err := fetchJSON(ctx, viewURL(path), &v)
	return v, err
}

func fetchJSON(ctx context.Context, u string, v any) error {
	status, body, err := fetchBody(ctx, u)
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		var problem struct{ Detail string }
		json.Unmarshal(body, &problem)
		return fmt.Errorf("fetch %s: status %d: %s", u, status, problem.Detail)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode %s: %w", u, err)
	}
	return nil
}

// fetchBody fetches u and reads its body; an answer of any status is no
// error, a network failure is.
func fetchBody(ctx context.Context, u string) (status int, body []byte, err error) {
	return fetchWithCache(ctx, u, "default")
}

// fetchWithCache is fetchBody with the browser's cache used as mode says
// (the Fetch standard's RequestCache: "no-cache" asks the server, past an
// answer the browser keeps).
func fetchWithCache(ctx context.Context, u, mode string) (status int, body []byte, err error) {
	abort := js.Global().Get("AbortController").New()
	stop := context.AfterFunc(ctx, func() { abort.Call("abort") })
	defer stop()

	opts := js.Global().Get("Object").New()
	opts.Set("signal", abort.Get("signal"))
	opts.Set("credentials", "omit")
	opts.Set("cache", mode)
	headers := js.Global().Get("Object").New()
	headers.Set("Accept", "application/json")
	opts.Set("headers", headers)

	res, err := await(js.Global().Call("fetch", u, opts))
	if err != nil {
		return 0, nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	text, err := await(res.Call("text"))
	if err != nil {
		return 0, nil, fmt.Errorf("read %s: %w", u, err)
	}
	return res.Get("status").Int(), []byte(text.String()), nil
}

// await blocks the calling goroutine until the promise settles. It must not
// run on the JavaScript event loop's own goroutine (use ctx.Async).
func await(promise js.Value) (js.Value, error) {
	type result struct {
		value js.Value
		err   error
	}
	done := make(chan result, 1)
	onValue := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{value: args[0]}
		return nil
	})
	onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{err: errors.New(args[0].Call("toString").String())}
		return nil
	})
	defer onValue.Release()
	defer onError.Release()
	promise.Call("then", onValue, onError)
	r := <-done
	return r.value, r.err
}

// currentPage is the page the browser shows, as params.CanonicalPage names it.
func currentPage() string {
	u, err := url.Parse(js.Global().Get("location").Get("href").String())
	if err != nil {
		return ""
	}
	return params.CanonicalPage(u.Path, u.RawQuery)
}

// showDocument sets the language, direction and theme of the whole document,
// which lies outside the component, after a navigation in the browser, and
// tells scripts and tests that the wasm has rendered.
func showDocument(v View) {
	root := js.Global().Get("document").Get("documentElement")
	root.Set("lang", string(v.Lang))
	root.Set("dir", v.Lang.Dir())
	root.Get("dataset").Set("theme", string(v.Theme))
	root.Get("dataset").Set("kiosque", "ready")
}
