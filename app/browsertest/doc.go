// Package browsertest holds Kiosque's tests in a real browser: Debian's
// Chromium, driven with chromedp, on the real site served through
// app/front, and on partner sites' pages served beside it. Its harness
// (harness_test.go) starts all three.
package browsertest
