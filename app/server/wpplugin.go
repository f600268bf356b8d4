package server

import (
	"bytes"
	"net/http"
	"sync"
	"time"

	"github.com/kiosque/kiosque/app/etag"
	"github.com/kiosque/kiosque/app/wpplugin"
)

// wordpressPlugin serves the WordPress plugin (app/wpplugin) as a zip, set
// to the address readers reach this server at. With a public URL, it is
// zipped once, at start. Without one, the address is each request's
// origin: the zips of the origins keepsOrigin keeps are kept, any other is
// zipped for its request alone, so that Host headers made up by clients
// keep nothing.
func (s *server) wordpressPlugin() http.Handler {
	type zipped struct {
		body []byte
		tag  string
	}
	var (
		mu   sync.Mutex
		kept = map[string]zipped{}
	)
	zipFor := func(origin string) (zipped, error) {
		mu.Lock()
		z, ok := kept[origin]
		mu.Unlock()
		if ok {
			return z, nil
		}
		body, err := wpplugin.Zip(origin)
		if err != nil {
			return zipped{}, err
		}
		z = zipped{body, etag.Of(body)}
		if s.keepsOrigin(origin) {
			mu.Lock()
			kept[origin] = z
			mu.Unlock()
		}
		return z, nil
	}
	if s.PublicURL != "" {
		if _, err := zipFor(s.PublicURL); err != nil {
			s.Log.Error("the WordPress plugin cannot be served", "err", err)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		z, err := zipFor(s.originOf(netRequest{r}))
		if err != nil {
			problem(w, http.StatusBadRequest, "no plugin for this server's address: "+err.Error())
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/zip")
		h.Set("Content-Disposition", `attachment; filename="kiosque.zip"`)
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("ETag", z.tag)
		// Answers If-None-Match, ranges and HEAD.
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(z.body))
	})
}
