//go:build wasm

package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// savedKey names the reader's saved list in localStorage.
const savedKey = "kiosque:saved"

// savedCache is the cache the service worker answers from offline, whose
// entries it never trims.
const savedCache = "kiosque-saved"

// savedArticles reads the reader's saved list, newest save first.
func savedArticles() (list []news.Article) {
	defer func() {
		if recover() != nil { // storage refused, as in a sandboxed frame
			list = nil
		}
	}()
	raw := js.Global().Get("localStorage").Call("getItem", savedKey)
	if raw.IsNull() {
		return nil
	}
	json.Unmarshal([]byte(raw.String()), &list)
	return list
}

// storeSaved stores the reader's saved list. The browser may refuse: its
// storage full (QuotaExceededError), or none in private browsing or a
// sandboxed frame, where even reading localStorage throws.
func storeSaved(list []news.Article) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("the browser refused to store the saved list: %v", v)
		}
	}()
	b, err := json.Marshal(list)
	if err != nil {
		return err
	}
	storage := js.Global().Get("localStorage")
	if storage.Get("kiosqueInMemory").Truthy() {
		// web/kiosque.js's stand-in: the list would be gone with the page.
		return errors.New("the browser keeps no storage for this site")
	}
	storage.Call("setItem", savedKey, string(b))
	return nil
}

// keepOffline asks the browser to keep the pages and files of a saved
// article, so that it opens without a network.
func keepOffline(urls []string) {
	withSavedCache(func(cache js.Value) {
		cache.Call("addAll", toJSArray(urls)).Call("catch", logError("keep offline"))
	})
}

// dropOffline forgets what keepOffline kept.
func dropOffline(urls []string) {
	withSavedCache(func(cache js.Value) {
		for _, u := range urls {
			cache.Call("delete", u)
		}
	})
}

func withSavedCache(do func(cache js.Value)) {
	caches := js.Global().Get("caches")
	if !caches.Truthy() {
		return // no Cache API: not a secure context, or a sandboxed frame
	}
	var opened js.Func
	opened = js.FuncOf(func(_ js.Value, args []js.Value) any {
		defer opened.Release()
		do(args[0])
		return nil
	})
	caches.Call("open", savedCache).Call("then", opened).Call("catch", logError("open saved cache"))
}

func logError(what string) js.Func {
	var f js.Func
	f = js.FuncOf(func(_ js.Value, args []js.Value) any {
		defer f.Release()
		app.Logf("kiosque: %s: %v", what, args[0].Call("toString").String())
		return nil
	})
	return f
}

func toJSArray(s []string) js.Value {
	a := js.Global().Get("Array").New(len(s))
	for i, v := range s {
		a.SetIndex(i, v)
	}
	return a
}

// withdrawn reports whether the server says the saved article a is gone:
// taken down, or removed at its source. Its view, which the article's
// offline copy holds, answers 404 or 410 (http.StatusNotFound,
// http.StatusGone: net/http is not linked into the wasm) with a JSON
// problem, which a proxy's own error page is not. A network failure says
// nothing. The server is asked past the answer the browser keeps (for a
// minute, or ten while it asks again). Through the service worker, the
// answer also drops the article's copies from its caches.
func withdrawn(ctx context.Context, a news.Article) bool {
	status, body, err := fetchWithCache(ctx, viewURL(articlePath(a.Slug)), "no-cache")
	return err == nil && (status == 404 || status == 410) && json.Valid(body)
}

// online reports whether the server answers. The browser's own belief
// (navigator.onLine) comes first; when it thinks it is online, the page
// may still come from the worker's cache with the server out of reach.
func online(ctx context.Context) bool {
	if !js.Global().Get("navigator").Get("onLine").Bool() {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, _, err := fetchBody(ctx, "/healthz")
	return err == nil
}

// newRelease reports whether a service worker of a new release replaced
// the one the page started with (web/kiosque.js watches): go-app also
// reports the first worker taking over a page loaded without one.
func newRelease() bool {
	return js.Global().Get("kiosqueNewRelease").Truthy()
}
