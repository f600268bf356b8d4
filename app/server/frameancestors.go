package server

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ParseFrameAncestors checks a CSP frame-ancestors source list, the sites
// allowed to frame the widget, and returns it with its sources separated
// by single spaces. A list the browser would misread is refused with what
// is wrong: sources separated by commas (a comma ends the policy in the
// header, so only the first site would be allowed), a semicolon (which
// would start another directive), a keyword other than 'self' and 'none',
// or anything that is not a source expression.
func ParseFrameAncestors(list string) (string, error) {
	if strings.Contains(list, ",") {
		return "", errors.New("separate the sites with spaces, not commas: a comma ends the policy, so browsers would allow only the first site")
	}
	sources := strings.Fields(list)
	if len(sources) == 0 {
		return "", errors.New(`name the sites allowed to frame the widget, * for any or 'none'`)
	}
	for _, src := range sources {
		if err := checkAncestorSource(src); err != nil {
			return "", err
		}
		if src == "'none'" && len(sources) > 1 {
			return "", errors.New(`'none' allows no site: give it alone, or name the sites`)
		}
	}
	return strings.Join(sources, " "), nil
}

// The source expressions frame-ancestors takes (CSP Level 3): a scheme
// ("https:"), or a host with an optional scheme, port and path
// ("https://*.example.com:8443/news"); ";" and "," never, in a path
// neither.
var (
	schemeSource = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:$`)
	hostSource   = regexp.MustCompile(`^(?:[A-Za-z][A-Za-z0-9+.-]*://)?` +
		`(?:\*|(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?)` + // host
		`(?::(?:[0-9]+|\*))?` + // port
		`(?:/(?:[A-Za-z0-9\-._~!$&'()*+=:@/]|%[0-9A-Fa-f]{2})*)?$`) // path
)

func checkAncestorSource(src string) error {
	switch {
	case src == "'self'" || src == "'none'":
		return nil
	case strings.HasPrefix(src, "'"):
		return fmt.Errorf("%s: frame-ancestors takes no keyword but 'self' and 'none'", src)
	case src == "self" || src == "none":
		return fmt.Errorf("%s: write the keyword with its single quotes, '%s' (without them it names a host)", src, src)
	case strings.Contains(src, ";"):
		return fmt.Errorf("%s: a semicolon would start another directive of the policy", src)
	case schemeSource.MatchString(src) || hostSource.MatchString(src):
		return nil
	}
	return fmt.Errorf("%s: not a source: want a site such as https://partner.example or https://*.partner.example, a scheme such as https:, * or 'self'", src)
}
