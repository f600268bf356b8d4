// Command dev is Kiosque's development server (make dev): it builds the
// wasm and the server, runs the server, and rebuilds and restarts it when a
// source file changes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "address the server listens on")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := watch(ctx, log, *addr); err != nil && !errors.Is(err, context.Canceled) {
		log.Error("dev", "err", err)
		os.Exit(1)
	}
}

// watch rebuilds and restarts until ctx ends. A change to a Go file
// rebuilds the wasm and the server; a change under web/ restarts the
// server, which loads its files at start.
func watch(ctx context.Context, log *slog.Logger, addr string) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer w.Close()
	for _, dir := range []string{".", "app", "web", "build"} {
		if err := addTree(w, dir); err != nil {
			return err
		}
	}

	var server *exec.Cmd
	restart := func(rebuild bool) {
		if rebuild {
			if err := buildAll(ctx, log); err != nil {
				log.Error("build failed; the running server is kept", "err", err)
				return
			}
		}
		stopServer(server)
		server = exec.CommandContext(ctx, "bin/kiosque", "serve", "-addr", addr, "-web", "web", "-sample")
		server.Stdout, server.Stderr = os.Stdout, os.Stderr
		if err := server.Start(); err != nil {
			log.Error("start server", "err", err)
		}
	}
	restart(true)
	defer func() { stopServer(server) }()

	// Editors write a file in several events: wait for a quiet moment.
	const quiet = 300 * time.Millisecond
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	rebuild := false
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-w.Errors:
			log.Warn("watch", "err", err)
		case e := <-w.Events:
			if ignored(e.Name) {
				continue
			}
			if e.Has(fsnotify.Create) {
				if info, err := os.Stat(e.Name); err == nil && info.IsDir() {
					addTree(w, e.Name)
				}
			}
			if strings.HasSuffix(e.Name, ".go") || strings.HasSuffix(e.Name, ".json") || filepath.Base(e.Name) == "go.mod" {
				rebuild = true
			}
			timer.Reset(quiet)
		case <-timer.C:
			log.Info("change seen", "rebuild", rebuild)
			restart(rebuild)
			rebuild = false
		}
	}
}

func buildAll(ctx context.Context, log *slog.Logger) error {
	start := time.Now()
	wasm := exec.CommandContext(ctx, "go", "build", "-ldflags=-s -w", "-o", "web/app.wasm", ".")
	wasm.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	server := exec.CommandContext(ctx, "go", "build", "-o", "bin/kiosque", ".")
	for _, cmd := range []*exec.Cmd{wasm, server} {
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", strings.Join(cmd.Args, " "), err)
		}
	}
	// The precompressed forms of the old wasm would be served instead.
	os.Remove("web/app.wasm.br")
	os.Remove("web/app.wasm.gz")
	log.Info("built", "took", time.Since(start).Round(time.Millisecond))
	return nil
}

func stopServer(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

func addTree(w *fsnotify.Watcher, root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "bin" || d.Name() == "data" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if root == "." && path != "." {
			return filepath.SkipDir // the top folder alone: its subfolders are added by name
		}
		return w.Add(path)
	})
}

// ignored tells the files the build itself writes, and editors' litter.
func ignored(name string) bool {
	base := filepath.Base(name)
	return strings.HasPrefix(base, "app.wasm") || strings.HasPrefix(base, ".") ||
		strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") || strings.HasPrefix(name, "bin/")
}
