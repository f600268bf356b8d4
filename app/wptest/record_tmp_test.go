package wptest

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
)

func TestRecordTmp(t *testing.T) {
	site := Start(t, Options{Trusted: "localhost:1"})
	site.Post(t, "Premier billet", "<p>Bonjour.</p>")
	for i, u := range []string{site.URL + "/", site.URL + "/index.php?rest_route=/&_fields=name,namespaces", site.URL + "/wp-json/", site.URL + "/?feed=rss2", site.URL + "/index.php?rest_route=/wp/v2/posts&_fields=id&per_page=100&page=1"} {
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		f, _ := os.Create(fmt.Sprintf("/tmp/wprec-%d.txt", i))
		fmt.Fprintf(f, "GET %s\n%d\n", u, res.StatusCode)
		res.Header.Write(f)
		fmt.Fprintf(f, "\n%s", b)
		f.Close()
	}
}
