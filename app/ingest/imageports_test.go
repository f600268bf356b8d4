package ingest

import (
	"slices"
	"testing"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/store"
)

// The images of an import are counted by port, a scheme's default port
// included, and those on ports the fetches refuse are named.
func TestRefusedImagePorts(t *testing.T) {
	r := Report{ImagesByPort: imagesByPort([]store.Media{
		{URL: "https://a.example/1.jpg"}, {URL: "http://a.example/2.jpg"},
		{URL: "http://a.example:8080/3.jpg"}, {URL: "https://a.example:8443/4.jpg"}, {URL: "https://a.example:8443/5.jpg"},
	})}
	for _, tc := range []struct {
		opts   fetch.Options
		ports  []uint16
		images int
	}{
		{fetch.Options{PublicOnly: true}, []uint16{8080, 8443}, 3},
		{fetch.Options{PublicOnly: true, Ports: []uint16{443, 8443}}, []uint16{80, 8080}, 2},
		{fetch.Options{}, nil, 0}, // -media-private: any port
	} {
		ports, images := r.RefusedImagePorts(tc.opts)
		if !slices.Equal(ports, tc.ports) || images != tc.images {
			t.Errorf("%+v: ports %v, %d images; want %v, %d", tc.opts, ports, images, tc.ports, tc.images)
		}
	}
}
