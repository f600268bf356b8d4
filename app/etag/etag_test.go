package etag

import "testing"

func TestMatches(t *testing.T) {
	tag := Of([]byte("body"))
	for header, want := range map[string]bool{
		tag:                                true,
		"W/" + tag:                         true,
		`"other", ` + tag:                  true,
		Encoded(tag, "gzip"):               true,
		Encoded(tag, "br"):                 true,
		"*":                                true,
		`"other"`:                          false,
		"":                                 false,
		Encoded(`"other"`, "gzip"):         false,
		`"` + tag[1:len(tag)-1] + `-zstd"`: false,
		tag[:len(tag)-1] + `-br`:           false,
	} {
		if got := Matches(header, tag); got != want {
			t.Errorf("Matches(%q, %s) = %v, want %v", header, tag, got, want)
		}
	}
	if Encoded(tag, "gzip") == tag || Encoded(tag, "gzip") == Encoded(tag, "br") {
		t.Error("the forms of a body share a tag")
	}
}

func TestMatchesAllocatesNothing(t *testing.T) {
	tag := Of([]byte("body"))
	header := `"other", W/"another", ` + Encoded(tag, "br")
	allocs := testing.AllocsPerRun(100, func() {
		if !Matches(header, tag) {
			t.Fatal("no match")
		}
	})
	if allocs != 0 {
		t.Errorf("Matches allocates %v times per call; it runs on every conditional request", allocs)
	}
}
