package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/pgtest"
)

// waitListening waits until a session of the database at url listens for
// changes: a commit before would go unannounced.
func waitListening(t *testing.T, url string) {
	t.Helper()
	conn := connect(t, url)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var n int
		err := conn.QueryRow(t.Context(), `
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND query = 'LISTEN kiosque_changes' AND state = 'idle'`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
	}
	t.Fatal("no session listens for changes")
}

// nextCall waits for the next call of changed, and fails the test if none
// comes in time.
func nextCall(t *testing.T, calls <-chan bool, within time.Duration) bool {
	t.Helper()
	select {
	case reconnected := <-calls:
		return reconnected
	case <-time.After(within):
		t.Fatalf("changed was not called within %v", within)
		return false
	}
}

// noCall fails the test if changed is called within the time given.
func noCall(t *testing.T, calls <-chan bool, within time.Duration, after string) {
	t.Helper()
	select {
	case reconnected := <-calls:
		t.Errorf("changed(%v) called after %s", reconnected, after)
	case <-time.After(within):
	}
}

func TestWatchChanges(t *testing.T) {
	t.Parallel()
	cluster := pgtest.Start(t)
	url := cluster.CreateDatabase(t, "watch")
	st, writer := openStore(t, url, Options{}), openStore(t, url, Options{})

	ctx, cancel := context.WithCancel(t.Context())
	calls := make(chan bool, 100)
	done := make(chan struct{})
	go func() {
		defer close(done)
		st.WatchChanges(ctx, func(reconnected bool) { calls <- reconnected })
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("WatchChanges did not return when its context ended")
		}
	}()
	waitListening(t, url)

	article := func(slug string) news.Article {
		return news.Article{Slug: slug, Title: slug, Category: "Sport", Lang: news.French,
			Published: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	}
	// A transaction rolled back is not announced; one committed is, once
	// however many rows and statements it wrote.
	_, err := writer.ApplyImport(t.Context(), store.Import{Origin: "feed:x", Articles: []store.Imported{
		{OriginID: "1", Article: article("un")}, {OriginID: "2", Article: news.Article{Slug: "sans-titre"}},
	}})
	if err == nil {
		t.Fatal("an import of an article without a title was applied")
	}
	if err := writer.Put(t.Context(), article("a"), article("b"), article("c")); err != nil {
		t.Fatal(err)
	}
	if reconnected := nextCall(t, calls, 5*time.Second); reconnected {
		t.Error("changed(true) after a commit, want changed(false)")
	}
	noCall(t, calls, 300*time.Millisecond, "one commit announced already")

	// The server goes away and comes back: the watch listens again, and
	// says that changes may have been missed.
	cluster.Stop(t)
	cluster.Restart(t)
	if reconnected := nextCall(t, calls, 20*time.Second); !reconnected {
		t.Error("changed(false) after the server restarted, want changed(true)")
	}
	waitListening(t, url)
	if err := writer.Delete(t.Context(), "a"); err != nil {
		t.Fatalf("delete after the server restarted: %v", err)
	}
	if reconnected := nextCall(t, calls, 5*time.Second); reconnected {
		t.Error("changed(true) after a commit, want changed(false)")
	}
	noCall(t, calls, 300*time.Millisecond, "one commit announced already")
}
