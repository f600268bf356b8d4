//go:build !wasm

package cli

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// The crash test's site: crashPosts posts in each version, pages of
// crashPage, each answered after crashDelay (a slow site).
const (
	crashPosts = 400
	crashPage  = 50
	crashDelay = 15 * time.Millisecond
	crashKills = 20
)

// crashSite is a slow WordPress site whose posts change, all of them, from
// one version to the next: version v holds the posts v+1 to v+crashPosts
// (one post deleted and one published at each version), each titled and
// illustrated for its version, modified at the version's time. A store
// that imported version v holds exactly those posts, those titles, those
// images, and that cursor: anything else is part of an import.
type crashSite struct {
	*ingesttest.WordPress
	model    map[string]any
	served   atomic.Int64 // requests answered
	lastSent atomic.Int64 // when the last was, in Unix nanoseconds
}

func newCrashSite(t *testing.T) *crashSite {
	t.Helper()
	s := &crashSite{WordPress: ingesttest.NewWordPress()}
	s.PageSize = crashPage
	if err := json.Unmarshal(ingesttest.Posts(t, "wordpress/posts.json")[4], &s.model); err != nil {
		t.Fatal(err)
	}
	embedded := s.model["_embedded"].(map[string]any)
	delete(embedded, "wp:featuredmedia") // the images are in the content: one per post and version
	return s
}

func (s *crashSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(crashDelay)
	s.WordPress.ServeHTTP(w, r)
	s.lastSent.Store(time.Now().UnixNano())
	s.served.Add(1)
}

// versionTime is when the posts of version v were modified.
func versionTime(v int) time.Time {
	return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(v) * time.Hour)
}

func crashTitle(id, v int) string { return fmt.Sprintf("Article %d, version %d", id, v) }
func crashImage(id, v int) string { return fmt.Sprintf("https://example.ma/images/%d-%d.jpg", id, v) }

// publish makes version v what the site shows.
func (s *crashSite) publish(t *testing.T, v int) {
	t.Helper()
	if v > 0 {
		s.Delete(int64(v))
	}
	modified := versionTime(v).Format("2006-01-02T15:04:05")
	for id := v + 1; id <= v+crashPosts; id++ {
		post := maps.Clone(s.model)
		date := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(id) * time.Minute).Format("2006-01-02T15:04:05")
		post["id"] = id
		post["date"], post["date_gmt"] = date, date
		post["modified"], post["modified_gmt"] = modified, modified
		post["slug"] = fmt.Sprintf("article-%d", id)
		post["link"] = fmt.Sprintf("https://example.ma/article-%d/", id)
		post["title"] = map[string]any{"rendered": crashTitle(id, v)}
		post["excerpt"] = map[string]any{"rendered": "", "protected": false}
		post["content"] = map[string]any{"protected": false, "rendered": fmt.Sprintf(
			`<p>Le texte de l’article %d, dans sa version %d.</p><figure><img src="%s" alt="Illustration"></figure>`, id, v, crashImage(id, v))}
		b, err := json.Marshal(post)
		if err != nil {
			t.Fatal(err)
		}
		s.Put(b)
	}
}

// importedVersion says which version of the site the store holds, or
// why it holds none: a part of an import, or a store that is not whole.
func importedVersion(db *sql.DB, origin string) (int, error) {
	var integrity string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil {
		return 0, fmt.Errorf("integrity check: %w", err)
	}
	if integrity != "ok" {
		return 0, fmt.Errorf("integrity check: %s", integrity)
	}
	var cursor int64
	var failures int
	var lastError string
	if err := db.QueryRow("SELECT cursor, failures, last_error FROM sources WHERE key = ?", origin).Scan(&cursor, &failures, &lastError); err != nil {
		return 0, fmt.Errorf("the source's state: %w", err)
	}
	v := int(time.UnixMilli(cursor).UTC().Sub(versionTime(0)) / time.Hour)
	if !versionTime(v).Equal(time.UnixMilli(cursor).UTC()) || failures != 0 || lastError != "" {
		return 0, fmt.Errorf("the source's state: cursor %v, %d failures, %q", time.UnixMilli(cursor).UTC(), failures, lastError)
	}

	rows, err := db.Query("SELECT origin_id, slug, title FROM articles WHERE origin = ?", origin)
	if err != nil {
		return 0, err
	}
	want := map[string]string{}
	for id := v + 1; id <= v+crashPosts; id++ {
		want[fmt.Sprint(id)] = crashTitle(id, v)
	}
	found := 0
	for rows.Next() {
		var id, slug, title string
		if err := rows.Scan(&id, &slug, &title); err != nil {
			rows.Close()
			return 0, err
		}
		if want[id] != title || slug != "article-"+id {
			rows.Close()
			return 0, fmt.Errorf("version %d (by its cursor) has post %s as %q, %q", v, id, slug, title)
		}
		found++
	}
	rows.Close()
	if found != len(want) {
		return 0, fmt.Errorf("version %d (by its cursor) with %d posts of %d", v, found, len(want))
	}

	wantImages := map[string]bool{}
	for id := v + 1; id <= v+crashPosts; id++ {
		wantImages[crashImage(id, v)] = true
	}
	rows, err = db.Query("SELECT url FROM media")
	if err != nil {
		return 0, err
	}
	images := 0
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return 0, err
		}
		if !wantImages[u] {
			rows.Close()
			return 0, fmt.Errorf("version %d records the image %s", v, u)
		}
		images++
	}
	rows.Close()
	var uses int
	if err := db.QueryRow("SELECT count(*) FROM article_media").Scan(&uses); err != nil {
		return 0, err
	}
	if images != crashPosts || uses != crashPosts {
		return 0, fmt.Errorf("version %d records %d images, used %d times, want %d", v, images, uses, crashPosts)
	}
	return v, nil
}

// `kiosque ingest` killed with SIGKILL at 20 points of an import, while
// it reads the site and while it writes: after each kill, the store passes
// PRAGMA integrity_check and holds exactly the site's version before the
// import or after it, articles, images and source state together; and a
// server on the same folder answers throughout.
func TestAKilledImportLeavesTheStoreBeforeOrAfter(t *testing.T) {
	bin := buildBinary(t)
	site := newCrashSite(t)
	srv := httptest.NewServer(site)
	defer srv.Close()
	data := t.TempDir()
	origin := "wordpress:" + srv.URL

	// One `kiosque ingest` at a time: exited is closed when it ends, ended
	// says how.
	var (
		ingest *exec.Cmd
		output *syncBuffer
		exited chan struct{}
		ended  error
	)
	start := func() {
		t.Helper()
		output, exited = &syncBuffer{}, make(chan struct{})
		ingest = exec.Command(bin, "ingest", "-data", data, "-wordpress", srv.URL, "-timeout", "10s")
		ingest.Stdout, ingest.Stderr = output, output
		if err := ingest.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			ended = ingest.Wait()
			close(exited)
		}()
	}
	finish := func() {
		t.Helper()
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			ingest.Process.Kill()
			<-exited
		}
		if ended != nil {
			t.Fatalf("ingest: %v\n%s", ended, output)
		}
	}
	// until waits for ok, while the import runs.
	until := func(ok func() bool) {
		t.Helper()
		for !ok() {
			select {
			case <-exited:
				if ended != nil {
					t.Fatalf("ingest: %v\n%s", ended, output)
				}
				return
			case <-time.After(100 * time.Microsecond):
			}
		}
	}
	t.Cleanup(func() {
		if ingest != nil && ingest.ProcessState == nil {
			ingest.Process.Kill()
			<-exited
		}
	})

	// Version 0, then a server on the folder.
	site.publish(t, 0)
	start()
	finish()
	server := startReplica(t, bin, "server", "-data", data, "-sample=false")
	var (
		answered, failed atomic.Int64
		stopAsking       = make(chan struct{})
		asking           sync.WaitGroup
		stopOnce         sync.Once
	)
	stop := func() {
		stopOnce.Do(func() { close(stopAsking) })
		asking.Wait()
	}
	t.Cleanup(stop) // before the server stops
	asking.Go(func() {
		paths := []string{"/api/v1/articles?limit=5", "/healthz", "/a/article-300", "/embed?limit=3"}
		for i := 0; ; i++ {
			select {
			case <-stopAsking:
				return
			default:
			}
			time.Sleep(5 * time.Millisecond) // a steady reader, not a load test
			path := paths[i%len(paths)]
			if status, body := server.get(t, path); status != http.StatusOK {
				if failed.Add(1) == 1 {
					t.Errorf("the server answered %s with %d: %.200s", path, status, body)
				}
				continue
			}
			answered.Add(1)
		}
	})

	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, sqlite.FileName)+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, err := importedVersion(db, origin); err != nil || v != 0 {
		t.Fatalf("after the first import: version %d, %v", v, err)
	}

	// Version 1, whole: how many requests an import makes, and when it
	// commits once the last one is answered (the first commit another
	// connection sees: SQLite's data_version changes).
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	dataVersion := func() int64 {
		var n int64
		if err := conn.QueryRowContext(t.Context(), "PRAGMA data_version").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	time.Sleep(1500 * time.Millisecond) // the server's own writes after the first import are done
	site.publish(t, 1)
	before := site.served.Load()
	start()
	until(func() bool { return site.served.Load() >= before+2 })
	version := dataVersion()
	until(func() bool { return dataVersion() != version })
	commitAt := time.Since(time.Unix(0, site.lastSent.Load()))
	finish()
	requests := site.served.Load() - before
	if v, err := importedVersion(db, origin); err != nil || v != 1 {
		t.Fatalf("after a whole import: version %d, %v", v, err)
	}
	t.Logf("an import makes %d requests, then commits %s after the last one", requests, commitAt.Round(time.Millisecond))

	// Then 20 imports killed: 6 while reading the site, after a number of
	// requests; 14 while writing, closer together near the commit, some
	// after it.
	writing := []float64{0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.88, 0.94, 0.98, 1, 1.02, 1.06, 1.15, 1.3}
	var outcomes []string
	for kill := range crashKills {
		v := kill + 2
		site.publish(t, v)
		was, err := importedVersion(db, origin)
		if err != nil {
			t.Fatal(err)
		}
		before := site.served.Load()
		start()
		var when string
		if kill < 6 {
			after := 1 + int64(kill)*(requests-2)/5
			until(func() bool { return site.served.Load() >= before+after })
			when = fmt.Sprintf("after %d requests", after)
		} else {
			until(func() bool { return site.served.Load() >= before+requests })
			wait := time.Duration(writing[kill-6] * float64(commitAt))
			time.Sleep(wait)
			when = fmt.Sprintf("%s into writing", wait.Round(time.Millisecond))
		}
		ingest.Process.Signal(syscall.SIGKILL)
		<-exited
		got, err := importedVersion(db, origin)
		switch {
		case err != nil:
			t.Fatalf("killed %s, importing version %d over %d: %v", when, v, was, err)
		case got == was:
			outcomes = append(outcomes, "before")
		case got == v:
			outcomes = append(outcomes, "after")
		default:
			t.Fatalf("killed %s, importing version %d over %d: the store holds version %d", when, v, was, got)
		}
		t.Logf("killed %s: the store holds the version %s the import", when, outcomes[len(outcomes)-1])
	}
	stop()
	afterwards := len(slices.DeleteFunc(outcomes, func(s string) bool { return s == "before" }))
	t.Logf("the server answered %d requests meanwhile; %d kills left the version before, %d the version after",
		answered.Load(), crashKills-afterwards, afterwards)
	if answered.Load() == 0 || failed.Load() > 0 {
		t.Errorf("the server answered %d requests, and failed %d", answered.Load(), failed.Load())
	}
}
