package wpplugin

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/wpplugin/i18n"
)

// The locales the plugin speaks, besides English.
var locales = []string{"fr_FR", "ar"}

// phpCall is a translated string of the PHP: __( 'text', 'kiosque' ) and
// the escaping forms.
var phpCall = regexp.MustCompile(`\b(?:__|_e|esc_html__|esc_html_e|esc_attr__|esc_attr_e)\(\s*'((?:[^'\\]|\\.)*)'\s*,\s*'kiosque'\s*\)`)

// sourceStrings are the messages the plugin's sources translate: the PHP's
// and the script's, block.json's (with the contexts WordPress gives them),
// and the plugin header's description.
func sourceStrings(t *testing.T) []i18n.Message {
	t.Helper()
	var out []i18n.Message
	add := func(m i18n.Message) {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	names, err := PHPFiles()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		body, _ := fs.ReadFile(files, name)
		for _, m := range phpCall.FindAllSubmatch(body, -1) {
			add(i18n.Message{ID: strings.ReplaceAll(string(m[1]), `\'`, `'`)})
		}
		if name == Main {
			desc := regexp.MustCompile(`(?m)^ \* Description:\s+(.+)$`).FindSubmatch(body)
			if desc == nil {
				t.Fatalf("%s has no Description", Main)
			}
			add(i18n.Message{ID: string(desc[1])})
		}
	}
	script, _ := fs.ReadFile(files, path.Join(Folder, i18n.ScriptPath))
	for _, s := range i18n.ScriptStrings(script) {
		add(i18n.Message{ID: s})
	}
	var block struct {
		Title, Description string
		Keywords           []string
	}
	body, _ := fs.ReadFile(files, Folder+"/block/block.json")
	if err := json.Unmarshal(body, &block); err != nil {
		t.Fatal(err)
	}
	add(i18n.Message{Context: "block title", ID: block.Title})
	add(i18n.Message{Context: "block description", ID: block.Description})
	for _, k := range block.Keywords {
		add(i18n.Message{Context: "block keyword", ID: k})
	}
	return out
}

// Every string the plugin shows is translated in each language, in the
// .po files and in the catalogs compiled from them (go run
// ./build/cmd/wpi18n), which are in step with them.
func TestTranslationsAreCompleteAndCompiled(t *testing.T) {
	want := sourceStrings(t)
	if len(want) < 30 {
		t.Fatalf("only %d strings found in the sources", len(want))
	}
	script, _ := fs.ReadFile(files, path.Join(Folder, i18n.ScriptPath))
	pot, err := fs.ReadFile(files, Folder+"/languages/kiosque.pot")
	if err != nil {
		t.Fatal(err)
	}
	template, err := i18n.ParsePO(pot)
	if err != nil {
		t.Fatal(err)
	}
	for _, locale := range append([]string{""}, locales...) {
		messages := template
		if locale != "" {
			po, err := fs.ReadFile(files, Folder+"/languages/kiosque-"+locale+".po")
			if err != nil {
				t.Fatal(err)
			}
			if messages, err = i18n.ParsePO(po); err != nil {
				t.Fatalf("%s: %v", locale, err)
			}
		}
		for _, w := range want {
			i := slices.IndexFunc(messages, func(m i18n.Message) bool { return m.Context == w.Context && m.ID == w.ID })
			switch {
			case i < 0:
				t.Errorf("%q (%s) is not in the catalog of %q", w.ID, w.Context, locale)
			case locale != "" && messages[i].Str == "":
				t.Errorf("%q (%s) is not translated to %s", w.ID, w.Context, locale)
			}
		}
		if locale == "" {
			continue
		}
		mo, _ := fs.ReadFile(files, Folder+"/languages/kiosque-"+locale+".mo")
		if !bytes.Equal(mo, i18n.MO(messages)) {
			t.Errorf("kiosque-%s.mo is not compiled from its .po: go run ./build/cmd/wpi18n", locale)
		}
		js, _ := fs.ReadFile(files, Folder+"/languages/"+i18n.ScriptFile(locale))
		if compiled, err := i18n.ScriptJSON(locale, messages, script); err != nil || !bytes.Equal(js, compiled) {
			t.Errorf("%s is not compiled from its .po (%v): go run ./build/cmd/wpi18n", i18n.ScriptFile(locale), err)
		}
	}
}
