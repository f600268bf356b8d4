package ingest

import (
	"slices"
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

func TestSelfHostedPointsImagesAtMedia(t *testing.T) {
	const (
		photo  = "https://example.ma/wp-content/uploads/photo.jpg"
		inline = "https://example.ma/wp-content/uploads/inline.png?w=300&h=200"
	)
	// As the sanitizer writes it: attributes escaped, srcset gone.
	html := `<p>Avant &amp; après</p><figure><img src="https://example.ma/wp-content/uploads/inline.png?w=300&amp;h=200" alt="Un &#34;port&#34;" width="300" height="200"/>` +
		`<figcaption>Légende</figcaption></figure><p><a href="https://example.ma/x" rel="nofollow noopener" target="_blank">lien</a><br/>` +
		`<img src="` + photo + `" alt=""/></p>`
	img := &news.Image{Src: photo, Alt: "Photo", Width: 1200, Height: 800}
	pulled := []store.Imported{
		{OriginID: "1", Article: news.Article{Image: img, HTML: html}},
		{OriginID: "2", Article: news.Article{HTML: "<p>Sans image</p>"}},
	}
	got, found := selfHosted(pulled)

	if img.Src != photo || pulled[0].Article.HTML != html {
		t.Error("the pulled articles were changed")
	}
	want := &news.Image{Src: mediakey.Path(photo), Alt: "Photo", Width: 1200, Height: 800}
	if got[0].Article.Image == nil || *got[0].Article.Image != *want {
		t.Errorf("image = %+v, want %+v", got[0].Article.Image, want)
	}
	wantHTML := `<p>Avant &amp; après</p><figure><img src="` + mediakey.Path(inline) + `" alt="Un &#34;port&#34;" width="300" height="200"/>` +
		`<figcaption>Légende</figcaption></figure><p><a href="https://example.ma/x" rel="nofollow noopener" target="_blank">lien</a><br/>` +
		`<img src="` + mediakey.Path(photo) + `" alt=""/></p>`
	if got[0].Article.HTML != wantHTML {
		t.Errorf("html =\n%s\nwant\n%s", got[0].Article.HTML, wantHTML)
	}
	if got[1].Article.HTML != "<p>Sans image</p>" || got[1].Article.Image != nil {
		t.Errorf("article without images: %+v", got[1].Article)
	}
	// Each image once, though the photo appears twice.
	wantFound := []store.Media{{Key: mediakey.Of(photo), URL: photo}, {Key: mediakey.Of(inline), URL: inline}}
	if !slices.Equal(found, wantFound) {
		t.Errorf("media = %+v, want %+v", found, wantFound)
	}
	if !strings.HasSuffix(mediakey.Of(inline), ".png") {
		t.Errorf("key of %s: %s", inline, mediakey.Of(inline))
	}

	// Already local (an import of an import): left as it is.
	again, more := selfHosted(got)
	if again[0].Article.HTML != wantHTML || again[0].Article.Image.Src != want.Src || len(more) != 0 {
		t.Errorf("a second pass changed things: %+v, %+v", again[0].Article, more)
	}
}
