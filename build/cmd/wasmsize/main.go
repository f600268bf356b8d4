// Command wasmsize builds Kiosque's wasm and go-app's hello world the same
// way, in the same run, and prints their sizes raw, gzip and brotli, and
// Kiosque's as a ratio of the hello world's.
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/kiosque/kiosque/build"
)

// budget is the most Kiosque's brotli size may be, as a ratio of the
// hello world's.
const budget = 1.10

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
}

type sizes struct{ raw, gzip, brotli int }

func run() error {
	dir, err := os.MkdirTemp("", "wasmsize")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	kiosque, err := buildWasm(".", filepath.Join(dir, "kiosque.wasm"))
	if err != nil {
		return err
	}
	hello, err := buildWasm("./build/hello", filepath.Join(dir, "hello.wasm"))
	if err != nil {
		return err
	}
	fmt.Printf("%-22s %12s %12s %12s\n", "wasm (-ldflags=-s -w)", "raw", "gzip -9", "brotli 11")
	fmt.Printf("%-22s %12d %12d %12d\n", "go-app hello world", hello.raw, hello.gzip, hello.brotli)
	fmt.Printf("%-22s %12d %12d %12d\n", "kiosque", kiosque.raw, kiosque.gzip, kiosque.brotli)
	ratio := func(a, b int) float64 { return float64(a) / float64(b) }
	fmt.Printf("%-22s %12.3f %12.3f %12.3f\n", "ratio", ratio(kiosque.raw, hello.raw), ratio(kiosque.gzip, hello.gzip), ratio(kiosque.brotli, hello.brotli))
	if r := ratio(kiosque.brotli, hello.brotli); r > budget {
		return fmt.Errorf("brotli ratio %.3f is over the budget of %.2f", r, budget)
	}
	fmt.Printf("brotli ratio within the budget of %.2f\n", budget)
	return nil
}

func buildWasm(pkg, out string) (sizes, error) {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return sizes{}, fmt.Errorf("build %s: %w", pkg, err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return sizes{}, err
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(raw)
	zw.Close()
	return sizes{raw: len(raw), gzip: gz.Len(), brotli: len(build.Brotli(raw))}, nil
}
