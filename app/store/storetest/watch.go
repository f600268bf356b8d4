package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
)

// ChangeWatcher is a store that tells of commits as they happen. The suite
// tests it where a store has it, and skips its tests elsewhere.
type ChangeWatcher interface {
	// WatchChanges calls changed(false) after each commit, by any writer,
	// and changed(true) when commits may have gone untold, until ctx is
	// done.
	WatchChanges(ctx context.Context, changed func(reconnected bool))
}

// Pinger is a store that says whether it answers, for health checks.
type Pinger interface {
	Ping(ctx context.Context) error
}

func watchTests() []test {
	return []test{
		{"TellsOfCommitsOfAnotherHandle", testWatchTellsOfCommits},
		{"Ping", testPing},
	}
}

func testWatchTellsOfCommits(t *testing.T, open Open) {
	st, another := open(t)
	watcher, ok := st.(ChangeWatcher)
	if !ok {
		t.Skipf("%T has no WatchChanges", st)
	}
	writer := another(t)
	ctx, cancel := context.WithCancel(t.Context())
	calls := make(chan bool, 1000)
	done := make(chan struct{})
	go func() {
		defer close(done)
		watcher.WatchChanges(ctx, func(reconnected bool) { calls <- reconnected })
	}()

	// The watch may start listening after the first writes: write until
	// it tells of one, then once more.
	write := func(i int) {
		t.Helper()
		if err := writer.Put(t.Context(), article(fmt.Sprintf("a%d", i), 1, "Sport", news.French)); err != nil {
			t.Fatal(err)
		}
	}
	told := false
	for i := 0; !told && i < 100; i++ {
		write(i)
		select {
		case <-calls:
			told = true
		case <-time.After(100 * time.Millisecond):
		}
	}
	if !told {
		t.Fatal("no commit was told of")
	}
	for len(calls) > 0 {
		<-calls
	}
	write(1000)
	select {
	case reconnected := <-calls:
		if reconnected {
			t.Error("changed(true) after a commit, want changed(false)")
		}
	case <-time.After(5 * time.Second):
		t.Error("a commit was not told of within 5s")
	}

	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Error("WatchChanges did not return when its context ended")
	}
}

func testPing(t *testing.T, open Open) {
	st, _ := open(t)
	pinger, ok := st.(Pinger)
	if !ok {
		t.Skipf("%T has no Ping", st)
	}
	if err := pinger.Ping(t.Context()); err != nil {
		t.Errorf("ping: %v", err)
	}
}
