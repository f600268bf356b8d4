package server

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
)

// The line of go-app's app.js (v10) that registers the service worker as
// soon as the script runs.
const registerWorker = "\ngoappInitServiceWorker();\n"

// withOptionalWorker is go-app's handler, except that its app.js registers
// the service worker only when the page lets it: web/kiosque.js sets
// window.kiosqueNoWorker in frames, where a partner's page is not the site
// and a sandbox refuses the registration with an error on its console.
type withOptionalWorker struct{ goapp http.Handler }

func (h withOptionalWorker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/app.js" {
		h.goapp.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	h.goapp.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	if rec.Code == http.StatusOK {
		if !bytes.Contains(body, []byte(registerWorker)) {
			http.Error(w, fmt.Sprintf("go-app's app.js no longer has %q: see app/server/appjs.go", registerWorker), http.StatusInternalServerError)
			return
		}
		body = bytes.Replace(body, []byte(registerWorker), []byte("\nif (!window.kiosqueNoWorker) goappInitServiceWorker();\n"), 1)
	}
	for name, values := range rec.Header() {
		w.Header()[name] = values
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	w.Write(body)
}
