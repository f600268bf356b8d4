package every

import (
	"context"
	"testing"
	"time"
)

func TestTickCallsUntilTheContextIsDone(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	calls := 0
	Tick(ctx, time.Millisecond, func() { // returns: else the test times out
		calls++
		if calls == 3 {
			cancel()
		}
	})
	// A tick due as ctx is done may still call f: select picks either.
	if calls < 3 {
		t.Errorf("f was called %d times, want 3 or more: Tick calls it until ctx is done", calls)
	}
}

func TestTickWaitsItsIntervalAndStopsOnADoneContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	Tick(ctx, time.Hour, func() { t.Error("f was called before its interval, or on a context already done") })
}
