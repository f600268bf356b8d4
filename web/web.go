//go:build !wasm

// Package web carries the files the server sends as they are (scripts,
// styles, icons, images and the built app.wasm) inside the server's binary,
// so that one file is all a publisher copies to a machine.
//
// The wasm is built before the server (make build); a binary built without
// it says so at start.
package web

import (
	"embed"
	"io/fs"
	"path"
	"strings"
)

//go:embed *
var files embed.FS

// Files returns the web folder as it was when the binary was built,
// without this package's own Go source.
func Files() fs.FS { return withoutGo{files} }

// withoutGo hides Go source files, which go:embed cannot leave out of a
// pattern that takes the whole folder.
type withoutGo struct{ fsys embed.FS }

func isGo(name string) bool { return strings.HasSuffix(path.Base(name), ".go") }

func (w withoutGo) Open(name string) (fs.File, error) {
	if isGo(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return w.fsys.Open(name)
}

func (w withoutGo) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := w.fsys.ReadDir(name)
	if err != nil {
		return nil, err
	}
	kept := entries[:0]
	for _, e := range entries {
		if !isGo(e.Name()) {
			kept = append(kept, e)
		}
	}
	return kept, nil
}

func (w withoutGo) ReadFile(name string) ([]byte, error) {
	if isGo(name) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return w.fsys.ReadFile(name)
}
