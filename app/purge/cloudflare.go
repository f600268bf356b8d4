package purge

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// cloudflareAPI is the address of Cloudflare's API.
const cloudflareAPI = "https://api.cloudflare.com"

// cloudflare is a Cloudflare zone, purged by cache tags: POST
// /client/v4/zones/{zone_id}/purge_cache with a bearer token and
// {"tags": [...]}. Its documentation gives 100 operations a request on
// every plan (older versions said 30 tags).
type cloudflare struct{ zone apiAccount }

// newCloudflare is the zone given, reached at api (cloudflareAPI).
func newCloudflare(zone, token, api string, client *http.Client) *cloudflare {
	return &cloudflare{newAPIAccount(zone, token, api, client)}
}

func (c *cloudflare) Name() string { return "cloudflare " + c.zone.id }

func (c *cloudflare) MaxKeys() int { return 100 }

func (c *cloudflare) Purge(ctx context.Context, keys []string) error {
	res, answer, err := c.zone.postJSON(ctx, c.Name(), "/client/v4/zones/"+c.zone.id+"/purge_cache", struct {
		Tags []string `json:"tags"`
	}{keys}, "Authorization", "Bearer "+c.zone.token)
	if err != nil {
		return err
	}
	// Every answer of Cloudflare's API says {"success": bool, "errors":
	// [{"code", "message"}], ...}; a purge is confirmed by success.
	var v struct {
		Success bool
		Errors  []struct {
			Code    int
			Message string
		}
	}
	decoded := json.Unmarshal(answer, &v) == nil
	if res.StatusCode == http.StatusOK && decoded && v.Success {
		return nil
	}
	detail := strings.TrimSpace(string(answer))
	if decoded && len(v.Errors) > 0 {
		var msgs []string
		for _, e := range v.Errors {
			msgs = append(msgs, e.Message)
		}
		detail = strings.Join(msgs, "; ")
	}
	return failure(c.Name(), res, detail)
}
