//go:build !wasm

package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// Every command's -h prints its usage and succeeds, version's too.
func TestEveryCommandsHelpSucceeds(t *testing.T) {
	for _, command := range []string{"serve", "ingest", "sources", "remove", "restore", "backup", "eval-related", "version"} {
		var help bytes.Buffer
		err := Run(context.Background(), []string{command, "-h"}, noEnv, io.Discard, &help)
		if err != nil || !strings.Contains(help.String(), "Usage: kiosque "+command) {
			t.Errorf("kiosque %s -h: %v, printed:\n%s", command, err, help.String())
		}
	}
}

// A wrong value, in a flag or in the environment, is one line naming the
// flag or the variable and the form wanted; the usage is not printed.
func TestWrongValuesSayWhatIsWanted(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want []string
	}{
		{env: map[string]string{"KIOSQUE_POLL": "15"}, want: []string{`KIOSQUE_POLL="15"`, "want a duration with its unit, such as 90s, 15m", "kiosque serve -h"}},
		{env: map[string]string{"KIOSQUE_INSIGHTS": "no"}, want: []string{`KIOSQUE_INSIGHTS="no"`, "want true or false"}},
		{env: map[string]string{"KIOSQUE_CACHE_SIZE": "lots"}, want: []string{`KIOSQUE_CACHE_SIZE="lots"`, "want a whole number"}},
		{env: map[string]string{"KIOSQUE_LOG_LEVEL": "loud"}, want: []string{`KIOSQUE_LOG_LEVEL="loud"`, "debug, info, warn or error"}},
		{args: []string{"-poll", "15"}, want: []string{`invalid value "15" for flag -poll: want a duration`, "kiosque serve -h lists its flags"}},
		{args: []string{"-interleave", "half"}, want: []string{"-interleave", "want a number"}},
		{args: []string{"-no-such-flag"}, want: []string{"not defined: -no-such-flag", "kiosque serve -h"}},
	} {
		var stderr bytes.Buffer
		getenv := func(name string) string { return tc.env[name] }
		err := Run(context.Background(), append([]string{"serve"}, tc.args...), getenv, io.Discard, &stderr)
		for _, want := range tc.want {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("serve %v with %v: got %v, want an error saying %q", tc.args, tc.env, err, want)
			}
		}
		if stderr.Len() > 0 {
			t.Errorf("serve %v with %v printed more than its error:\n%s", tc.args, tc.env, stderr.String())
		}
	}
}

// A KIOSQUE_ variable that no command reads, close to one serve reads,
// is pointed out with the name meant; those of other commands are not.
func TestMisspeltVariablesAreWarnedOf(t *testing.T) {
	t.Setenv("KIOSQUE_POLLL", "1m")
	t.Setenv("KIOSQUE_PUBLIC_ULR", "https://widget.example")
	t.Setenv("KIOSQUE_TIMEOUT", "5s") // ingest's
	var stderr bytes.Buffer
	if _, err := parseServeFlags(nil, os.Getenv, &stderr); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"KIOSQUE_POLLL is not a setting of Kiosque, and is ignored; did you mean KIOSQUE_POLL?", "did you mean KIOSQUE_PUBLIC_URL?"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("serve with misspelt variables does not say %q:\n%s", want, stderr.String())
		}
	}
	if strings.Contains(stderr.String(), "KIOSQUE_TIMEOUT") {
		t.Errorf("serve warns of ingest's KIOSQUE_TIMEOUT:\n%s", stderr.String())
	}
}

// Every list, as a flag or a variable, takes commas, spaces or both.
func TestListsTakeCommasOrSpaces(t *testing.T) {
	env := map[string]string{
		"KIOSQUE_SOURCE":          "feed:https://a.example/feed,wordpress:https://b.example feed:https://c.example/feed?tags=x,y",
		"KIOSQUE_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1",
		"KIOSQUE_PURGE":           "varnish+http://127.0.0.1:6081, varnish+http://127.0.0.1:6082",
	}
	c, err := parseServeFlags([]string{"-media-ports", "80 443,8443", "-frame-ancestors", "https://a.example,https://b.example"},
		func(name string) string { return env[name] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	wantSources := sourceFlags{"feed:https://a.example/feed", "wordpress:https://b.example", "feed:https://c.example/feed?tags=x,y"}
	if !reflect.DeepEqual(c.sources, wantSources) {
		t.Errorf("KIOSQUE_SOURCE: %q, want %q", c.sources, wantSources)
	}
	if got := c.mediaPorts.String(); got != "80,443,8443" {
		t.Errorf("-media-ports: %s", got)
	}
	if got := c.trustedProxies.String(); got != "10.0.0.0/8,127.0.0.1/32" {
		t.Errorf("KIOSQUE_TRUSTED_PROXIES: %s", got)
	}
	if len(c.purges) != 2 {
		t.Errorf("KIOSQUE_PURGE: %q, want two caches", c.purges)
	}
	if c.frameAncestors != "https://a.example https://b.example" {
		t.Errorf("-frame-ancestors: %q", c.frameAncestors)
	}
	c, err = parseServeFlags([]string{"-source", "feed:https://a.example/feed, feed:https://b.example/feed", "-trusted-proxies", "10.0.0.1 10.0.0.2"}, noEnv, io.Discard)
	if err != nil || len(c.sources) != 2 || len(c.trustedProxies) != 2 {
		t.Errorf("-source and -trusted-proxies with spaces: %v %q %v", err, c.sources, c.trustedProxies)
	}
}

// eval-related documents its file and measures the store's articles
// when given no file.
func TestEvalRelatedDocumentsItsFileAndReadsTheStore(t *testing.T) {
	var help bytes.Buffer
	if err := Run(context.Background(), []string{"eval-related", "-h"}, noEnv, io.Discard, &help); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Usage: kiosque eval-related", "category\theadline\ttext", "-data", "KIOSQUE_DATA", "-k int"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("eval-related -h lacks %q:\n%s", want, help.String())
		}
	}
	data := t.TempDir()
	st, err := sqlite.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	n, err := sample.Fill(context.Background(), st)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"eval-related", "-data", data, "-k", "3"}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "P@3 = 0.") || !strings.Contains(out.String(), "stored articles") {
		t.Errorf("eval-related -data on the %d sample articles printed:\n%s", n, out.String())
	}
}
