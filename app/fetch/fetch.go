// Package fetch is the HTTP client that ingest's sources and the media
// handler use: bounded in time and size, conditional when it can be, and
// named by its User-Agent.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Defaults for a Client.
const (
	DefaultTimeout  = 30 * time.Second
	defaultMaxBytes = 20 << 20
)

// ErrTooLarge is returned for a response body beyond the size limit.
var ErrTooLarge = errors.New("response too large")

// StatusError is an answer other than 200 or 304.
type StatusError struct {
	URL  string
	Code int
	// RetryAfter is the wait the server asked for, zero if none.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s answered %d %s", e.URL, e.Code, http.StatusText(e.Code))
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return msg
}

// RetryAfter returns the wait a server asked for in err, if any.
func RetryAfter(err error) time.Duration {
	var se *StatusError
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}

// Options configure a Client. Zero values take the defaults.
type Options struct {
	Timeout   time.Duration // for a whole request, body included
	MaxBytes  int64         // largest body read
	UserAgent string        // Kiosque's, naming its version, if empty
	// PublicOnly refuses to connect to any address of the IANA
	// special-purpose registries (loopback, private, carrier NAT and cloud
	// metadata, link-local, benchmarking, reserved, multicast, NAT64, 6to4,
	// Teredo…), checked on every connection after name resolution, so
	// redirects and names that change are checked too: for URLs that come
	// from imported content, which must not reach the server's own network.
	PublicOnly bool
	// Ports are the only ports connected to. Nil (or empty) means 80 and
	// 443 with PublicOnly, any port without.
	Ports []uint16
	// UseEnvProxy sends requests through the proxy the environment names
	// (HTTPS_PROXY, HTTP_PROXY, NO_PROXY); without it they are ignored.
	// With PublicOnly or Ports the proxy itself may be anywhere, and each
	// target is checked before it is asked of the proxy, its name resolved
	// here (one that does not resolve here is refused).
	UseEnvProxy bool
	// Transport is for tests; nil uses a transport with its own timeouts.
	Transport http.RoundTripper
}

// Client fetches documents. It is safe for concurrent use.
type Client struct {
	http      *http.Client
	maxBytes  int64
	userAgent string
}

// New returns a Client.
func New(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = defaultMaxBytes
	}
	if opts.UserAgent == "" {
		opts.UserAgent = userAgent("")
	}
	if opts.Transport == nil {
		dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
		g := newGuard(opts)
		var proxy func(*http.Request) (*url.URL, error) // none unless asked: a proxy sees past the guard
		if opts.UseEnvProxy {
			proxy = g.envProxy()
		}
		dial := dialer.DialContext
		if g.restricts() {
			dial = g.dial(dialer)
		}
		opts.Transport = &http.Transport{
			Proxy:                 proxy,
			DialContext:           dial,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: opts.Timeout,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConnsPerHost:   4,
			ForceAttemptHTTP2:     true,
		}
	}
	return &Client{
		http:      &http.Client{Timeout: opts.Timeout, Transport: opts.Transport},
		maxBytes:  opts.MaxBytes,
		userAgent: opts.UserAgent,
	}
}

// userAgent is the User-Agent Kiosque sends, naming its version (the main
// module's version when version is empty) and where to learn about it.
func userAgent(version string) string {
	if version == "" {
		version = "dev"
		if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
			version = strings.TrimPrefix(info.Main.Version, "v")
		}
	}
	return "Kiosque/" + version + " (+https://github.com/kiosque/kiosque)"
}

// Request is one GET. ETag and LastModified, from an earlier Response,
// make it conditional.
type Request struct {
	URL          string
	Accept       string
	ETag         string
	LastModified string
}

// Response is a 200 or a 304.
type Response struct {
	// URL is the address that answered, after redirects: what a relative
	// link in Body is relative to.
	URL          string
	NotModified  bool // a 304: Body is empty and was not read
	Body         []byte
	Header       http.Header
	ETag         string
	LastModified string
}

// Get fetches req.URL. Answers other than 200 and 304 are *StatusError; a
// body beyond the size limit is ErrTooLarge, and no more of it is read.
func (c *Client) Get(ctx context.Context, req Request) (Response, error) {
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
	if err != nil {
		return Response{}, fmt.Errorf("fetch %s: %w", req.URL, err)
	}
	if hr.URL.Scheme != "http" && hr.URL.Scheme != "https" {
		return Response{}, fmt.Errorf("fetch %s: only http and https URLs are fetched", req.URL)
	}
	hr.Header.Set("User-Agent", c.userAgent)
	if req.Accept != "" {
		hr.Header.Set("Accept", req.Accept)
	}
	if req.ETag != "" {
		hr.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hr.Header.Set("If-Modified-Since", req.LastModified)
	}
	res, err := c.http.Do(hr)
	if err != nil {
		return Response{}, fmt.Errorf("fetch %s: %w", req.URL, err)
	}
	defer res.Body.Close() // unread: the connection is dropped, not drained

	out := Response{URL: req.URL, Header: res.Header, ETag: res.Header.Get("ETag"), LastModified: res.Header.Get("Last-Modified")}
	if res.Request != nil && res.Request.URL != nil {
		out.URL = res.Request.URL.String()
	}
	switch res.StatusCode {
	case http.StatusOK:
	case http.StatusNotModified:
		out.NotModified = true
		// A server that answers 304 without validators keeps the ones we sent.
		if out.ETag == "" {
			out.ETag = req.ETag
		}
		if out.LastModified == "" {
			out.LastModified = req.LastModified
		}
		return out, nil
	default:
		return Response{}, &StatusError{URL: req.URL, Code: res.StatusCode, RetryAfter: parseRetryAfter(res.Header.Get("Retry-After"), time.Now())}
	}
	if res.ContentLength > c.maxBytes {
		return Response{}, fmt.Errorf("fetch %s: %w: %d bytes announced, the limit is %d", req.URL, ErrTooLarge, res.ContentLength, c.maxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, c.maxBytes+1))
	if err != nil {
		return Response{}, fmt.Errorf("fetch %s: read body: %w", req.URL, err)
	}
	if int64(len(body)) > c.maxBytes {
		return Response{}, fmt.Errorf("fetch %s: %w: more than %d bytes", req.URL, ErrTooLarge, c.maxBytes)
	}
	out.Body = body
	return out, nil
}

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
