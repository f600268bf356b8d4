package purge

import (
	"context"
	"io"
	"net/http"
	"strings"
)

// varnish is a Varnish with varnish-modules' xkey, told to purge by a
// request PURGE / whose xkey header names the keys, apart by spaces: the
// VCL of the README hands it to xkey.purge.
type varnish struct {
	base   string // scheme://host:port
	client *http.Client
}

// newVarnish is the Varnish at base (http://HOST:PORT).
func newVarnish(base string, client *http.Client) *varnish {
	return &varnish{base: base, client: client}
}

func (v *varnish) Name() string { return "varnish " + v.base }

// MaxKeys keeps the xkey header near 2 KB, far below Varnish's default
// http_req_hdr_len (8 KB): each key is 11 characters and a space.
func (v *varnish) MaxKeys() int { return 170 }

func (v *varnish) Purge(ctx context.Context, keys []string) error {
	req, err := http.NewRequestWithContext(ctx, "PURGE", v.base+"/", nil)
	if err != nil {
		return &Error{Cache: v.Name(), Detail: err.Error()}
	}
	req.Header.Set("xkey", strings.Join(keys, " "))
	res, err := v.client.Do(req)
	if err != nil {
		return unreached(v.Name(), err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1024))
	if res.StatusCode != http.StatusOK {
		return failure(v.Name(), res, strings.TrimSpace(string(body)))
	}
	return nil
}
