package answers

import "net/http"

// An Outcome is told whether the answer a request got was kept in memory
// or built for it: an access log's response writer is one. The first
// word it hears is the answer's.
type Outcome interface {
	Answered(kept bool)
}

// TellOutcome tells the Outcome among w and the writers it wraps, if
// any, whether the answer was kept: the Cache tells it of its answers,
// a handler of files prepared ahead (kept) tells it of its own.
func TellOutcome(w http.ResponseWriter, kept bool) {
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
