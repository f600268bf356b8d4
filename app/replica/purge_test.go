package replica

import (
	"context"
	"testing"
)

// A leader with no cache to purge forgets the purges kept in the store
// (`kiosque ingest` keeps some for whichever server purges), so that they
// do not pile up.
func TestALeaderWithNoCacheForgetsTheKeptPurges(t *testing.T) {
	st, dir := sampleStore(t)
	if err := st.QueuePurges(context.Background(), []string{"latest", "a0123456789"}, true); err != nil {
		t.Fatal(err)
	}
	run(t, newTestReplica(t, st, dir))
	kept, err := st.QueuedPurges(context.Background())
	if err != nil || len(kept) != 0 {
		t.Errorf("kept purges after a leader with no cache started: %v, %v", kept, err)
	}
}
