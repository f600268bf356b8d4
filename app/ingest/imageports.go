package ingest

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/store"
)

// imagesByPort counts the images of an import by the port they are
// fetched from.
func imagesByPort(media []store.Media) map[uint16]int {
	ports := map[uint16]int{}
	for _, m := range media {
		u, err := url.Parse(m.URL)
		if err != nil {
			continue
		}
		port := uint16(80)
		if u.Scheme == "https" {
			port = 443
		}
		if p, err := strconv.ParseUint(u.Port(), 10, 16); err == nil {
			port = uint16(p)
		}
		ports[port]++
	}
	return ports
}

// RefusedImagePorts are the ports of the import's images that a client of
// opts (the servers' image fetches, -media-ports) refuses, and how many
// images are on them: those images import, then fail for every reader.
func (r Report) RefusedImagePorts(opts fetch.Options) (ports []uint16, images int) {
	for port, n := range r.ImagesByPort {
		if !opts.AllowsPort(port) {
			ports = append(ports, port)
			images += n
		}
	}
	slices.Sort(ports)
	return ports, images
}
