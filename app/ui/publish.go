package ui

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
)

// The embed builder (/publish) writes the code a partner pastes: the
// loader's snippet, a plain frame, and the address to paste into
// WordPress. Its options are the loader's container attributes
// (data-NAME, README "Embedding the widget on your site"); their values
// are checked by app/params, as the server checks the widget's query.

// publishOptions are the widget's options the builder offers, in the
// order the snippet writes them (data-NAME).
var publishOptions = []string{
	"article", "category", "limit", "theme", "lang", "layout", "target", "wasm",
	"placement", "look", "accent", "font", "radius", "maxheight",
}

// lookOptions travel in the frame's fragment, never to a server
// (shared agreement of issue 22, read by web/embed.js and the frame).
var lookOptions = []string{"look", "accent", "font", "radius"}

// publishParam is the name of an option in the builder's own address:
// the options' own names, but theme and lang, which name the builder
// page's theme and language there, as on every page.
func publishParam(option string) string {
	switch option {
	case "theme", "lang":
		return "widget-" + option
	}
	return option
}

// PublishQuery lists the parameters of /publish, sorted, for
// params.CanonicalPage: the page's lang and theme, and each option.
func PublishQuery() []string {
	names := []string{"lang", "theme", "url"}
	for _, o := range publishOptions {
		names = append(names, publishParam(o))
	}
	slices.Sort(names)
	return names
}

// embedChoice is what a partner chose in the builder: a value per option
// name (publishOptions) as the form holds it; empty is the default.
type embedChoice map[string]string

// choiceFromQuery reads the builder's address. ?url= names the article
// too (the article page's "Embed" link may give either).
func choiceFromQuery(q url.Values) embedChoice {
	c := embedChoice{}
	for _, o := range publishOptions {
		c[o] = strings.TrimSpace(q.Get(publishParam(o)))
	}
	if c["article"] == "" {
		c["article"] = strings.TrimSpace(q.Get("url"))
	}
	return c
}

// publishDefaults are the options' defaults on this server: the theme is
// the publisher's (-embed-theme); the others are params'.
func publishDefaults(theme params.Theme) map[string]string {
	if theme == "" {
		theme = params.ThemeLight
	}
	d, _ := params.ParseEmbed(url.Values{}) // nothing asked: every default
	return map[string]string{
		"limit":  strconv.Itoa(d.Limit),
		"theme":  string(theme),
		"layout": string(d.Layout),
		"target": d.Target,
		"wasm":   string(d.Wasm),
		"look":   "host",
	}
}

// check returns the value of option as the code writes it ("" for the
// default, which the code leaves out), or the *params.Error that says why
// the value is refused.
func (c embedChoice) check(option string, defaults map[string]string) (string, error) {
	v := c[option]
	switch option {
	case "article", "category":
		return v, nil
	case "placement":
		return placementName(v), nil
	case "look":
		switch v {
		case "", "host":
			return "", nil
		case "kiosque":
			return v, nil
		}
		return "", &params.Error{Param: option, Value: v, Reason: "must be host or kiosque"}
	case "accent":
		if v == "" || isHexColour(v) {
			return strings.ToLower(v), nil
		}
		return "", &params.Error{Param: option, Value: v, Reason: "must be a colour in hex, #rgb or #rrggbb"}
	case "font":
		if v == "" || isFontList(v) {
			return v, nil
		}
		return "", &params.Error{Param: option, Value: v, Reason: "must be at most four font family names, separated by commas"}
	case "radius":
		if v == "" {
			return "", nil
		}
		n, err := params.Int(url.Values{option: {strings.TrimSuffix(v, "px")}}, option, 0, 0, maxRadius)
		if err != nil {
			return "", err
		}
		return strconv.Itoa(n), nil
	}
	if v == "" || v == defaults[option] {
		return "", nil
	}
	// The widget's own options: the server's rule, as /embed applies it.
	if _, err := params.ParseEmbed(url.Values{option: {v}}); err != nil {
		return "", err
	}
	return v, nil
}

// maxRadius bounds data-radius (pixels), as the frame does
// (app/server/look.js).
const maxRadius = 24

func isHexColour(s string) bool {
	if len(s) != 4 && len(s) != 7 || s[0] != '#' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i] | 0x20
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// isFontList accepts what the frame takes (app/server/look.js): at most
// four family names, each of letters, digits, spaces and hyphens (50 at
// most), quoted or not.
func isFontList(s string) bool {
	families := strings.Split(s, ",")
	if len(s) > 256 || len(families) > 4 {
		return false
	}
	for _, f := range families {
		f = strings.TrimSpace(f)
		if len(f) >= 2 && (f[0] == '"' || f[0] == '\'') && f[len(f)-1] == f[0] {
			f = f[1 : len(f)-1]
		}
		if strings.TrimSpace(f) == "" || utf8.RuneCountInString(f) > 50 {
			return false
		}
		for _, r := range f {
			// Beyond ASCII, any character: the frame, which checks for
			// letters and digits (the Unicode tables would weigh on the
			// wasm), refuses the rest with a warning.
			if !(r == ' ' || r == '-' || '0' <= r && r <= '9' || 'a' <= r|0x20 && r|0x20 <= 'z' || r > 0x7f && r != utf8.RuneError) {
				return false
			}
		}
	}
	return true
}

// placementName is a placement as the widget counts it (web/kiosque.js):
// lower-case, each run of other characters than letters, digits, - and _
// made one -, at most 32 characters.
func placementName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		ok := r == '-' || r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || r > 0x7f && r != 0xfffd
		if !ok {
			if !dash {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		dash = false
		b.WriteRune(r)
	}
	runes := []rune(b.String())
	return string(runes[:min(len(runes), 32)])
}

// embedCode is what the builder shows and copies, for one choice.
type embedCode struct {
	options map[string]string // the options written, by name; none at its default
	errors  map[string]string // the refused ones, by name: why
	slug    string            // the article chosen, when found here
	origin  string            // this server, as partners reach it
	// fallback is the container's link: its address and text.
	fallbackHref, fallbackText string
}

// newEmbedCode checks a choice. article is the article it names, when
// this server has it; category the section it names.
func newEmbedCode(c embedChoice, defaults map[string]string, origin string, article *news.Article, category *news.Category, site string, lang news.Lang) embedCode {
	code := embedCode{options: map[string]string{}, errors: map[string]string{}, origin: origin}
	for _, o := range publishOptions {
		v, err := c.check(o, defaults)
		if err != nil {
			code.errors[o] = err.Error()
			continue
		}
		if v != "" {
			code.options[o] = v
		}
	}
	switch {
	case article != nil:
		code.slug = article.Slug
		code.options["article"] = article.Slug
		delete(code.options, "category")
		code.fallbackHref, code.fallbackText = origin+articlePath(article.Slug), article.Title
	case category != nil:
		delete(code.options, "article")
		code.fallbackHref = origin + homeHref(category.Slug, "", "")
		code.fallbackText = categoryName(*category, lang)
	default:
		delete(code.options, "article")
		delete(code.options, "category")
		code.fallbackHref, code.fallbackText = origin+"/", site
	}
	return code
}

// Snippet is the loader's code: the container with its fallback link,
// then the loader.
func (e embedCode) Snippet() string {
	var b strings.Builder
	b.WriteString(`<div class="kiosque-embed"`)
	for _, o := range publishOptions {
		if v, ok := e.options[o]; ok && o != "maxheight" {
			b.WriteString(` data-` + o + `="` + escapeHTML(v) + `"`)
		}
	}
	b.WriteString(">\n  <a href=\"" + escapeHTML(e.fallbackHref) + "\">" + escapeHTML(e.fallbackText) + "</a>\n</div>\n")
	b.WriteString(`<script async src="` + escapeHTML(e.origin) + `/embed.js"></script>`)
	return b.String()
}

// FrameSrc is the widget's address for a frame of the builder's own (the
// preview) or the partner's (a plain iframe): the options the server
// reads in the query, in the order it keeps answers under, and the look
// and the placement in the fragment, which no server sees. id names the
// frame in its height reports (web/kiosque.js); "" for none.
func (e embedCode) FrameSrc(id string) string {
	q := url.Values{}
	for _, o := range []string{"article", "category", "limit", "theme", "lang", "layout", "target", "wasm"} {
		if v, ok := e.options[o]; ok {
			q.Set(o, v)
		}
	}
	src := e.origin + "/embed"
	if len(q) > 0 {
		src += "?" + q.Encode()
	}
	hash := url.Values{}
	if id != "" {
		hash.Set("kiosque", id)
	}
	if v, ok := e.options["placement"]; ok {
		hash.Set("placement", v)
	}
	for _, o := range lookOptions {
		if v, ok := e.options[o]; ok {
			hash.Set(o, v)
		}
	}
	if len(hash) > 0 {
		src += "#" + hash.Encode()
	}
	return src
}

// Frame is a plain iframe of the widget, for pages that run no script: it
// cannot follow the widget's height, so it takes the height given (the
// builder's measure).
func (e embedCode) Frame(title string, height int) string {
	h := strconv.Itoa(height)
	return `<iframe src="` + escapeHTML(e.FrameSrc("")) + `" title="` + escapeHTML(title) +
		`" width="100%" height="` + h + `" style="display:block;width:100%;height:` + h + `px;border:0" ` +
		`loading="lazy" referrerpolicy="strict-origin-when-cross-origin"></iframe>`
}

// WordPressURL is the address to paste into a WordPress post: an
// article's page when the options are those it passes on (theme, lang,
// layout), else the widget's own address; WordPress asks /oembed about it
// (app/server/oembed.go).
func (e embedCode) WordPressURL() string {
	q := url.Values{}
	articlePage := e.slug != ""
	for _, o := range []string{"article", "category", "limit", "theme", "lang", "layout", "target", "maxheight"} {
		v, ok := e.options[o]
		if !ok {
			continue
		}
		switch o {
		case "article", "theme", "lang", "layout":
		default:
			articlePage = false
		}
		q.Set(o, v)
	}
	if articlePage {
		q.Del("article")
		u := e.origin + articlePath(e.slug)
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		return u
	}
	u := e.origin + "/embed"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// escapeHTML escapes text for an attribute's value or an element's text,
// as html.EscapeString does, without the strings.Replacer it builds (23
// KB of the wasm).
func escapeHTML(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
