package storetest

import (
	"testing"
)

func lockerTests() []test {
	return []test{
		{"SecondTryLockFailsUntilRelease", testSecondTryLockFails},
		{"DifferentNamesDoNotConflict", testDifferentNamesDoNotConflict},
		{"ReleaseTwiceIsHarmless", testReleaseTwiceIsHarmless},
		{"ClosedHandleFreesItsLocks", testClosedHandleFreesItsLocks},
	}
}

// tryLock tries the lock and fails the test on error.
func tryLock(t *testing.T, st Store, name string) (release func(), ok bool) {
	t.Helper()
	lock, ok, err := st.TryLock(t.Context(), name)
	if err != nil {
		t.Fatalf("lock %q: %v", name, err)
	}
	if !ok {
		return func() {}, false
	}
	t.Cleanup(lock.Release)
	select {
	case <-lock.Lost():
		t.Fatalf("lock %q lost as soon as taken", name)
	default:
	}
	return lock.Release, true
}

func testSecondTryLockFails(t *testing.T, open Open) {
	st, another := open(t)
	other := another(t)
	release, ok := tryLock(t, st, "leader")
	if !ok {
		t.Fatal("a free lock was refused")
	}
	if _, ok := tryLock(t, st, "leader"); ok {
		t.Error("lock taken twice through one handle")
	}
	if _, ok := tryLock(t, other, "leader"); ok {
		t.Error("lock taken twice through two handles")
	}
	release()
	release, ok = tryLock(t, other, "leader")
	if !ok {
		t.Fatal("released lock refused to another handle")
	}
	if _, ok := tryLock(t, st, "leader"); ok {
		t.Error("lock taken by another handle was given")
	}
	release()
	if _, ok := tryLock(t, st, "leader"); !ok {
		t.Error("released lock refused to the first handle")
	}
}

func testDifferentNamesDoNotConflict(t *testing.T, open Open) {
	st, another := open(t)
	other := another(t)
	if _, ok := tryLock(t, st, "import feed:https://a.example/rss"); !ok {
		t.Fatal("a free lock was refused")
	}
	if _, ok := tryLock(t, other, "import feed:https://b.example/rss"); !ok {
		t.Error("a lock of another name was refused, through another handle")
	}
	if _, ok := tryLock(t, st, "leader"); !ok {
		t.Error("a lock of another name was refused, through the same handle")
	}
}

// A release called again, after another took the lock, leaves the other's
// lock alone.
func testReleaseTwiceIsHarmless(t *testing.T, open Open) {
	st, another := open(t)
	other := another(t)
	release, ok := tryLock(t, st, "leader")
	if !ok {
		t.Fatal("a free lock was refused")
	}
	release()
	if _, ok := tryLock(t, other, "leader"); !ok {
		t.Fatal("released lock refused")
	}
	release()
	if _, ok := tryLock(t, st, "leader"); ok {
		t.Error("a second release freed the lock that another handle took since")
	}
}

// A lock dies with what holds it: a handle closed (a process ended) frees
// its locks for the others.
func testClosedHandleFreesItsLocks(t *testing.T, open Open) {
	st, another := open(t)
	doomed := another(t)
	release, ok := tryLock(t, doomed, "leader")
	if !ok {
		t.Fatal("a free lock was refused")
	}
	if err := doomed.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := tryLock(t, st, "leader"); !ok {
		t.Error("the lock of a closed handle is still held")
	}
	release() // after Close: harmless
	if _, ok := tryLock(t, another(t), "leader"); ok {
		t.Error("a release after Close freed the lock that another handle took since")
	}
}
