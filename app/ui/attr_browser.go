//go:build wasm

package ui

// attr returns s as it is: in the browser go-app sets attributes through
// the DOM, which takes any text.
func attr(s string) string { return s }
