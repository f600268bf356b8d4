package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/sample/synthetic"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// process is a program bench started, in a process group of its own so
// that stopping it stops whatever it started.
type process struct {
	name string
	cmd  *exec.Cmd
	done chan error
	log  string
}

// startPinned runs a program on one core (taskset), logging to a file.
func startPinned(ctx context.Context, name, cpu string, env []string, args ...string) (*process, error) {
	logFile, err := os.CreateTemp("", "kiosque-bench-"+name+"-*.log")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("taskset", append([]string{"-c", cpu}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, done: make(chan error, 1), log: logFile.Name()}
	go func() {
		p.done <- cmd.Wait()
		logFile.Close()
	}()
	context.AfterFunc(ctx, p.stop)
	return p, nil
}

// stop ends the process group: politely, then not.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// pid is the process id of the program itself (taskset execs it).
func (p *process) pid() int { return p.cmd.Process.Pid }

// waitLog waits until the process's log holds text.
func (p *process) waitLog(ctx context.Context, text string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if b, _ := os.ReadFile(p.log); strings.Contains(string(b), text) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s never logged %q within %s:\n%s", p.name, text, within, p.tail())
}

// tail is the end of the process's log, for error messages.
func (p *process) tail() string {
	b, _ := os.ReadFile(p.log)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// waitHTTP waits until url answers 200, or the process ends, or the time
// is up.
func (p *process) waitHTTP(ctx context.Context, url string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			p.done <- err
			return fmt.Errorf("%s ended before it answered (%v):\n%s", p.name, err, p.tail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("%s did not answer %s within %s:\n%s", p.name, url, within, p.tail())
}

// freePort finds a port on loopback that nothing listens on.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// kiosque is a Kiosque server bench started.
type kiosque struct {
	*process
	url string
}

// startKiosque serves the store in data, on the server's core with one
// thread for Go code (GOMAXPROCS=1), as nginx runs one worker, once it
// answers and its related lists are up to date: the leader's index is
// built in the background at start, and would take the core from the
// requests measured.
func startKiosque(ctx context.Context, o options, data string, args ...string) (*kiosque, error) {
	k, err := launchKiosque(ctx, o, data, args...)
	if err != nil {
		return nil, err
	}
	if err := k.waitLog(ctx, "related lists up to date", 10*time.Minute); err != nil {
		k.stop()
		return nil, err
	}
	return k, nil
}

// launchKiosque starts a server and returns once it answers.
func launchKiosque(ctx context.Context, o options, data string, args ...string) (*kiosque, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	// -sample: the bench's stores hold the sample beside generated
	// articles, which a server would otherwise take for a publisher's own
	// and remove the sample (whose articles the bench asks for).
	p, err := startPinned(ctx, "kiosque", o.serverCPU, []string{"GOMAXPROCS=1"},
		append([]string{o.kiosque, "serve", "-addr", addr, "-data", data, "-web", o.web, "-sample"}, args...)...)
	if err != nil {
		return nil, err
	}
	k := &kiosque{process: p, url: "http://" + addr}
	// A large store rebuilds its related index at start.
	if err := p.waitHTTP(ctx, k.url+"/healthz", 5*time.Minute); err != nil {
		p.stop()
		return nil, err
	}
	return k, nil
}

// startWith serves a store holding the bundled sample and n synthetic
// articles (see storeWith) as startKiosque does.
func startWith(ctx context.Context, o options, n int) (*kiosque, error) {
	data, err := storeWith(ctx, n)
	if err != nil {
		return nil, err
	}
	return startKiosque(ctx, o, data)
}

// storeWith makes a data folder holding the bundled sample and, beyond it,
// n synthetic articles. Folders are kept between runs of bench, in the
// temporary folder, as filling 100,000 articles takes a while.
func storeWith(ctx context.Context, n int) (string, error) {
	dir := filepath.Join(os.TempDir(), "kiosque-bench-store-"+strconv.Itoa(n))
	done := filepath.Join(dir, "filled")
	if _, err := os.Stat(done); err == nil {
		return dir, nil
	}
	os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		return "", err
	}
	defer st.Close()
	articles, err := sample.Articles()
	if err != nil {
		return "", err
	}
	if err := st.Put(ctx, articles...); err != nil {
		return "", err
	}
	corpus := synthetic.New(1)
	for from := 0; from < n; from += 2000 {
		if err := st.Put(ctx, corpus.Articles(from, min(2000, n-from))...); err != nil {
			return "", fmt.Errorf("fill the store with %d articles: %w", n, err)
		}
	}
	return dir, os.WriteFile(done, nil, 0o644)
}

// residentMB reads a process's resident memory.
func residentMB(pid int) (float64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024, err
		}
	}
	return 0, errors.New("no VmRSS in /proc/" + strconv.Itoa(pid) + "/status")
}
