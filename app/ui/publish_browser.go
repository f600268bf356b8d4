//go:build wasm

package ui

import (
	"strconv"
	"syscall/js"
)

// listenHeights sizes each preview frame to the height it reports
// (web/kiosque.js: {type: "kiosque:resize", version: 1, id, height}),
// taken only from the frame that id names, and tells got.
func listenHeights(got func(id string, height int)) (stop func()) {
	doc := js.Global().Get("document")
	onMessage := js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := args[0]
		d := e.Get("data")
		if d.Type() != js.TypeObject || d.Get("type").String() != "kiosque:resize" || d.Get("version").Int() != 1 {
			return nil
		}
		id := d.Get("id")
		if id.Type() != js.TypeString {
			return nil
		}
		frame := doc.Call("getElementById", id.String())
		height := d.Get("height")
		if !frame.Truthy() || !frame.Get("contentWindow").Equal(e.Get("source")) || height.Type() != js.TypeNumber {
			return nil
		}
		if h := height.Int(); h > 0 && h <= 20000 {
			// Through the CSSOM: the site's CSP refuses style attributes.
			frame.Get("style").Set("height", strconv.Itoa(h)+"px")
			got(id.String(), h)
		}
		return nil
	})
	js.Global().Call("addEventListener", "message", onMessage)
	return func() {
		js.Global().Call("removeEventListener", "message", onMessage)
		onMessage.Release()
	}
}
