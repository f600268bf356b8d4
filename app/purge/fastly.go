package purge

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// fastlyAPI is the address of Fastly's API.
const fastlyAPI = "https://api.fastly.com"

// fastly is a Fastly service, purged through its API's "purge multiple
// surrogate keys": POST /service/{service_id}/purge with the token in
// Fastly-Key and {"surrogate_keys": [...]}, at most 256 keys a request.
type fastly struct{ service apiAccount }

// newFastly is the Fastly service given, reached at api (fastlyAPI).
func newFastly(service, token, api string, client *http.Client) *fastly {
	return &fastly{newAPIAccount(service, token, api, client)}
}

func (f *fastly) Name() string { return "fastly " + f.service.id }

func (f *fastly) MaxKeys() int { return 256 }

func (f *fastly) Purge(ctx context.Context, keys []string) error {
	res, answer, err := f.service.postJSON(ctx, f.Name(), "/service/"+f.service.id+"/purge", struct {
		Keys []string `json:"surrogate_keys"`
	}{keys}, "Fastly-Key", f.service.token, "Accept", "application/json")
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		// Fastly's errors are {"msg": ..., "detail": ...}.
		var e struct{ Msg, Detail string }
		detail := strings.TrimSpace(string(answer))
		if json.Unmarshal(answer, &e) == nil && e.Msg != "" {
			detail = strings.TrimSpace(e.Msg + " " + e.Detail)
		}
		return failure(f.Name(), res, detail)
	}
	return nil
}
