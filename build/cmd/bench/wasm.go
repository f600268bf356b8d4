package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/kiosque/kiosque/app/answers"
)

// wasmBudget is the most Kiosque's brotli size may be, as a ratio of
// go-app's hello world's: Kiosque's own code must stay small beside
// go-app's and Go's runtime, which every go-app page carries.
const wasmBudget = 1.10

type sizes struct{ raw, gzip, brotli int }

// measureWasm builds Kiosque's wasm and go-app's hello world the same way,
// in the same run, and compares their sizes.
func measureWasm(ctx context.Context, _ options, t *table) error {
	dir, err := os.MkdirTemp("", "kiosque-wasmsize")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	kiosque, err := buildWasm(ctx, ".", filepath.Join(dir, "kiosque.wasm"))
	if err != nil {
		return err
	}
	hello, err := buildWasm(ctx, "./build/hello", filepath.Join(dir, "hello.wasm"))
	if err != nil {
		return err
	}
	const group = "wasm vs go-app hello world"
	t.compare(group, "raw", float64(kiosque.raw)/1024, float64(hello.raw)/1024, "KB", 0, 0)
	t.compare(group, "gzip -9", float64(kiosque.gzip)/1024, float64(hello.gzip)/1024, "KB", 0, 0)
	t.compare(group, "brotli 11", float64(kiosque.brotli)/1024, float64(hello.brotli)/1024, "KB", 0, wasmBudget)
	return nil
}

func buildWasm(ctx context.Context, pkg, out string) (sizes, error) {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return sizes{}, fmt.Errorf("build the wasm of %s: %w", pkg, err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return sizes{}, err
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(raw)
	zw.Close()
	return sizes{raw: len(raw), gzip: gz.Len(), brotli: len(answers.Brotli(raw, answers.Best))}, nil
}
