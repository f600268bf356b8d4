// Package purge tells the caches in front of Kiosque (Varnish, Fastly,
// Cloudflare) to drop the answers that show what changed, by the keys the
// answers carry (Surrogate-Key, Cache-Tag, see app/server/surrogate.go).
// A Queue sends the keys in order, batched, and retries while a cache is
// down, so that no import waits for a cache.
package purge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Cache is one cache in front of the servers.
type Cache interface {
	// Name says which cache this is, in logs and metrics.
	Name() string
	// MaxKeys is the most keys one Purge may be given.
	MaxKeys() int
	// Purge drops every answer that carries one of keys. A failure that
	// may pass (the cache is down, busy, or asks to wait) is an *Error
	// whose Temporary is true.
	Purge(ctx context.Context, keys []string) error
}

// Error is a purge a cache did not confirm.
type Error struct {
	Cache  string
	Status int    // the HTTP status answered; 0 when none came
	Detail string // what the cache said, or the transport's error
	// Temporary says a later try may succeed: no answer came, or a 5xx,
	// 408 or 429.
	Temporary bool
	// RetryAfter is how long the cache asked to wait (Retry-After), if it
	// said.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("purge %s: %s", e.Cache, e.Detail)
	}
	return fmt.Sprintf("purge %s: %d %s: %s", e.Cache, e.Status, http.StatusText(e.Status), e.Detail)
}

// Tokens are the API tokens of the caches that need one.
type Tokens struct {
	Fastly     string // KIOSQUE_FASTLY_TOKEN
	Cloudflare string // KIOSQUE_CLOUDFLARE_TOKEN
}

// Parse reads a cache's address, as -purge gives it:
// varnish+http://HOST:PORT (or varnish+https://), fastly://SERVICE_ID or
// cloudflare://ZONE_ID. client sends the purges.
func Parse(address string, tokens Tokens, client *http.Client) (Cache, error) {
	u, err := url.Parse(address)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%q: want varnish+http://HOST:PORT, fastly://SERVICE_ID or cloudflare://ZONE_ID", address)
	}
	switch u.Scheme {
	case "varnish+http", "varnish+https":
		if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.User != nil {
			return nil, fmt.Errorf("%q: a Varnish is named by its scheme, host and port only (varnish+http://HOST:PORT)", address)
		}
		return newVarnish(strings.TrimPrefix(u.Scheme, "varnish+")+"://"+u.Host, client), nil
	case "fastly":
		if tokens.Fastly == "" {
			return nil, fmt.Errorf("%q: Fastly's API needs a token with the purge_select scope in KIOSQUE_FASTLY_TOKEN", address)
		}
		if !isID(u.Host) || u.Path != "" {
			return nil, fmt.Errorf("%q: want fastly://SERVICE_ID, the service's alphanumeric ID", address)
		}
		return newFastly(u.Host, tokens.Fastly, fastlyAPI, client), nil
	case "cloudflare":
		if tokens.Cloudflare == "" {
			return nil, fmt.Errorf("%q: Cloudflare's API needs a token with the Cache Purge permission in KIOSQUE_CLOUDFLARE_TOKEN", address)
		}
		if !isID(u.Host) || u.Path != "" {
			return nil, fmt.Errorf("%q: want cloudflare://ZONE_ID, the zone's ID (32 hex digits)", address)
		}
		return newCloudflare(u.Host, tokens.Cloudflare, cloudflareAPI, client), nil
	}
	return nil, fmt.Errorf("%q: unknown cache %q: want varnish+http://HOST:PORT, fastly://SERVICE_ID or cloudflare://ZONE_ID", address, u.Scheme)
}

func isID(s string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return s != ""
}

// failure makes the *Error of an answer that did not confirm a purge.
func failure(cache string, res *http.Response, detail string) *Error {
	e := &Error{Cache: cache, Status: res.StatusCode, Detail: detail}
	switch {
	case res.StatusCode == http.StatusTooManyRequests, res.StatusCode == http.StatusRequestTimeout, res.StatusCode >= 500:
		e.Temporary = true
	}
	e.RetryAfter = retryAfter(res.Header.Get("Retry-After"), time.Now())
	return e
}

// apiAccount is an account at a CDN's API, as both API clients (Fastly,
// Cloudflare) reach it: what it is there (a service, a zone), its token,
// the API's address and the HTTP client.
type apiAccount struct {
	id, token, api string
	client         *http.Client
}

func newAPIAccount(id, token, api string, client *http.Client) apiAccount {
	return apiAccount{id: id, token: token, api: strings.TrimSuffix(api, "/"), client: client}
}

// postJSON posts v as JSON to the API's path for the cache named, with
// the headers given as name, value pairs, and returns the answer with at
// most 64 KB of its body: the request both API clients make, each reading
// the answer in its API's own words.
func (a apiAccount) postJSON(ctx context.Context, cache, path string, v any, header ...string) (*http.Response, []byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, nil, &Error{Cache: cache, Detail: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.api+path, bytes.NewReader(body))
	if err != nil {
		return nil, nil, &Error{Cache: cache, Detail: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := a.client.Do(req)
	if err != nil {
		return nil, nil, unreached(cache, err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	return res, answer, nil
}

// unreached is the *Error of a purge that got no answer.
func unreached(cache string, err error) *Error {
	return &Error{Cache: cache, Detail: err.Error(), Temporary: true}
}

// retryAfter reads Retry-After, seconds or an HTTP date (RFC 9110 10.2.3).
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// temporary tells whether err may pass, and how long the cache asked to
// wait.
func temporary(err error) (bool, time.Duration) {
	var e *Error
	if errors.As(err, &e) {
		return e.Temporary, e.RetryAfter
	}
	return true, 0 // a context's end, say: not the cache's verdict
}
