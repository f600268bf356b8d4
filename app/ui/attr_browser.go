//go:build wasm

package ui

// attr returns s as it is: in the browser go-app sets attributes through
// the DOM, which takes any text.
func attr(s string) string { return s }

// ariaTrue is "true" for an ARIA state (see attr_server.go).
const ariaTrue = "true"
