// Package events reads what a widget's beacon says (web/kiosque.js sends
// one per event to POST /api/v1/events): a view, a click, or the outcome
// of an interleaved view. It reads strictly: a field it does not know, a
// value out of its range, a body too long, and the event is refused, so
// that nothing a client adds (an identifier, say) is ever taken. It also
// tells the user agents of known bots.
package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kiosque/kiosque/app/insights/interleave"
)

// MaxBody is the longest body taken: an event is well under 400 bytes.
const MaxBody = 1024

// Kinds of events, as the beacon names them.
const (
	View    = "view"
	Click   = "click"
	Outcome = "outcome"
)

// Limits of an event's fields.
const (
	maxPosition  = 12  // the carousel's last card (params.MaxEmbedLimit)
	MaxPlacement = 32  // characters of a placement's name
	MaxHost      = 253 // characters of a host name
)

// Event is one beacon: nothing in it tells one reader from another.
type Event struct {
	Kind string `json:"kind"`
	// Partner is the host of the page around the widget, as the browser
	// told the widget (location.ancestorOrigins, else the referrer).
	Partner string `json:"partner"`
	// Placement is the name the partner gave the widget's place.
	Placement string `json:"placement"`
	// Article is the slug of the widget's article (a view, an outcome;
	// empty for a section's widget), or of the article a click opened.
	Article string `json:"article"`
	// From is, for a click on a related article, the slug of the article
	// it was recommended from.
	From string `json:"from"`
	// Position is a click's card, from 1 in the carousel; 0 for the card
	// the widget features.
	Position int `json:"position"`
	// Variant is the interleaving variant the widget showed (1 to
	// interleave.Variants), or 0 for the ranker's list alone.
	Variant int `json:"variant"`
	// Ranker is the ranker credited with a clicked slot of an interleaved
	// carousel: "kiosque" or "baseline".
	Ranker string `json:"ranker"`
	// Kiosque and Baseline are an outcome's clicks on each ranker's slots
	// during one interleaved view.
	Kiosque  int `json:"kiosque"`
	Baseline int `json:"baseline"`
}

// The rankers a click may credit.
const (
	RankerKiosque  = "kiosque"
	RankerBaseline = "baseline"
)

// Error says what is wrong with an event, naming the field at fault.
type Error struct {
	Field  string
	Reason string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

// ErrTooLarge is the error of a body longer than MaxBody.
var ErrTooLarge = errors.New("the body is longer than 1024 bytes")

// Decode reads one event: a JSON object of the fields of Event, no other,
// by encoding/json (whose field names match without regard to case).
// A partner host is lower-cased; a placement is made a name as the
// widget's script makes it (namePlacement).
func Decode(body []byte) (Event, error) {
	if len(body) > MaxBody {
		return Event{}, ErrTooLarge
	}
	var e Event
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Event{}, decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Event{}, &Error{Reason: "one JSON object per request"}
	}
	e.Partner = strings.ToLower(e.Partner)
	e.Placement = namePlacement(e.Placement)
	return e, e.check()
}

// decodeError names the field at fault in an error of encoding/json.
func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return &Error{Field: te.Field, Reason: "must be a " + te.Type.String()}
	}
	// encoding/json says so in words only: json: unknown field "id".
	if quoted, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if field, err := strconv.Unquote(quoted); err == nil {
			return &Error{Field: field, Reason: "no such field"}
		}
	}
	return &Error{Reason: "not a JSON object: " + strings.TrimPrefix(err.Error(), "json: ")}
}

// namePlacement makes the name a partner gave a widget's place
// (data-placement) a name as the dashboard lists it, as web/kiosque.js
// does before sending it: lower-cased, each run of spaces and dots a
// dash, trimmed. What is left must be a name (validPlacement): letters,
// digits, dashes and underscores, so that a placement can't carry a
// message ("ADMIN LOGIN AT evil.example") to the publisher.
func namePlacement(p string) string {
	p = strings.ToLower(strings.TrimSpace(p))
	return strings.Join(strings.FieldsFunc(p, func(r rune) bool { return r == ' ' || r == '.' }), "-")
}

// check tells whether the fields fit together and in their ranges.
func (e Event) check() error {
	switch e.Kind {
	case View, Click, Outcome:
	default:
		return &Error{"kind", "must be view, click or outcome"}
	}
	if !validHost(e.Partner) {
		return &Error{"partner", "must be a host name"}
	}
	if !validPlacement(e.Placement) {
		return &Error{"placement", fmt.Sprintf("must be a name: at most %d letters, digits, - or _", MaxPlacement)}
	}
	if e.Variant < 0 || e.Variant > interleave.Variants {
		return &Error{"variant", fmt.Sprintf("must be 0 to %d", interleave.Variants)}
	}
	if e.Position < 0 || e.Position > maxPosition {
		return &Error{"position", fmt.Sprintf("must be 0 to %d", maxPosition)}
	}
	if e.Kind != Click && (e.Position != 0 || e.From != "" || e.Ranker != "") {
		return &Error{"position", "only a click has a position, a from and a ranker"}
	}
	if e.Kind != Outcome && (e.Kiosque != 0 || e.Baseline != 0) {
		return &Error{"kiosque", "only an outcome counts clicks"}
	}
	switch e.Kind {
	case Click:
		if e.Article == "" {
			return &Error{"article", "a click opens an article"}
		}
		switch {
		case e.Variant == 0 && e.Ranker != "":
			return &Error{"ranker", "only a click in an interleaved carousel credits a ranker"}
		case e.Variant > 0 && e.Position > 0 && e.Ranker != RankerKiosque && e.Ranker != RankerBaseline:
			return &Error{"ranker", "must be kiosque or baseline in an interleaved carousel"}
		case e.Position == 0 && e.Ranker != "":
			return &Error{"ranker", "the featured card is no ranker's"}
		}
	case Outcome:
		switch {
		case e.Variant == 0:
			return &Error{"variant", "an outcome is that of an interleaved view"}
		case e.Article == "":
			return &Error{"article", "an outcome is that of an article's widget"}
		case e.Kiosque < 0 || e.Baseline < 0 || e.Kiosque > maxPosition || e.Baseline > maxPosition:
			return &Error{"kiosque", fmt.Sprintf("clicks must be 0 to %d", maxPosition)}
		case e.Kiosque == 0 && e.Baseline == 0:
			return &Error{"kiosque", "an outcome has at least one click"}
		}
	}
	return nil
}

// validHost accepts a host name as browsers give it (URL.hostname):
// letters, digits, dots and dashes, or an IPv6 address in brackets;
// empty when the browser did not tell.
func validHost(h string) bool {
	if len(h) > MaxHost {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']') {
			return false
		}
	}
	return true
}

func validPlacement(p string) bool {
	if !utf8.ValidString(p) || utf8.RuneCountInString(p) > MaxPlacement {
		return false
	}
	for _, r := range p {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' {
			return false
		}
	}
	return true
}
