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

// newFlagSet makes a command's flag set, whose -h says what the command
// does, then lists each flag with its environment variable.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprint(out, synopsis)
		fmt.Fprintf(out, "\nFlags (each also read from the environment variable beside it; a flag given wins):\n")
		fs.VisitAll(func(f *flag.Flag) {
			kind, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(out, "  -%s %s\t%s\n", f.Name, kind, envName(f.Name))
			fmt.Fprintf(out, "    \t%s", strings.ReplaceAll(usage, "\n", "\n    \t"))
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
	return fs
}

// parseWithEnv parses args into fs; each flag they do not give takes its
// value from the environment, read with getenv, when set there.
func parseWithEnv(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		value := getenv(name)
		if given[f.Name] || value == "" || err != nil {
			return
		}
		values := []string{value}
		if _, ok := f.Value.(listFlag); ok {
			values = strings.Fields(value)
		}
		for _, v := range values {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s: %s=%q: %w", fs.Name(), name, value, e)
				return
			}
		}
	})
	return err
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
		*p = append(*p, prefix.Masked())
	}
	return nil
}

func (p *prefixList) isList() {}
