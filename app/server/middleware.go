package server

import (
	"context"
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

// accessRecorder remembers what a handler answered, for the log.
type accessRecorder struct {
	http.ResponseWriter
	status  int
	bytes   int64
	outcome string // kept, built, or "" when no answer of answers said
}

func (a *accessRecorder) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
	a.ResponseWriter.WriteHeader(status)
}

func (a *accessRecorder) Write(p []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	n, err := a.ResponseWriter.Write(p)
	a.bytes += int64(n)
	return n, err
}

// Answered is told by the kept answers whether this one was kept.
func (a *accessRecorder) Answered(kept bool) {
	switch {
	case a.outcome != "":
	case kept:
		a.outcome = "kept"
	default:
		a.outcome = "built"
	}
}

func (a *accessRecorder) Unwrap() http.ResponseWriter { return a.ResponseWriter }

// accessLog logs requests: at the info level with an access log (every
// answer, those kept in memory too), else at the debug level. Without
// either, nothing is recorded: at thousands of requests a second, a line
// each would cost more than the answers. Failures are logged where they
// happen.
type accessLog struct {
	log   *slog.Logger
	level slog.Level
}

func newAccessLog(log *slog.Logger, every bool) accessLog {
	if every {
		return accessLog{log, slog.LevelInfo}
	}
	return accessLog{log, slog.LevelDebug}
}

func (l accessLog) enabled(ctx context.Context) bool { return l.log.Enabled(ctx, l.level) }

// record logs one request answered; outcome is kept or built.
func (l accessLog) record(ctx context.Context, method, path string, status int, bytes int64, took time.Duration, outcome string) {
	l.log.LogAttrs(ctx, l.level, "request",
		slog.String("method", method),
		slog.String("path", path),
		slog.Int("status", status),
		slog.Int64("bytes", bytes),
		slog.Duration("took", took),
		slog.String("answer", outcome))
}

// withLog logs each request net/http serves, if l is enabled.
func withLog(l accessLog, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.enabled(r.Context()) {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		rec := &accessRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if rec.outcome == "" {
			rec.outcome = "built"
		}
		l.record(r.Context(), r.Method, r.URL.Path, rec.status, rec.bytes, time.Since(start), rec.outcome)
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
