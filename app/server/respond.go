package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/params"
	"github.com/kiosque/kiosque/app/problems"
)

// Browsers keep an answer a minute; shared caches (a publisher's CDN) five,
// and both may serve it stale for ten while they fetch a fresh one: news
// moves, but not by the second. A CDN that purges by the answers' keys
// (Surrogate-Key, Cache-Tag) can be told of a change at once.
const cacheShort = "public, max-age=60, s-maxage=300, stale-while-revalidate=600"

// cachePurged is cacheShort for shared caches that Kiosque purges at every
// change (Config.Purged): they keep an answer a day, since a change drops
// the answers that show it at once.
const cachePurged = "public, max-age=60, s-maxage=86400, stale-while-revalidate=600"

// build makes the answer an ask names; an error says which problem to
// answer instead.
type build func(ctx context.Context, a ask) (answers.Answer, error)

// kept is the handler of a route whose answers are kept: it serves the
// answer of each request's ask (answer). Every answer it sends carries
// the headers every answer of the site carries (see finish): GET and HEAD
// of these routes skip withHeaders, the readers' hot path.
func (s *server) kept(route string, b build) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ready, kept := s.answer(r.Context(), s.askOf(netRequest{r}, route), b, r.Method, r.URL.Path)
		answers.TellOutcome(w, kept)
		ready.ServeHTTP(w, r)
	})
}

// answer is the answer of an ask, and whether it was kept already: the
// one kept under the ask's key, which b makes from the same ask when none
// is kept. A build that fails gets the problem its error names (see
// problemFor); problems are sent, never kept. method and path name the
// request in the log, if a build fails.
func (s *server) answer(ctx context.Context, a ask, b build, method, path string) (*answers.Ready, bool) {
	if a.err != nil {
		return answers.Prepare(s.finish(s.problemFor(ctx, a.err, method, path))), false
	}
	if a.key != "" {
		if ready := s.Answers.Kept(a.key); ready != nil {
			return ready, true
		}
	}
	build := func(ctx context.Context) answers.Answer {
		built, err := b(ctx, a)
		if err != nil {
			return s.finish(s.problemFor(ctx, err, method, path))
		}
		return s.finish(built)
	}
	if a.key == "" {
		return s.Answers.Once(ctx, build), false
	}
	return s.Answers.Get(ctx, a.key, build)
}

// finish gives an answer the headers every answer of the site carries,
// where it sets none of its own, and a day in shared caches that Kiosque
// purges.
func (s *server) finish(built answers.Answer) answers.Answer {
	if built.Header == nil {
		built.Header = http.Header{}
	}
	for name, values := range s.common {
		if _, set := built.Header[name]; !set {
			built.Header[name] = values
		}
	}
	if s.Purged && built.Header.Get("Cache-Control") == cacheShort {
		built.Header.Set("Cache-Control", cachePurged)
	}
	return built
}

// jsonAnswer is v as a JSON answer, tagged with the keys of what it shows.
func jsonAnswer(v any, keys surrogateKeys) (answers.Answer, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return answers.Answer{}, err
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", cacheShort)
	keys.set(h)
	return answers.Answer{Header: h, Body: append(body, '\n')}, nil
}

// Problem is an error answer in the shape of RFC 9457.
type Problem = problems.Details

// statusError is a failure that has an HTTP status of its own: 404 for what
// does not exist, 501 for what is not implemented.
type statusError struct {
	status int
	detail string
}

func (e *statusError) Error() string { return e.detail }

func notFound(detail string) error { return &statusError{http.StatusNotFound, detail} }

// problemFor is the problem answer of a failed build: a *params.Error is a
// 400 naming the parameter, a *statusError has its status, and anything
// else is a 500, logged, whose detail tells the client nothing of it.
func (s *server) problemFor(ctx context.Context, err error, method, path string) answers.Answer {
	var pe *params.Error
	var se *statusError
	switch {
	case errors.As(err, &pe):
		return problemAnswer(Problem{Status: http.StatusBadRequest, Detail: pe.Error(), Param: pe.Param})
	case errors.As(err, &se):
		return problemAnswer(Problem{Status: se.status, Detail: se.detail})
	}
	s.logFailure(ctx, err, "method", method, "path", path)
	return problemAnswer(Problem{Status: http.StatusInternalServerError, Detail: "the server could not answer; it has been logged"})
}

// logFailure logs a request that failed, with what names it, unless the
// store is out of reach: the log then says so once, not at every request.
func (s *server) logFailure(ctx context.Context, err error, names ...any) {
	if s.StoreFailing == nil || !s.StoreFailing(ctx) {
		s.Log.ErrorContext(ctx, "request failed", append(names, "err", err)...)
	}
}

func problemAnswer(p Problem) answers.Answer {
	h := http.Header{}
	h.Set("Content-Type", problems.ContentType)
	h.Set("Cache-Control", "no-store")
	return answers.Answer{Status: p.Status, Header: h, Body: problems.JSON(p)}
}

// problem sends an application/problem+json answer.
func problem(w http.ResponseWriter, status int, detail string) {
	writeProblem(w, Problem{Status: status, Detail: detail})
}

func writeProblem(w http.ResponseWriter, p Problem) {
	a := problemAnswer(p)
	h := w.Header()
	h.Del("ETag")
	for name, values := range a.Header {
		h[name] = values
	}
	w.WriteHeader(a.Status)
	w.Write(a.Body)
}

// addVary adds a header name to the Vary header, keeping one line.
func addVary(h http.Header, name string) {
	if v := h.Get("Vary"); v != "" {
		name = v + ", " + name
	}
	h.Set("Vary", name)
}
