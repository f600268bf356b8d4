package answers

import "net/http"

// An Outcome is told whether the answer a request got was kept in memory
// or built for it: an access log's response writer is one. The first
// word it hears is the answer's (a kept answer served by a miss is still
// built).
type Outcome interface {
	Answered(kept bool)
}

// tellOutcome tells the Outcome among w and the writers it wraps, if any.
func tellOutcome(w http.ResponseWriter, kept bool) {
	for {
		if o, ok := w.(Outcome); ok {
			o.Answered(kept)
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}
