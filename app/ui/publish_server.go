//go:build !wasm

package ui

// listenHeights does nothing on the server: frames report their height
// only in the browser.
func listenHeights(func(id string, height int)) (stop func()) { return func() {} }
