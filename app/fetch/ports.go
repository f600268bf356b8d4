package fetch

// AllowsPort says whether a client of these options connects to port:
// an import warns of images on ports their fetches will refuse.
func (o Options) AllowsPort(port uint16) bool {
	return newGuard(o).checkPort(port) == nil
}
