//go:build !wasm

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/sample/synthetic"
	"github.com/kiosque/kiosque/app/store/pgtest"
	"github.com/kiosque/kiosque/app/store/postgres"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// buildBinary builds the kiosque binary the replicas run: real processes,
// as a publisher runs them.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kiosque")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/kiosque/kiosque")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build kiosque: %v\n%s", err, out)
	}
	return bin
}

// process is a `kiosque serve` process, one replica.
type process struct {
	name string
	url  string
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan error
}

// startReplica runs `kiosque serve` with args, on a free port, until the
// test ends.
func startReplica(t *testing.T, bin, name string, args ...string) *process {
	t.Helper()
	return startProcess(t, exec.Command(bin, append([]string{"serve", "-addr", "127.0.0.1:0", "-web", webDir}, args...)...), name)
}

// startProcess starts cmd, a `kiosque serve`, and waits until it serves;
// it is stopped when the test ends.
func startProcess(t *testing.T, cmd *exec.Cmd, name string) *process {
	t.Helper()
	r := &process{name: name, log: &syncBuffer{}, done: make(chan error, 1), cmd: cmd}
	r.cmd.Stderr = r.log
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.stop(t) })
	go func() { r.done <- r.cmd.Wait() }()
	// Its stdout is no terminal: the log's serving line says where it is.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if u, ok := loggedURL(r.log.String(), "serving"); ok {
			r.url = u
			break
		}
		select {
		case err := <-r.done:
			r.done <- err // for stop
			t.Fatalf("%s ended before serving: %v\n%s", name, err, r.log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not serve within 60 s:\n%s", name, r.log)
		}
	}
	return r
}

// stop ends the replica as a service manager would (SIGTERM).
func (r *process) stop(t *testing.T) {
	t.Helper()
	r.signal(syscall.SIGTERM)
}

// kill ends the replica at once, as a crash or a lost machine would.
func (r *process) kill(t *testing.T) {
	t.Helper()
	r.signal(syscall.SIGKILL)
}

func (r *process) signal(sig syscall.Signal) {
	if r.cmd.ProcessState != nil {
		return
	}
	syscall.Kill(-r.cmd.Process.Pid, sig)
	select {
	case err := <-r.done:
		r.done <- err
	case <-time.After(20 * time.Second):
		syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
	}
}

func (r *process) String() string { return r.name }

// logged counts the lines of the replica's log that hold text.
func (r *process) logged(text string) int {
	return strings.Count(r.log.String(), text)
}

// get fetches a path of the replica and returns the status and body.
func (r *process) get(t *testing.T, path string) (int, string) {
	t.Helper()
	res, err := http.Get(r.url + path)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// eventually waits until ok is true, or fails the test after within.
func eventually(t testing.TB, within time.Duration, what string, ok func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > within {
			t.Fatalf("after %s: %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return time.Since(start)
}

// publisher is a site with a feed of fresh articles, each with a picture,
// which counts the times its pictures are fetched.
type publisher struct {
	*httptest.Server
	feed     *ingesttest.Feed
	pictures atomic.Int64
}

func newPublisher(t *testing.T) *publisher {
	t.Helper()
	p := &publisher{feed: ingesttest.NewFeed(nil, "application/rss+xml", false)}
	var picture bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 32, 18))
	img.Set(3, 3, color.RGBA{200, 30, 30, 255})
	png.Encode(&picture, img)
	mux := http.NewServeMux()
	mux.Handle("/feed", p.feed)
	mux.HandleFunc("/pictures/", func(w http.ResponseWriter, r *http.Request) {
		p.pictures.Add(1)
		w.Header().Set("Content-Type", "image/png")
		w.Write(picture.Bytes())
	})
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	return p
}

// publish puts one article, published now, in the feed.
func (p *publisher) publish(title string) {
	slug := strings.ReplaceAll(strings.ToLower(title), " ", "-")
	p.feed.SetBody([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Le Quotidien</title><link>` + p.URL + `</link><description>Les nouvelles</description><language>fr-FR</language>
<item><title>` + title + `</title><link>` + p.URL + `/` + slug + `/</link>
<pubDate>` + time.Now().UTC().Add(-time.Minute).Format(time.RFC1123Z) + `</pubDate><category>Société</category>
<guid isPermaLink="false">` + p.URL + `/?p=` + slug + `</guid>
<description>Un résumé de la nouvelle.</description>
<media:content url="` + p.URL + `/pictures/` + slug + `.png" medium="image" width="32" height="18" /></item>
</channel></rss>`))
}

// Two replicas on one PostgreSQL: what one imports shows in the other's
// API and widget within 2 s; each keeps its own copy of the pictures; and
// when the importer dies, the other takes over and imports the next
// change at the source within 30 s.
func TestReplicasAgree(t *testing.T) {
	cluster := pgtest.Start(t)
	db := cluster.CreateDatabase(t, "kiosque")
	bin := buildBinary(t)
	pub := newPublisher(t)
	pub.publish("Une première nouvelle du fil")

	args := func(dir string) []string {
		return []string{"-store", db, "-data", dir, "-source", "feed:" + pub.URL + "/feed", "-poll", "10s", "-media-private", "-log-level", "info"}
	}
	a := startReplica(t, bin, "A", args(t.TempDir())...)
	eventually(t, 30*time.Second, "A never imported the source", func() bool {
		_, body := a.get(t, "/api/v1/articles")
		return strings.Contains(body, "Une première nouvelle du fil")
	})
	b := startReplica(t, bin, "B", args(t.TempDir())...)
	if a.logged("leading") != 1 || b.logged("leading") != 0 {
		t.Fatalf("A should lead and B follow:\nA: %s\nB: %s", a.log, b.log)
	}
	paths := []string{"/api/v1/articles", "/embed?category=societe&lang=fr"}
	for _, p := range paths { // kept in B's memory
		if status, body := b.get(t, p); status != http.StatusOK || !strings.Contains(body, "Une première nouvelle du fil") {
			t.Fatalf("B %s: %d, without the imported article", p, status)
		}
	}

	// A change at the source: A imports it, B shows it within 2 s.
	pub.publish("Une deuxième nouvelle du fil")
	eventually(t, 30*time.Second, "A never imported the change", func() bool {
		_, body := a.get(t, "/api/v1/articles")
		return strings.Contains(body, "Une deuxième nouvelle du fil")
	})
	took := eventually(t, 2*time.Second, "B does not show what A imported", func() bool {
		for _, p := range paths {
			if _, body := b.get(t, p); !strings.Contains(body, "Une deuxième nouvelle du fil") {
				return false
			}
		}
		return true
	})
	t.Logf("B showed A's import %s after A did", took.Round(time.Millisecond))

	// Each replica fetches and keeps its own copy of a picture.
	_, body := a.get(t, "/api/v1/articles?limit=1")
	picture := between(body, `"src":"`, `"`)
	if !strings.HasPrefix(picture, "/media/") {
		t.Fatalf("the imported article's picture is %q, want a /media/ path", picture)
	}
	for _, r := range []*process{a, b} {
		if status, _ := r.get(t, picture); status != http.StatusOK {
			t.Errorf("%s %s: %d", r, picture, status)
		}
	}
	if n := pub.pictures.Load(); n != 2 {
		t.Errorf("the publisher's picture was fetched %d times, want once by each replica", n)
	}

	// The importer dies: B takes over, and imports the next change.
	a.kill(t)
	killed := time.Now()
	pub.publish("Une troisième nouvelle du fil")
	eventually(t, 30*time.Second, "B never imported the change after A died", func() bool {
		_, body := b.get(t, "/api/v1/articles")
		return strings.Contains(body, "Une troisième nouvelle du fil")
	})
	t.Logf("B imported the change %s after A died", time.Since(killed).Round(time.Millisecond))
	if b.logged("leading") != 1 {
		t.Errorf("B never said it leads:\n%s", b.log)
	}
}

// between is the text of s between the first before and the next after.
func between(s, before, after string) string {
	_, rest, ok := strings.Cut(s, before)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, after)
	return v
}

// PostgreSQL stops for 5 s: both replicas keep answering what they keep,
// /healthz answers 503 so that a load balancer takes them out, the log
// says so once, and both recover without a restart.
func TestReplicasRideOutADatabaseOutage(t *testing.T) {
	cluster := pgtest.Start(t)
	db := cluster.CreateDatabase(t, "kiosque")
	bin := buildBinary(t)
	a := startReplica(t, bin, "A", "-store", db, "-data", t.TempDir(), "-log-level", "info")
	eventually(t, 30*time.Second, "A never kept the related lists", func() bool { return a.logged("related lists up to date") == 1 })
	b := startReplica(t, bin, "B", "-store", db, "-data", t.TempDir(), "-log-level", "info")
	pages := []string{"/", "/a/" + seedSlug, "/embed?article=" + seedSlug + "&lang=fr", "/api/v1/articles", "/api/v1/articles/" + seedSlug + "/related"}
	kept := map[string]string{}
	for _, r := range []*process{a, b} {
		for _, p := range pages {
			status, body := r.get(t, p)
			if status != http.StatusOK {
				t.Fatalf("%s %s: %d", r, p, status)
			}
			kept[r.name+p] = body
		}
	}

	cluster.Stop(t)
	down := time.Now()
	for time.Since(down) < 5*time.Second {
		for _, r := range []*process{a, b} {
			for _, p := range pages {
				if status, body := r.get(t, p); status != http.StatusOK || body != kept[r.name+p] {
					t.Fatalf("%s %s with the store down: %d, the kept answer %v", r, p, status, body == kept[r.name+p])
				}
			}
			if status, _ := r.get(t, "/healthz"); status != http.StatusServiceUnavailable {
				t.Fatalf("%s /healthz with the store down: %d, want 503", r, status)
			}
			r.get(t, "/a/"+seedSlug+"?lang=ar") // not kept: fails, and is not logged each time
		}
		time.Sleep(200 * time.Millisecond)
	}
	cluster.Restart(t)
	for _, r := range []*process{a, b} {
		eventually(t, 20*time.Second, r.name+" /healthz never answered 200 again", func() bool {
			status, _ := r.get(t, "/healthz")
			return status == http.StatusOK
		})
	}

	// A change after the outage reaches both: each follows the store again.
	st, err := postgres.Open(context.Background(), db, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fresh := news.Article{
		Slug: "apres-la-panne", Title: "Une nouvelle d’après la panne", Excerpt: "Tout revient.", Body: []string{"Tout revient."},
		Category: "Société", Published: time.Now().UTC().Add(-time.Minute), Lang: news.French,
	}
	if err := st.Put(context.Background(), fresh); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*process{a, b} {
		eventually(t, 3*time.Second, r.name+" does not show a change made after the outage", func() bool {
			_, body := r.get(t, "/api/v1/articles")
			return strings.Contains(body, fresh.Title)
		})
		eventually(t, 10*time.Second, r.name+" never logged that the store answers again", func() bool {
			return r.logged("the store answers again") > 0
		})
		if n := r.logged("the store does not answer"); n != 1 {
			t.Errorf("%s logged that the store does not answer %d times, want once:\n%s", r, n, r.log)
		}
		if n := r.logged("the store answers again"); n != 1 {
			t.Errorf("%s logged that the store answers again %d times, want once", r, n)
		}
		if n := r.logged("request failed"); n != 0 {
			t.Errorf("%s logged %d failed requests while the store was known down", r, n)
		}
	}
}

// A server restarted on a store of thousands of articles answers the
// related articles at once, as the leader stored them, instead of building
// the index first (make bench times it on 100,000).
func TestRestartAnswersRelatedAtOnce(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	st, err := sqlite.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	corpus := synthetic.New(3)
	for from := 0; from < 3000; from += 1000 {
		if err := st.Put(ctx, corpus.Articles(from, 1000)...); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	bin := buildBinary(t)
	first := startReplica(t, bin, "first", "-data", data, "-sample=false", "-log-level", "info")
	eventually(t, 60*time.Second, "the first server never stored the related lists", func() bool {
		return first.logged("related lists up to date") == 1
	})
	first.stop(t)

	st, err = sqlite.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := st.RelatedList(ctx, "a1234")
	st.Close()
	if err != nil || len(stored) < 6 {
		t.Fatalf("the stored list: %v, %v", stored, err)
	}
	started := time.Now()
	second := startReplica(t, bin, "second", "-data", data, "-sample=false", "-log-level", "info")
	var got []string
	took := eventually(t, 5*time.Second, "the restarted server does not answer the related articles as stored", func() bool {
		got, err = relatedSlugsOf(second.url, "a1234")
		return err == nil && slices.Equal(got, stored[:6])
	})
	t.Logf("the restarted server answered correctly %s after its start (%s after it listened)",
		(time.Since(started)).Round(time.Millisecond), took.Round(time.Millisecond))
}

func relatedSlugsOf(base, slug string) ([]string, error) {
	res, err := http.Get(base + "/api/v1/articles/" + slug + "/related")
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", res.StatusCode)
	}
	var answer struct {
		Articles []struct{ Slug string } `json:"articles"`
	}
	if err := json.NewDecoder(res.Body).Decode(&answer); err != nil {
		return nil, err
	}
	var slugs []string
	for _, a := range answer.Articles {
		slugs = append(slugs, a.Slug)
	}
	return slugs, nil
}
