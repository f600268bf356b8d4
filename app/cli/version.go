//go:build !wasm

package cli

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/kiosque/kiosque/app/etag"
	"github.com/kiosque/kiosque/web"
)

// goAppModule is the module of the interface's framework, whose version
// the release names.
const goAppModule = "github.com/maxence-charriere/go-app/v10"

// Release is this release's name, set here and nowhere else; the
// CHANGELOG's newest heading names it (a test holds them together).
const Release = "v0.3.0"

// release is what a binary says of how it was built.
type release struct {
	// Version names the interface's build as the servers and the update
	// notice do: the content hash of the built-in wasm; empty without one.
	Version  string
	Revision string // the commit, "+ changes" when built from a changed tree
	Time     string // the commit's time
	GoApp    string // go-app's version
	Go       string // the Go release
}

// thisRelease reads the build information Go records in the binary.
func thisRelease() release {
	r := release{Revision: "unknown (built outside a git checkout)", GoApp: "unknown", Go: runtime.Version()}
	if wasm, err := fs.ReadFile(web.Files(), "app.wasm"); err == nil {
		r.Version = strings.Trim(etag.Of(wasm), `"`)
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return r
	}
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			r.Revision = s.Value
		case "vcs.time":
			r.Time = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified {
		r.Revision += " + changes"
	}
	for _, dep := range info.Deps {
		if dep.Path == goAppModule {
			r.GoApp = dep.Version
			if dep.Replace != nil {
				r.GoApp += " (replaced by " + dep.Replace.Path + " " + dep.Replace.Version + ")"
			}
		}
	}
	return r
}

// name is the release's name with its interface's build, the hash the
// servers and the update notice name it by: v0.3.0+1a2b3c4d5e6f.
func (r release) name() string {
	if r.Version == "" {
		return Release + " (built without app.wasm)"
	}
	return Release + "+" + r.Version
}

func versionCommand(_ context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) error {
	fs := newCommand("version", "Usage: kiosque version\n\nSays which release this binary is, the commit it was built from, and the versions\nof go-app and Go it was built with.\n", stderr)
	if err := fs.parse(args, func(string) string { return "" }); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("version: unexpected argument %q", fs.Arg(0))
	}
	r := thisRelease()
	fmt.Fprintf(stdout, "release %s\ncommit  %s", r.name(), r.Revision)
	if r.Time != "" {
		fmt.Fprintf(stdout, " (%s)", r.Time)
	}
	fmt.Fprintf(stdout, "\ngo-app  %s\ngo      %s\n", r.GoApp, r.Go)
	return nil
}
