package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// strictJSON is what encoding/json makes of a body, unknown fields
// refused: the decoder's reference.
func strictJSON(body []byte) (Event, error) {
	var e Event
	in := bytes.NewReader(body)
	dec := json.NewDecoder(in)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Event{}, err
	}
	if rest, _ := io.ReadAll(io.MultiReader(dec.Buffered(), in)); len(bytes.TrimSpace(rest)) > 0 {
		return Event{}, errors.New("more after the object")
	}
	return e, nil
}

// The fast decoder takes what encoding/json takes, and gives the same
// event; it refuses what encoding/json refuses. Tried on bodies built at
// random from an event's fields, values of every JSON type, unknown
// fields, odd spaces, and cuts.
func TestDecodeAgreesWithEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	fields := []string{"kind", "partner", "placement", "article", "from", "ranker", "position", "variant", "kiosque", "baseline", "id", "session", "x"}
	values := []string{`"view"`, `"click"`, `""`, `"a-b"`, `"é\u00e9"`, `"tab\tin"`, "\"raw\ttab\"", `"q\"uote"`, `"\ud83d\ude00"`, "\"\xff\xfe\"",
		`0`, `1`, `-3`, `12`, `007`, `1.5`, `1e2`, `-`, `99999999999999999999`, `true`, `false`, `null`, `{}`, `[1]`, `"1"`, `{"a":1}`}
	spaces := []string{"", " ", "\n", "\t ", "\r\n"}
	agreed := 0
	for range 50_000 {
		var b strings.Builder
		b.WriteString(spaces[r.IntN(len(spaces))] + "{")
		for i, n := 0, r.IntN(5); i < n; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(spaces[r.IntN(len(spaces))] + `"` + fields[r.IntN(len(fields))] + `"` + spaces[r.IntN(len(spaces))] + ":" +
				spaces[r.IntN(len(spaces))] + values[r.IntN(len(values))] + spaces[r.IntN(len(spaces))])
		}
		b.WriteString("}" + spaces[r.IntN(len(spaces))])
		body := []byte(b.String())
		switch r.IntN(10) {
		case 0:
			body = body[:r.IntN(len(body))]
		case 1:
			body = append(body, `{}`...)
		case 2:
			i := r.IntN(len(body))
			body = append(body[:i:i], append([]byte{",:{}[]\"x"[r.IntN(8)]}, body[i:]...)...)
		}
		want, wantErr := strictJSON(body)
		got, gotErr := decodeObject(body)
		switch {
		case (wantErr == nil) != (gotErr == nil):
			t.Errorf("%q: encoding/json says %v, the decoder %v", body, wantErr, gotErr)
		case wantErr == nil && got != want:
			t.Errorf("%q: encoding/json reads %+v, the decoder %+v", body, want, got)
		default:
			agreed++
		}
	}
	t.Logf("%d bodies read alike", agreed)
}
