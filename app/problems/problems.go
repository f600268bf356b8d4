// Package problems is the body of an error answer in the shape of RFC 9457
// (application/problem+json): the one shape in which every part of
// Kiosque, the front, the site and its images, says what went wrong.
package problems

import (
	"encoding/json"
	"net/http"
)

// ContentType is the media type of a problem's body.
const ContentType = "application/problem+json"

// Details is what an error answer says.
type Details struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Param names the query parameter at fault, for 400s.
	Param string `json:"param,omitempty"`
}

// JSON is the body of d, ended by a newline. A type left empty is
// "about:blank", and a title left empty the status's own.
func JSON(d Details) []byte {
	if d.Type == "" {
		d.Type = "about:blank"
	}
	if d.Title == "" {
		d.Title = http.StatusText(d.Status)
	}
	body, _ := json.Marshal(d) // strings and an int: it cannot fail
	return append(body, '\n')
}
