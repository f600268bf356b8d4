// Package i18n compiles the WordPress plugin's translations, kept as .po
// files, into what WordPress reads: a .mo catalog for the PHP, and a JSON
// file (Jed's format) for the block editor's script, which WordPress looks
// for under the md5 of the script's path in the plugin.
package i18n

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Message is one entry of a catalog.
type Message struct {
	Context, ID, Str string
}

// key is the message as a .mo file names it: its context, EOT, its id.
func (m Message) key() string {
	if m.Context == "" {
		return m.ID
	}
	return m.Context + "\x04" + m.ID
}

// ParsePO reads a .po file: msgctxt, msgid and msgstr, each a quoted
// string, continued on lines of quoted strings; comments are skipped.
// Plural forms are not read (the plugin has none).
func ParsePO(po []byte) ([]Message, error) {
	var (
		out   []Message
		cur   Message
		field *string
		seen  bool // cur has a msgid
	)
	flush := func() {
		if seen {
			out = append(out, cur)
		}
		cur, field, seen = Message{}, nil, false
	}
	sc := bufio.NewScanner(bytes.NewReader(po))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		keyword, rest, _ := strings.Cut(line, " ")
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case keyword == "msgctxt":
			flush()
			field = &cur.Context
		case keyword == "msgid":
			if cur.Context == "" {
				flush()
			}
			field, seen = &cur.ID, true
		case keyword == "msgstr":
			field = &cur.Str
		case strings.HasPrefix(line, `"`):
			rest = line
		default:
			return nil, fmt.Errorf("line %d: %q is not a line of a .po file this reads", n, line)
		}
		if field == nil {
			return nil, fmt.Errorf("line %d: a string outside an entry", n)
		}
		s, err := strconv.Unquote(rest)
		if err != nil {
			return nil, fmt.Errorf("line %d: %s: %w", n, rest, err)
		}
		*field += s
	}
	flush()
	return out, sc.Err()
}

// MO is the catalog in GNU gettext's binary format (revision 0, no hash
// table), its messages sorted as the format wants.
func MO(messages []Message) []byte {
	sorted := slices.Clone(messages)
	slices.SortFunc(sorted, func(a, b Message) int { return strings.Compare(a.key(), b.key()) })
	n := uint32(len(sorted))
	const header = 28
	originals, translations := header, header+8*n
	strs := translations + 8*n
	table := make([]byte, strs)
	for i, v := range []uint32{0x950412de, 0, n, uint32(originals), translations, 0, strs} {
		binary.LittleEndian.PutUint32(table[4*i:], v)
	}
	var data []byte
	put := func(at uint32, s string) {
		binary.LittleEndian.PutUint32(table[at:], uint32(len(s)))
		binary.LittleEndian.PutUint32(table[at+4:], strs+uint32(len(data)))
		data = append(append(data, s...), 0)
	}
	for i, m := range sorted {
		put(uint32(originals)+8*uint32(i), m.key())
	}
	for i, m := range sorted {
		put(translations+8*uint32(i), m.Str)
	}
	return append(table, data...)
}

// ScriptPath is the block editor's script, as WordPress names its
// translations: kiosque-LOCALE-md5(ScriptPath).json.
const ScriptPath = "block/editor.js"

// ScriptFile is the name of the script's translations to locale.
func ScriptFile(locale string) string {
	sum := md5.Sum([]byte(ScriptPath))
	return "kiosque-" + locale + "-" + hex.EncodeToString(sum[:]) + ".json"
}

// scriptCall is a translated string of the script: __( 'text', 'kiosque' ).
var scriptCall = regexp.MustCompile(`__\(\s*'((?:[^'\\]|\\.)*)'\s*,\s*'kiosque'\s*\)`)

// ScriptStrings are the strings the script translates, in its order.
func ScriptStrings(script []byte) []string {
	var out []string
	for _, m := range scriptCall.FindAllSubmatch(script, -1) {
		s := strings.ReplaceAll(string(m[1]), `\'`, `'`)
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// ScriptJSON is the translations of the script's strings, in the format
// WordPress hands to wp.i18n (load_script_textdomain).
func ScriptJSON(locale string, messages []Message, script []byte) ([]byte, error) {
	byID := map[string]string{}
	plural := ""
	for _, m := range messages {
		if m.ID == "" && m.Context == "" {
			for line := range strings.SplitSeq(m.Str, "\n") {
				if v, ok := strings.CutPrefix(line, "Plural-Forms: "); ok {
					plural = v
				}
			}
		} else if m.Context == "" {
			byID[m.ID] = m.Str
		}
	}
	strs := map[string]any{"": map[string]string{"domain": "messages", "lang": locale, "plural-forms": plural}}
	for _, s := range ScriptStrings(script) {
		t, ok := byID[s]
		if !ok || t == "" {
			return nil, fmt.Errorf("%s: the script's %q is not translated", locale, s)
		}
		strs[s] = []string{t}
	}
	out, err := json.MarshalIndent(map[string]any{
		"domain":      "messages",
		"generator":   "Kiosque (app/wpplugin/i18n)",
		"locale_data": map[string]any{"messages": strs},
	}, "", "\t")
	return append(out, '\n'), err
}
