//go:build !wasm

package cli

import (
	"flag"
	"fmt"
	"io"
	"net/netip"
	"strings"
)

// A command's settings come from its flags, or else from the environment:
// KIOSQUE_ and the flag's name in capitals, dashes as underscores
// (-public-url is KIOSQUE_PUBLIC_URL). A flag given on the command line
// wins over the environment.

// envName is the environment variable that may set the flag named name.
func envName(name string) string {
	return "KIOSQUE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// listFlag is a flag that may be given several times; its environment
// variable holds the values separated by spaces.
type listFlag interface {
	flag.Value
	isList()
}

// command is a command's flags. Those marked local name what one
// invocation acts on (remove -url): the environment never sets them.
type command struct {
	*flag.FlagSet
	local map[string]bool
}

// newCommand makes a command's flags, whose -h says what the command
// does, then lists each flag with its environment variable.
func newCommand(name, synopsis string, stderr io.Writer) *command {
	c := &command{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), local: map[string]bool{}}
	c.SetOutput(stderr)
	c.Usage = func() {
		out := c.Output()
		fmt.Fprint(out, synopsis)
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
	return c
}

// localFlag marks flags the environment does not set.
func (c *command) localFlag(names ...string) {
	for _, n := range names {
		c.local[n] = true
	}
}

// parse parses args; each flag they do not give, and that is not local,
// takes its value from the environment, read with getenv, when set there.
func (c *command) parse(args []string, getenv func(string) string) error {
	if err := c.Parse(args); err != nil {
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
		values := []string{value}
		if _, ok := f.Value.(listFlag); ok {
			values = strings.Fields(value)
		}
		for _, v := range values {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s: %s=%q: %w", c.Name(), name, value, e)
				return
			}
		}
	})
	return err
}

// given reports whether the flag named name was set, on the command line
// or in the environment.
func (c *command) given(name string, getenv func(string) string) bool {
	set := false
	c.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set || (!c.local[name] && getenv(envName(name)) != "")
}

// prefixList is a list of CIDRs, given separated by commas.
type prefixList []netip.Prefix

func (p *prefixList) String() string {
	parts := make([]string, len(*p))
	for i, prefix := range *p {
		parts[i] = prefix.String()
	}
	return strings.Join(parts, ",")
}

func (p *prefixList) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
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
		*p = append(*p, prefix.Masked())
	}
	return nil
}

func (p *prefixList) isList() {}
