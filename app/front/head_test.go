package front

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/valyala/fasthttp"
)

// FuzzParseHead: whatever bytes come, a head the loops take as simple is
// one fasthttp reads the same: its method, path, query, host, the fields
// the loops read, and its length. Anything else is fasthttp's to read.
func FuzzParseHead(f *testing.F) {
	for _, seed := range []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"HEAD /a/x?lang=fr HTTP/1.1\r\nHost: kiosque.test\r\nAccept-Encoding: gzip, br\r\nIf-None-Match: \"abc\"\r\n\r\nGET",
		"GET /embed?article=x&lang=ar HTTP/1.1\r\nhost: h\r\naccept-language: ar\r\nx-forwarded-proto: https\r\nX-Forwarded-Host: w.example\r\nConnection: keep-alive\r\n\r\n",
		"GET /a/../b HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /a%20b HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
		"GET / HTTP/1.0\r\nHost: a\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\nHost: a\n\n",
		"GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, n, status := parseHead(b)
		if status != headSimple {
			return
		}
		var req fasthttp.Request
		br := bufio.NewReader(bytes.NewReader(b))
		if err := req.Header.Read(br); err != nil {
			t.Fatalf("the loops read %q as simple; fasthttp refuses it: %v", b[:n], err)
		}
		if read := len(b) - br.Buffered(); read != n {
			t.Errorf("the head is %d bytes to the loops, %d to fasthttp", n, read)
		}
		uri := req.URI()
		hd := &req.Header
		got := []string{h.method, h.path, h.rawQuery, h.host, h.acceptEncoding, h.acceptLanguage, h.ifMatch, h.forwardedProto, h.forwardedHost}
		want := []string{string(hd.Method()), string(uri.Path()), string(uri.QueryString()), string(hd.Host()),
			string(hd.Peek("Accept-Encoding")), string(hd.Peek("Accept-Language")), string(hd.Peek("If-None-Match")),
			string(hd.Peek("X-Forwarded-Proto")), string(hd.Peek("X-Forwarded-Host"))}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%q: field %d is %q to the loops, %q to fasthttp", b[:n], i, got[i], want[i])
			}
		}
	})
}
