//go:build !wasm

package cli

import (
	"strings"
	"testing"
)

// Two servers sharing a store with different -media-private and -site:
// the second to start names each setting that differs, with both values
// (-media-ports too: any port with -media-private, 80 and 443 without);
// those that agree are not named.
func TestServersWarnOfSettingsThatDiffer(t *testing.T) {
	data := t.TempDir()
	_, first, stopFirst := serveWith(t, noEnv, "-data", data, "-web", webDir, "-site", "Le Journal")
	defer stopFirst()
	_, second, stopSecond := serveWith(t, noEnv, "-data", data, "-web", webDir, "-site", "Le Quotidien", "-media-private")
	defer stopSecond()
	const warning = "a setting differs from another server's sharing the store"
	for _, want := range []string{
		`setting=-media-private here=true there=false`,
		`setting=-media-ports here=any there=80,443`,
		`setting=-site here="Le Quotidien" there="Le Journal"`,
	} {
		if !strings.Contains(second.String(), want) {
			t.Errorf("the second server's log does not say %q:\n%s", want, second)
		}
	}
	if n := strings.Count(second.String(), warning); n != 3 {
		t.Errorf("the second server warns of %d settings, want 3:\n%s", n, second)
	}
	if strings.Contains(first.String(), warning) {
		t.Errorf("the first server, alone when it started, warns:\n%s", first)
	}
}
