package wordpress

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/ingest/links"
)

// apiRel is the relation type WordPress names its REST API's root with,
// in a Link header of every page (rest_output_link_header) and a <link> in
// every page's head (rest_output_link_wp_head).
const apiRel = "https://api.w.org/"

// API is the root of a site's REST API, as get_rest_url gives it:
// https://example.com/wp-json/ with pretty permalinks,
// https://example.com/index.php?rest_route=/ with plain ones.
type API struct {
	Root string
	// How says where it was found, for a person.
	How string
}

// FindAPI finds the REST API of the WordPress site at site (its address,
// without a trailing slash) the way WordPress documents it: the Link
// header of the site's page, else the <link> in the page's head; a site
// that hides both is tried at /wp-json/, then at ?rest_route=/, which
// must answer as WordPress's index does. The error says what was looked
// for and not found.
func FindAPI(ctx context.Context, client *fetch.Client, site string) (API, error) {
	var tried []string
	page, err := client.Get(ctx, fetch.Request{URL: site + "/", Accept: "text/html, */*;q=0.5"})
	if err == nil {
		base, _ := url.Parse(page.URL)
		if l, ok := links.Find(links.InHeader(page.Header, base), apiRel); ok {
			return API{Root: l.URL, How: "named by the Link header of its page"}, nil
		}
		if l, ok := links.Find(links.InHead(page.Body, base), apiRel); ok {
			return API{Root: l.URL, How: "named by a <link> in its page's head"}, nil
		}
		tried = append(tried, fmt.Sprintf(`its page names no API (no Link header or <link> with rel="%s")`, apiRel))
	} else {
		tried = append(tried, fmt.Sprintf("its page did not answer (%v)", err))
	}
	for _, guess := range []struct{ root, how string }{
		{site + "/wp-json/", "at /wp-json/, where WordPress puts it"},
		{site + "/?rest_route=/", "at ?rest_route=/, where WordPress puts it with plain permalinks"},
	} {
		api := API{Root: guess.root, How: guess.how}
		if err := isIndex(ctx, client, api); err != nil {
			tried = append(tried, err.Error())
			continue
		}
		return api, nil
	}
	return API{}, fmt.Errorf("find the WordPress REST API of %s: %s", site, strings.Join(tried, "; "))
}

// isIndex checks that the API answers as WordPress's index does, listing
// the wp/v2 namespace (posts).
func isIndex(ctx context.Context, client *fetch.Client, api API) error {
	u, err := api.URL("", "_fields=namespaces")
	if err != nil {
		return err
	}
	res, err := client.Get(ctx, fetch.Request{URL: u, Accept: "application/json"})
	if err != nil {
		var se *fetch.StatusError
		if errors.As(err, &se) {
			return fmt.Errorf("%s answered %d", u, se.Code)
		}
		return err
	}
	var index struct{ Namespaces []string }
	if err := json.Unmarshal(res.Body, &index); err != nil || !slices.Contains(index.Namespaces, "wp/v2") {
		return fmt.Errorf("%s is not a WordPress REST API index", u)
	}
	return nil
}

// URL returns the address of route ("wp/v2/posts"; "" for the index) with
// query (encoded, without "?") as get_rest_url builds it from the root: a
// path below the root's ("…/wp-json/wp/v2/posts?query"), or, for a root
// that names its route in rest_route (plain permalinks), that parameter,
// the query joined with "&" ("…/index.php?rest_route=/wp/v2/posts&query").
func (a API) URL(route, query string) (string, error) {
	u, err := url.Parse(a.Root)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("WordPress REST API root %q: not an absolute http or https URL", a.Root)
	}
	u.Fragment = ""
	var params []string
	if u.RawQuery != "" {
		params = strings.Split(u.RawQuery, "&")
	}
	routed := false
	for i, p := range params {
		name, value, _ := strings.Cut(p, "=")
		if name != "rest_route" {
			continue
		}
		prefix, err := url.QueryUnescape(value)
		if err != nil {
			return "", fmt.Errorf("WordPress REST API root %q: %w", a.Root, err)
		}
		// Slashes stay as they are, as WordPress's add_query_arg leaves
		// them.
		path := strings.TrimSuffix(prefix, "/") + "/" + route
		params[i] = "rest_route=" + strings.ReplaceAll(url.QueryEscape(path), "%2F", "/")
		routed = true
		break
	}
	if !routed && route != "" {
		u = u.JoinPath(route)
	}
	if query != "" {
		params = append(params, query)
	}
	u.RawQuery = strings.Join(params, "&")
	return u.String(), nil
}

// String says what was found, in one line.
func (a API) String() string {
	return fmt.Sprintf("WordPress site, API at %s (%s)", a.Root, a.How)
}
