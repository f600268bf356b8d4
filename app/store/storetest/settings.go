package storetest

import (
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/store"
)

func settingsTests() []test {
	return []test{
		{"RecordsAndReturnsTheOthers", testSettingsRecordsAndReturnsTheOthers},
	}
}

// Each server's settings replace those it recorded before; a server gets
// back the others' recorded since the time it gives, never its own.
func testSettingsRecordsAndReturnsTheOthers(t *testing.T, open Open) {
	ctx := t.Context()
	st, another := open(t)
	a, ok := st.(store.SettingsStore)
	b, ok2 := another(t).(store.SettingsStore)
	if !ok || !ok2 {
		t.Fatalf("%T keeps no settings (store.SettingsStore)", st)
	}
	longAgo := time.Now().Add(-time.Hour)
	if others, err := a.RecordSettings(ctx, "one:8080", map[string]string{"site": "Le Journal", "media-private": "true"}, longAgo); err != nil || len(others) != 0 {
		t.Fatalf("the first server: %v, others %+v", err, others)
	}
	if _, err := a.RecordSettings(ctx, "one:8080", map[string]string{"site": "Le Journal", "media-private": "false"}, longAgo); err != nil {
		t.Fatal(err)
	}
	others, err := b.RecordSettings(ctx, "two:8080", map[string]string{"site": "Le Journal"}, longAgo)
	if err != nil {
		t.Fatal(err)
	}
	if len(others) != 1 || others[0].Server != "one:8080" || others[0].Settings["media-private"] != "false" || others[0].Recorded.Before(longAgo) {
		t.Errorf("the second server sees %+v, want one:8080's latest settings", others)
	}
	if others, err := b.RecordSettings(ctx, "two:8080", map[string]string{"site": "Le Journal"}, time.Now().Add(time.Hour)); err != nil || len(others) != 0 {
		t.Errorf("settings recorded before since: %v %+v, want none", err, others)
	}
}
