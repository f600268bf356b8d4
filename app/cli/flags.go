//go:build !wasm

package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
)

// A command's settings come from its flags, or else from the environment:
// KIOSQUE_ and the flag's name in capitals, dashes as underscores
// (-public-url is KIOSQUE_PUBLIC_URL). A flag given on the command line
// wins over the environment.

// envName is the environment variable that may set the flag named name.
func envName(name string) string {
	return "KIOSQUE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// listItems splits a list as every list flag and variable takes it:
// items separated by commas, spaces, or both.
func listItems(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
}

// command is a command's flags. Those marked local name what one
// invocation acts on (remove -url): the environment never sets them.
type command struct {
	*flag.FlagSet
	synopsis string
	local    map[string]bool
}

// newCommand makes a command's flags, whose -h says what the command
// does, then lists each flag with its environment variable.
func newCommand(name, synopsis string, stderr io.Writer) *command {
	c := &command{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), synopsis: synopsis, local: map[string]bool{}}
	c.SetOutput(stderr)
	c.Usage = c.printUsage
	return c
}

// printUsage prints what the command does, then each flag with its
// environment variable.
func (c *command) printUsage() {
	out := c.Output()
	fmt.Fprint(out, c.synopsis)
	hasFlags := false
	c.VisitAll(func(*flag.Flag) { hasFlags = true })
	if !hasFlags {
		return
	}
	fmt.Fprintf(out, "\nFlags (those with a variable beside them are also read from the environment; a flag given wins):\n")
	c.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(out, "  -%s %s", f.Name, kind)
		if !c.local[f.Name] {
			fmt.Fprintf(out, "\t%s", envName(f.Name))
		}
		fmt.Fprintf(out, "\n    \t%s", strings.ReplaceAll(usage, "\n", "\n    \t"))
		switch {
		case f.DefValue == "" || f.DefValue == "false" || f.DefValue == "0":
		case kind == "string":
			fmt.Fprintf(out, " (default %q)", f.DefValue)
		default:
			fmt.Fprintf(out, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(out)
	})
}

// localFlag marks flags the environment does not set.
func (c *command) localFlag(names ...string) {
	for _, n := range names {
		c.local[n] = true
	}
}

// parse parses args; each flag they do not give, and that is not local,
// takes its value from the environment, read with getenv, when set there.
// -h prints the command's usage; a wrong flag or value is one line that
// says what is wanted and where the usage is, never the whole usage.
func (c *command) parse(args []string, getenv func(string) string) error {
	err := c.parseQuietly(args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		c.printUsage()
		return err
	}
	if err != nil {
		return fmt.Errorf("%w (kiosque %s -h lists its flags)", err, c.Name())
	}
	c.warnOfUnknownVariables(getenv)
	return nil
}

// parseQuietly parses args and the environment with values that explain
// what they want when they refuse one, and prints nothing.
func (c *command) parseQuietly(args []string, getenv func(string) string) error {
	out, usage := c.Output(), c.Usage
	c.SetOutput(io.Discard)
	c.Usage = func() {}
	restore := map[*flag.Flag]flag.Value{}
	c.VisitAll(func(f *flag.Flag) {
		if want := expectedForm(f.Value); want != "" {
			restore[f] = f.Value
			f.Value = explainedValue{Value: f.Value, want: want}
		}
	})
	defer func() {
		c.SetOutput(out)
		c.Usage = usage
		for f, v := range restore {
			f.Value = v
		}
	}()
	if err := c.Parse(args); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			err = fmt.Errorf("%s: %w", c.Name(), err)
		}
		return err
	}
	given := map[string]bool{}
	c.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	c.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		value := getenv(name)
		if given[f.Name] || c.local[f.Name] || value == "" || err != nil {
			return
		}
		if e := f.Value.Set(value); e != nil {
			err = fmt.Errorf("%s: %s=%q: %w", c.Name(), name, value, e)
		}
	})
	return err
}

// expectedForm says what a flag of one of the standard library's kinds
// takes, for the flag package's bare "parse error"; "" for the others,
// whose own errors say it.
func expectedForm(v flag.Value) string {
	g, ok := v.(flag.Getter)
	if !ok {
		return ""
	}
	switch g.Get().(type) {
	case bool:
		return "true or false (also 1 or 0)"
	case time.Duration:
		return "a duration with its unit, such as 90s, 15m or 1h30m"
	case int, int64:
		return "a whole number"
	case uint, uint64:
		return "a whole number, 0 or more"
	case float64:
		return "a number, such as 0.5 or 100"
	case *slog.Level:
		return "a level: debug, info, warn or error"
	}
	return ""
}

// explainedValue is a flag's value whose refusal says what it wants.
type explainedValue struct {
	flag.Value
	want string
}

func (v explainedValue) Set(s string) error {
	if err := v.Value.Set(s); err != nil {
		return fmt.Errorf("want %s", v.want)
	}
	return nil
}

// IsBoolFlag keeps a boolean flag one that takes no value (-sample).
func (v explainedValue) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// warnOfUnknownVariables warns of the KIOSQUE_ variables set in the
// environment that no command reads and that look like one of this
// command's, misspelt: the setting they were meant to change is not.
func (c *command) warnOfUnknownVariables(getenv func(string) string) {
	mine := map[string]bool{}
	c.VisitAll(func(f *flag.Flag) {
		if !c.local[f.Name] {
			mine[envName(f.Name)] = true
		}
	})
	var known map[string]bool // every command's, looked up only when needed
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "KIOSQUE_") || mine[name] || getenv(name) == "" {
			continue
		}
		if known == nil {
			known = knownVariables()
		}
		if known[name] {
			continue
		}
		closest, distance := "", len(name)
		for m := range mine {
			if d := editDistance(name, m); d < distance || (d == distance && m < closest) {
				closest, distance = m, d
			}
		}
		if closest != "" && distance <= max(2, len(closest)/4) {
			fmt.Fprintf(c.Output(), "kiosque %s: warning: %s is not a setting of Kiosque, and is ignored; did you mean %s?\n", c.Name(), name, closest)
		}
	}
}

// knownVariables are the environment variables that some command reads,
// and those of Kiosque's own tests and tools, found in the commands' -h.
func knownVariables() map[string]bool {
	known := map[string]bool{}
	for _, name := range []string{"serve", "ingest", "sources", "remove", "restore", "backup", "eval-related", "version"} {
		var help bytes.Buffer
		Run(context.Background(), []string{name, "-h"}, func(string) string { return "" }, io.Discard, &help)
		for _, v := range variableInHelp.FindAllString(help.String(), -1) {
			known[v] = true
		}
	}
	for _, v := range []string{"KIOSQUE_AXE", "KIOSQUE_POSTGRES", "KIOSQUE_SCREENSHOTS", "KIOSQUE_SOAK", "KIOSQUE_WORDPRESS", "KIOSQUE_WORDPRESS_SHOTS"} {
		known[v] = true
	}
	return known
}

var variableInHelp = regexp.MustCompile(`\bKIOSQUE_[A-Z0-9_]+`)

// editDistance is the Levenshtein distance between a and b: the letters
// to insert, delete or change to turn one into the other.
func editDistance(a, b string) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diagonal := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			above := row[j]
			row[j] = min(row[j]+1, row[j-1]+1, diagonal+cost)
			diagonal = above
		}
	}
	return row[len(b)]
}

// given reports whether the flag named name was set, on the command line
// or in the environment.
func (c *command) given(name string, getenv func(string) string) bool {
	set := false
	c.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set || (!c.local[name] && getenv(envName(name)) != "")
}

// prefixList is a list of CIDRs, separated by commas or spaces.
type prefixList []netip.Prefix

func (p *prefixList) String() string {
	parts := make([]string, len(*p))
	for i, prefix := range *p {
		parts[i] = prefix.String()
	}
	return strings.Join(parts, ",")
}

func (p *prefixList) Set(v string) error {
	for _, part := range listItems(v) {
		prefix, err := netip.ParsePrefix(part)
		if err != nil {
			addr, aerr := netip.ParseAddr(part) // one address: a prefix of its own
			if aerr != nil {
				return fmt.Errorf("%q: want a CIDR such as 10.0.0.0/8, or an address", part)
			}
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		// Peers are compared unmapped (::ffff:10.0.0.1 is 10.0.0.1).
		if addr := prefix.Addr(); addr.Is4In6() && prefix.Bits() >= 96 {
			prefix = netip.PrefixFrom(addr.Unmap(), prefix.Bits()-96)
		}
		if !slices.Contains(*p, prefix.Masked()) {
			*p = append(*p, prefix.Masked())
		}
	}
	return nil
}
