package purge

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// FastlyAPI is the address of Fastly's API.
const FastlyAPI = "https://api.fastly.com"

// Fastly is a Fastly service, purged through its API's "purge multiple
// surrogate keys": POST /service/{service_id}/purge with the token in
// Fastly-Key and {"surrogate_keys": [...]}, at most 256 keys a request.
type Fastly struct {
	service, token, api string
	client              *http.Client
}

// NewFastly is the Fastly service given, reached at api (FastlyAPI).
func NewFastly(service, token, api string, client *http.Client) *Fastly {
	return &Fastly{service: service, token: token, api: strings.TrimSuffix(api, "/"), client: client}
}

func (f *Fastly) Name() string { return "fastly " + f.service }

func (f *Fastly) MaxKeys() int { return 256 }

func (f *Fastly) Purge(ctx context.Context, keys []string) error {
	body, err := json.Marshal(struct {
		Keys []string `json:"surrogate_keys"`
	}{keys})
	if err != nil {
		return &Error{Cache: f.Name(), Detail: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.api+"/service/"+f.service+"/purge", bytes.NewReader(body))
	if err != nil {
		return &Error{Cache: f.Name(), Detail: err.Error()}
	}
	req.Header.Set("Fastly-Key", f.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	res, err := f.client.Do(req)
	if err != nil {
		return unreached(f.Name(), err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
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
