// Command wpi18n compiles the WordPress plugin's translations
// (app/wpplugin/kiosque/languages/kiosque-LOCALE.po) into the .mo catalog
// WordPress reads for the PHP and the JSON file it reads for the block
// editor's script, beside them. Run it after changing a .po file (make
// wordpress-i18n); a test fails while they are out of step.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kiosque/kiosque/app/wpplugin/i18n"
)

const plugin = "app/wpplugin/kiosque"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "wpi18n:", err)
		os.Exit(1)
	}
}

func run() error {
	script, err := os.ReadFile(filepath.Join(plugin, i18n.ScriptPath))
	if err != nil {
		return err
	}
	pos, err := filepath.Glob(filepath.Join(plugin, "languages", "kiosque-*.po"))
	if err != nil || len(pos) == 0 {
		return fmt.Errorf("no .po files in %s/languages (%v)", plugin, err)
	}
	for _, po := range pos {
		locale := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(po), "kiosque-"), ".po")
		body, err := os.ReadFile(po)
		if err != nil {
			return err
		}
		messages, err := i18n.ParsePO(body)
		if err != nil {
			return fmt.Errorf("%s: %w", po, err)
		}
		js, err := i18n.ScriptJSON(locale, messages, script)
		if err != nil {
			return err
		}
		dir := filepath.Dir(po)
		if err := os.WriteFile(filepath.Join(dir, "kiosque-"+locale+".mo"), i18n.MO(messages), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, i18n.ScriptFile(locale)), js, 0o644); err != nil {
			return err
		}
		fmt.Printf("%s: %d messages\n", locale, len(messages))
	}
	return nil
}
