package purge

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// FastlyAPI is the address of Fastly's API.
const FastlyAPI = "https://api.fastly.com"

// Fastly is a Fastly service, purged through its API's "purge multiple
// surrogate keys": POST /service/{service_id}/purge with the token in
// Fastly-Key and {"surrogate_keys": [...]}, at most 256 keys a request.
type Fastly struct{ service apiAccount }

// NewFastly is the Fastly service given, reached at api (FastlyAPI).
func NewFastly(service, token, api string, client *http.Client) *Fastly {
	return &Fastly{newAPIAccount(service, token, api, client)}
}

func (f *Fastly) Name() string { return "fastly " + f.service.id }

func (f *Fastly) MaxKeys() int { return 256 }

func (f *Fastly) Purge(ctx context.Context, keys []string) error {
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
