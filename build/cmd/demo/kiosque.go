package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"time"
)

// answers reports whether a Kiosque server answers at base.
func answers(ctx context.Context, base string) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	if err != nil {
		return false
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

// startKiosque runs `kiosque serve` on the address of base, with the
// bundled sample in a temporary store, and waits until it answers.
func startKiosque(ctx context.Context, binary, base string, stderr io.Writer) (stop func(), err error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("-kiosque %q: not a server URL", base)
	}
	if _, err := os.Stat(binary); err != nil {
		return nil, fmt.Errorf("no Kiosque server at %s, and none to start (%w): run `make build` or `make run`", base, err)
	}
	data, err := os.MkdirTemp("", "kiosque-demo-")
	if err != nil {
		return nil, fmt.Errorf("make the demo's store folder: %w", err)
	}
	cmd := exec.CommandContext(ctx, binary, "serve", "-addr", u.Host, "-data", data, "-sample")
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Start(); err != nil {
		os.RemoveAll(data)
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	stop = func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		os.RemoveAll(data)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if answers(ctx, base) {
			return stop, nil
		}
	}
	stop()
	return nil, fmt.Errorf("%s serve -addr %s did not answer within 30 s", binary, u.Host)
}
