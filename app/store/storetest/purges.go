package storetest

import (
	"slices"
	"testing"

	"github.com/kiosque/kiosque/app/store"
)

func purgeTests() []test {
	return []test{
		{"KeptUntilDropped", testPurgesKeptUntilDropped},
	}
}

// Purge keys are kept each once, urgent when queued
// so once, seen by every handle, until dropped.
func testPurgesKeptUntilDropped(t *testing.T, open Open) {
	ctx := t.Context()
	st, another := open(t)
	if err := st.QueuePurges(ctx, []string{"a1", "latest"}, false); err != nil {
		t.Fatal(err)
	}
	if err := st.QueuePurges(ctx, []string{"latest", "a2"}, true); err != nil {
		t.Fatal(err)
	}
	if err := st.QueuePurges(ctx, []string{"a2", "a3"}, false); err != nil {
		t.Fatal(err)
	}
	other := another(t)
	want := []store.QueuedPurge{{Key: "a1", Urgent: false}, {Key: "latest", Urgent: true}, {Key: "a2", Urgent: true}, {Key: "a3", Urgent: false}}
	got, err := other.QueuedPurges(ctx)
	if err != nil || !samePurges(got, want) {
		t.Fatalf("queued %v, %v; want %v", got, err, want)
	}
	if err := other.DropPurges(ctx, []string{"a1", "a2", "unknown"}); err != nil {
		t.Fatal(err)
	}
	got, err = st.QueuedPurges(ctx)
	if want := []store.QueuedPurge{{Key: "latest", Urgent: true}, {Key: "a3", Urgent: false}}; err != nil || !samePurges(got, want) {
		t.Fatalf("after a drop, queued %v, %v; want %v", got, err, want)
	}
}

// samePurges compares as sets of keys with their urgency: keys queued
// within a millisecond may come in any order.
func samePurges(got, want []store.QueuedPurge) bool {
	if len(got) != len(want) {
		return false
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}
