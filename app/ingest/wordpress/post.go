package wordpress

import (
	"encoding/json"
	"time"

	"github.com/kiosque/kiosque/app/ingest"
)

// post is a post as /wp-json/wp/v2/posts?_embed returns it, reduced to what
// Kiosque reads.
type post struct {
	ID          int64    `json:"id"`
	DateGMT     string   `json:"date_gmt"`
	ModifiedGMT string   `json:"modified_gmt"`
	Slug        string   `json:"slug"`
	Link        string   `json:"link"`
	Title       rendered `json:"title"`
	Content     rendered `json:"content"`
	Excerpt     rendered `json:"excerpt"`
	Lang        string   `json:"lang"` // added by Polylang, when installed
	Embedded    struct {
		// Each entry may be an error object instead (an author whose
		// profile is hidden, a deleted image), hence raw.
		Author        []json.RawMessage   `json:"author"`
		FeaturedMedia []json.RawMessage   `json:"wp:featuredmedia"`
		Terms         [][]json.RawMessage `json:"wp:term"`
	} `json:"_embedded"`
}

type rendered struct {
	Rendered  string `json:"rendered"`
	Protected bool   `json:"protected"`
}

type author struct {
	Name string `json:"name"`
}

type media struct {
	SourceURL    string `json:"source_url"`
	AltText      string `json:"alt_text"`
	MediaType    string `json:"media_type"`
	MediaDetails struct {
		Width  int `json:"width"`
		Height int `json:"height"`
		Sizes  map[string]struct {
			SourceURL string `json:"source_url"`
			Width     int    `json:"width"`
			Height    int    `json:"height"`
		} `json:"sizes"`
	} `json:"media_details"`
}

type term struct {
	Name     string `json:"name"`
	Taxonomy string `json:"taxonomy"`
}

func (p post) modified() time.Time {
	if t := parseGMT(p.ModifiedGMT); !t.IsZero() {
		return t
	}
	return parseGMT(p.DateGMT)
}

// raw maps the post to an ingest item; site is the site's name.
func (p post) raw(site string) ingest.Raw {
	r := ingest.Raw{
		ID:        idString(p.ID),
		Link:      p.Link,
		Slug:      p.Slug,
		Title:     p.Title.Rendered,
		Content:   p.Content.Rendered,
		Excerpt:   p.Excerpt.Rendered,
		Published: parseGMT(p.DateGMT),
		Updated:   parseGMT(p.ModifiedGMT),
		Lang:      p.Lang,
		Source:    site,
	}
	if p.ID <= 0 {
		r.ID = ""
	}
	for _, raw := range p.Embedded.Author {
		var a author
		if json.Unmarshal(raw, &a) == nil && a.Name != "" {
			r.Author = a.Name
			break
		}
	}
	if len(p.Embedded.FeaturedMedia) > 0 {
		var m media
		if json.Unmarshal(p.Embedded.FeaturedMedia[0], &m) == nil && m.SourceURL != "" && (m.MediaType == "" || m.MediaType == "image") {
			r.Image = m.image()
		}
	}
	for _, group := range p.Embedded.Terms {
		for _, raw := range group {
			var t term
			if json.Unmarshal(raw, &t) != nil || t.Name == "" {
				continue
			}
			switch t.Taxonomy {
			case "category":
				r.Categories = append(r.Categories, t.Name)
			case "post_tag":
				r.Tags = append(r.Tags, t.Name)
			}
		}
	}
	return r
}

// image picks the "large" rendition when WordPress made one: cards and
// article pages need no camera original.
func (m media) image() *ingest.RawImage {
	img := &ingest.RawImage{URL: m.SourceURL, Alt: m.AltText, Width: m.MediaDetails.Width, Height: m.MediaDetails.Height}
	if large, ok := m.MediaDetails.Sizes["large"]; ok && large.SourceURL != "" && large.Width > 0 && large.Height > 0 {
		img.URL, img.Width, img.Height = large.SourceURL, large.Width, large.Height
	}
	return img
}

// parseGMT reads WordPress's *_gmt dates, which are UTC written without an
// offset ("2024-03-04T10:15:00"). An offset, if a plugin adds one, is
// honoured.
func parseGMT(s string) time.Time {
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return t
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC()
	}
	return time.Time{}
}
