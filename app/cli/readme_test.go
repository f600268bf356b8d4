//go:build !wasm

package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The README's reference names every flag of every command, with its
// environment variable or none, and no flag the commands lack: it is
// checked against each command's -h.
func TestTheREADMEListsEveryFlag(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	inREADME := readmeFlags(t, string(readme))
	for _, command := range []string{"serve", "ingest", "sources", "remove", "restore", "backup", "eval-related", "version"} {
		var help bytes.Buffer
		if err := Run(context.Background(), []string{command, "-h"}, noEnv, io.Discard, &help); err != nil {
			t.Fatalf("%s -h: %v", command, err)
		}
		inHelp := helpFlags(help.String())
		for flag, env := range inHelp {
			got, ok := inREADME[command][flag]
			switch {
			case !ok:
				t.Errorf("README: kiosque %s -%s is missing", command, flag)
			case got != env:
				t.Errorf("README: kiosque %s -%s has the variable %q, -h says %q", command, flag, got, env)
			}
		}
		for flag := range inREADME[command] {
			if _, ok := inHelp[flag]; !ok {
				t.Errorf("README: kiosque %s -%s is not a flag of the command (its -h: %v)", command, flag, slices.Sorted(maps.Keys(inHelp)))
			}
		}
	}
}

// helpFlags are the flags a command's -h lists, each with its variable
// ("" when the environment does not set it).
func helpFlags(help string) map[string]string {
	flags := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)[^\t\n]*(?:\t(KIOSQUE_[A-Z0-9_]+))?$`).FindAllStringSubmatch(help, -1) {
		flags[m[1]] = m[2]
	}
	return flags
}

// readmeFlags reads the README's flag tables: the serve table's rows
// ("| `-addr` | `KIOSQUE_ADDR` | …") and the other commands' ("| `ingest` |
// `-feed` | – | …"), by command then flag, with the variable or "".
func readmeFlags(t *testing.T, readme string) map[string]map[string]string {
	t.Helper()
	flags := map[string]map[string]string{}
	add := func(command, flag, env string) {
		if flags[command] == nil {
			flags[command] = map[string]string{}
		}
		if _, dup := flags[command][flag]; dup {
			t.Errorf("README: kiosque %s -%s is listed twice", command, flag)
		}
		flags[command][flag] = strings.Trim(env, "`")
		if flags[command][flag] == "–" {
			flags[command][flag] = ""
		}
	}
	table := ""
	lines := bufio.NewScanner(strings.NewReader(readme))
	for lines.Scan() {
		line := lines.Text()
		if !strings.HasPrefix(line, "|") {
			table = ""
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case table == "" && cells[0] == "`serve` flag":
			table = "serve"
		case table == "" && len(cells) > 2 && cells[0] == "command" && cells[1] == "flag":
			table = "others"
		case table == "serve" && strings.HasPrefix(cells[0], "`-"):
			add("serve", strings.Trim(cells[0], "`-"), cells[1])
		case table == "others" && len(cells) > 2 && strings.HasPrefix(cells[1], "`-"):
			add(strings.Trim(cells[0], "`"), strings.Trim(cells[1], "`-"), cells[2])
		}
	}
	if len(flags["serve"]) == 0 || len(flags["ingest"]) == 0 {
		t.Fatalf("README: no flag tables found (serve: %d flags, ingest: %d)", len(flags["serve"]), len(flags["ingest"]))
	}
	return flags
}

// The CHANGELOG's newest release is the one kiosque version names.
func TestTheChangelogNamesThisRelease(t *testing.T) {
	changelog, err := os.ReadFile("../../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	newest := regexp.MustCompile(`(?m)^## (v\d+\.\d+\.\d+)\b`).FindStringSubmatch(string(changelog))
	if newest == nil || newest[1] != Release {
		t.Errorf("the CHANGELOG's newest release is %v, kiosque version says %s", newest, Release)
	}
}
