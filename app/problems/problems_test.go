package problems

import (
	"encoding/json"
	"testing"
)

func TestJSONFillsWhatIsLeftEmpty(t *testing.T) {
	body := JSON(Details{Status: 413, Detail: "the request's body is too large"})
	if body[len(body)-1] != '\n' {
		t.Errorf("%q does not end with a newline", body)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"type": "about:blank", "title": "Request Entity Too Large", "status": 413.0, "detail": "the request's body is too large"}
	if len(got) != len(want) {
		t.Errorf("%s, want only %v", body, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s is %v, want %v", body, k, got[k], v)
		}
	}
	named := JSON(Details{Type: "https://kiosque.example/problems/x", Title: "X", Status: 400, Param: "limit"})
	if err := json.Unmarshal(named, &got); err != nil || got["type"] != "https://kiosque.example/problems/x" || got["title"] != "X" || got["param"] != "limit" {
		t.Errorf("%s: a type, title and param given must be kept", named)
	}
}
