package server

import (
	"log/slog"
	"net/http"
	"time"
)

// withHeaders sets the headers every answer carries (commonHeaders), but
// Access-Control-Allow-Origin on other methods than GET, HEAD and OPTIONS
// (the preflight of a GET). Answers prepared ahead carry them already.
func withHeaders(common http.Header, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		readOnly := r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions
		for name, values := range common {
			if readOnly || name != "Access-Control-Allow-Origin" {
				h[name] = values // shared: http.Header.Set replaces a slice, never writes into it
			}
		}
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status a handler wrote, for the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(status int) {
	s.status = status
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// withLog logs each request with its status and duration, at the debug
// level: at thousands of requests a second, a line each would cost more
// than the answers. Failures are logged where they happen.
func withLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !log.Enabled(r.Context(), slog.LevelDebug) {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		log.LogAttrs(r.Context(), slog.LevelDebug, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Duration("took", time.Since(start)))
	})
}

// withRecover turns a panic in a handler into a logged 500.
func withRecover(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "handler panicked", "path", r.URL.Path, "panic", v)
				problem(w, http.StatusInternalServerError, "the server could not answer; it has been logged")
			}
		}()
		next.ServeHTTP(w, r)
	})
}
