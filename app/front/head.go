package front

import (
	"bytes"
	"net/http"
	"net/netip"
	"strings"
)

// maxLoopHead is the longest request head the event loop reads itself; a
// longer one goes to fasthttp, which answers it.
const maxLoopHead = 8 << 10

// simpleHead is a request the event loop may answer from memory: a GET or
// HEAD of HTTP/1.1 with no body, whose target needs no normalising, and
// whose headers say nothing the loop would have to act on. Its strings
// are views of the connection's buffer.
type simpleHead struct {
	method, path, rawQuery                        string
	host, acceptEncoding, acceptLanguage, ifMatch string // ifMatch: If-None-Match
	forwardedProto, forwardedHost                 string
}

// headStatus is what parseHead made of the start of a buffer.
type headStatus int

const (
	headIncomplete headStatus = iota // more bytes are needed
	headSimple                       // a simpleHead, n bytes long
	headOther                        // anything else: fasthttp's to read
)

// parseHead reads the request head at the start of b. It is strict on
// purpose: whatever it does not recognise as a simple request is another
// server's to read (fasthttp's, which knows all of HTTP/1.1), so it never
// has to answer a request it misreads.
func parseHead(b []byte) (h simpleHead, n int, status headStatus) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if lf := bytes.Index(b, []byte("\n\n")); lf >= 0 && (end < 0 || lf < end) {
		return h, 0, headOther // lines that end with a bare LF
	}
	if end < 0 {
		if len(b) >= maxLoopHead {
			return h, 0, headOther
		}
		return h, 0, headIncomplete
	}
	if end+4 > maxLoopHead {
		return h, 0, headOther
	}
	head := b[:end+2] // each line with its CRLF
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	method, line, ok1 := bytes.Cut(line, []byte(" "))
	target, version, ok2 := bytes.Cut(line, []byte(" "))
	switch {
	case !ok1 || !ok2, string(version) != "HTTP/1.1":
		return h, 0, headOther
	case string(method) == http.MethodGet:
		h.method = http.MethodGet
	case string(method) == http.MethodHead:
		h.method = http.MethodHead
	default:
		return h, 0, headOther
	}
	path, query, _ := bytes.Cut(target, []byte("?"))
	if !plainPath(path) || !plainQuery(query) {
		return h, 0, headOther
	}
	h.path, h.rawQuery = view(path), view(query)

	var hosts int
	for len(rest) > 0 {
		var field []byte
		field, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, ok := bytes.Cut(field, []byte(":"))
		if !ok || !token(name) {
			return h, 0, headOther // obs-fold, a space before the colon, no name
		}
		value = bytes.Trim(value, " \t")
		// Names and values are ASCII from here: bytes.EqualFold folds
		// them as HTTP does.
		if !fieldValue(value) {
			return h, 0, headOther
		}
		var into *string
		switch {
		case bytes.EqualFold(name, []byte("Host")):
			hosts++
			into = &h.host
		case bytes.EqualFold(name, []byte("Accept-Encoding")):
			into = &h.acceptEncoding
		case bytes.EqualFold(name, []byte("Accept-Language")):
			into = &h.acceptLanguage
		case bytes.EqualFold(name, []byte("If-None-Match")):
			into = &h.ifMatch
		case bytes.EqualFold(name, []byte("X-Forwarded-Proto")):
			into = &h.forwardedProto
		case bytes.EqualFold(name, []byte("X-Forwarded-Host")):
			into = &h.forwardedHost
		case bytes.EqualFold(name, []byte("Connection")):
			if !bytes.EqualFold(value, []byte("keep-alive")) {
				return h, 0, headOther // close, upgrade: fasthttp's
			}
			continue
		case bytes.EqualFold(name, []byte("Content-Length")):
			if string(value) != "0" {
				return h, 0, headOther
			}
			continue
		case bytes.EqualFold(name, []byte("Transfer-Encoding")), bytes.EqualFold(name, []byte("Expect")), bytes.EqualFold(name, []byte("Upgrade")):
			return h, 0, headOther
		default:
			continue
		}
		if *into != "" || len(value) == 0 && into == &h.host {
			return h, 0, headOther // said twice, or an empty Host
		}
		*into = view(value)
	}
	if hosts != 1 || !plainHost(h.host) {
		return h, 0, headOther
	}
	return h, end + 4, headSimple
}

// plainPath reports whether a target's path is one fasthttp would leave
// as it is: absolute, and nothing to decode or to resolve.
func plainPath(p []byte) bool {
	if len(p) == 0 || p[0] != '/' {
		return false
	}
	for i, c := range p {
		switch {
		case c <= ' ' || c >= 0x7f, c == '%', c == '#', c == '\\':
			return false
		case c == '/' && i+1 < len(p) && (p[i+1] == '/' || p[i+1] == '.'):
			return false // "//", "/." and "/..": fasthttp cleans them
		}
	}
	return true
}

// plainQuery reports whether a query has only visible ASCII and no
// fragment.
func plainQuery(q []byte) bool {
	for _, c := range q {
		if c <= ' ' || c >= 0x7f || c == '#' {
			return false
		}
	}
	return true
}

// token reports whether b is a header field name (RFC 9110's token).
func token(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || bytes.IndexByte([]byte(`"(),/:;<=>?@[\]{}`), c) >= 0 {
			return false
		}
	}
	return true
}

// fieldValue reports whether b is a field value the loop takes: visible
// ASCII, spaces and tabs (no NUL, no control, nothing beyond ASCII).
func fieldValue(b []byte) bool {
	for _, c := range b {
		if (c < ' ' && c != '\t') || c >= 0x7f {
			return false
		}
	}
	return true
}

// plainHost reports whether a Host is a name, an IPv4 address or a
// bracketed IPv6 one, with or without a port: nothing fasthttp would read
// otherwise as part of a URL.
func plainHost(host string) bool {
	name, port := host, ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		name, port = host[:i], host[i+1:]
		if port == "" {
			return false
		}
	}
	for i := range len(port) {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	if strings.HasPrefix(name, "[") {
		addr, ok := strings.CutSuffix(name[1:], "]")
		ip, err := netip.ParseAddr(addr)
		return ok && err == nil && ip.Is6() && ip.Zone() == ""
	}
	if name == "" || name[0] == '.' || name[0] == '-' {
		return false
	}
	for i := range len(name) {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
