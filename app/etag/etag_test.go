package etag

import "testing"

func TestMatches(t *testing.T) {
	tag := Of([]byte("body"))
	for header, want := range map[string]bool{
		tag:                        true,
		"W/" + tag:                 true,
		`"other", ` + tag:          true,
		Encoded(tag, "gzip"):       true,
		Encoded(tag, "br"):         true,
		"*":                        true,
		`"other"`:                  false,
		"":                         false,
		Encoded(`"other"`, "gzip"): false,
	} {
		if got := Matches(header, tag); got != want {
			t.Errorf("Matches(%q, %s) = %v, want %v", header, tag, got, want)
		}
	}
	if Encoded(tag, "gzip") == tag || Encoded(tag, "gzip") == Encoded(tag, "br") {
		t.Error("the forms of a body share a tag")
	}
}
