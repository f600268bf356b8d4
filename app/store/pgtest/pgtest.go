// Package pgtest gives a test a PostgreSQL server of its own: a throwaway
// cluster in a temporary folder, on a free port of 127.0.0.1, from the
// PostgreSQL binaries installed on the machine (Debian's postgresql
// package), with durability switched off for speed.
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Install is the command that installs the PostgreSQL binaries on Debian.
const Install = "apt-get install -y postgresql"

// SkipEnv is the environment variable that, set to "skip", lets tests skip
// rather than fail where PostgreSQL is not installed.
const SkipEnv = "KIOSQUE_POSTGRES"

// Bounds on each step, so that a wedged server fails the test instead of
// hanging it until go test's own timeout.
const (
	initTimeout   = 60 * time.Second
	serverTimeout = 30 * time.Second // pg_ctl start and stop, readiness
	clientTimeout = 15 * time.Second // createdb, pg_isready
)

// A cluster's temporary folder is os.TempDir()/kiosque-pgtest-*, and
// holds the id of the test process in its owner file: a folder whose
// process is gone was left by a test killed before its cleanup ran (go
// test -timeout kills that way), and the next Start stops its server.
const (
	folderPrefix = "kiosque-pgtest-"
	ownerFile    = "owner"
)

// Cluster is a PostgreSQL server of the test's own.
type Cluster struct {
	bin  string // folder of initdb, pg_ctl, createdb, pg_isready
	dir  string // temporary folder, removed at cleanup
	data string // data folder, inside dir
	log  string // server log, inside dir
	port int

	// runAs is the user that runs initdb and pg_ctl, which refuse to run
	// as root: "postgres" when the test is root, "" otherwise.
	runAs   string
	runuser string

	running bool
}

// Start initialises and starts a cluster in a temporary folder; tb.Cleanup
// stops it (immediate mode) and removes the folder. Where PostgreSQL's
// binaries cannot be found, Start fails the test with the command that
// installs them (apt-get install -y postgresql), unless the environment
// says KIOSQUE_POSTGRES=skip, in which case it skips loudly (tb.Skip with a
// message in capitals saying the PostgreSQL tests did NOT run).
func Start(tb testing.TB) *Cluster {
	tb.Helper()
	return start(tb, findBin)
}

// start is Start with the search for the binaries given, so that tests can
// see what happens when there are none.
func start(tb testing.TB, find func() (string, error)) *Cluster {
	tb.Helper()
	bin, err := find()
	if err != nil {
		if os.Getenv(SkipEnv) == "skip" {
			tb.Skipf("POSTGRESQL TESTS DID NOT RUN (%s=skip): %v; install them with: %s", SkipEnv, err, Install)
		}
		tb.Fatalf("pgtest: %v; install them with: %s (or set %s=skip to skip these tests)", err, Install, SkipEnv)
	}

	c := &Cluster{bin: bin}
	if os.Geteuid() == 0 {
		if c.runuser, err = exec.LookPath("runuser"); err != nil {
			tb.Fatalf("pgtest: running as root, and initdb refuses root: need runuser to run it as postgres: %v", err)
		}
		c.runAs = "postgres"
	}

	c.reapOrphans(tb)
	dir, err := os.MkdirTemp("", folderPrefix)
	if err != nil {
		tb.Fatalf("pgtest: create temporary folder: %v", err)
	}
	// Registered before anything runs: whatever step fails, the server is
	// stopped and the folder removed.
	tb.Cleanup(func() { c.cleanup(tb, dir) })
	c.dir = dir
	c.data = filepath.Join(dir, "data")
	c.log = filepath.Join(dir, "postgres.log")
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	if c.runAs != "" {
		if err := chownTo(dir, c.runAs); err != nil {
			tb.Fatalf("pgtest: %v", err)
		}
	}

	if err := c.initdb(); err != nil {
		if c.runAs != "" {
			// The usual cause, where TMPDIR is a folder of root's own.
			tb.Fatalf("pgtest: %v\n(the %s user must be able to enter every folder above %s)", err, c.runAs, dir)
		}
		tb.Fatalf("pgtest: %v", err)
	}
	// A port found free may be taken by another test before the server
	// binds it: then try another.
	for attempt := 1; ; attempt++ {
		if c.port, err = freePort(); err != nil {
			tb.Fatalf("pgtest: %v", err)
		}
		if err := c.configure(); err != nil {
			tb.Fatalf("pgtest: %v", err)
		}
		err = c.start()
		if err == nil {
			break
		}
		if attempt == 3 || !strings.Contains(c.logTail(), "could not bind") {
			tb.Fatalf("pgtest: %v%s", err, c.logReport())
		}
	}
	return c
}

// URL is a connection URL for database name on the cluster:
// postgres://postgres@127.0.0.1:PORT/NAME?sslmode=disable
func (c *Cluster) URL(name string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + name,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Port is the TCP port the cluster listens on, on 127.0.0.1.
func (c *Cluster) Port() int { return c.port }

// Dir is the cluster's temporary folder: its data folder is Dir/data, its
// server log Dir/postgres.log.
func (c *Cluster) Dir() string { return c.dir }

// CreateDatabase makes an empty database and returns its URL.
func (c *Cluster) CreateDatabase(tb testing.TB, name string) string {
	tb.Helper()
	if _, err := c.run(clientTimeout, false, "createdb", c.clientArgs("--", name)...); err != nil {
		tb.Fatalf("pgtest: create database %q: %v%s", name, err, c.logReport())
	}
	return c.URL(name)
}

// Stop stops the server (fast mode: sessions are cut, committed data is
// kept) and waits until it is down. For tests of a database that goes away
// and comes back.
func (c *Cluster) Stop(tb testing.TB) {
	tb.Helper()
	if err := c.stop("fast"); err != nil {
		tb.Fatalf("pgtest: %v%s", err, c.logReport())
	}
}

// Restart starts the server again on the same port and folder, and waits
// until it accepts connections.
func (c *Cluster) Restart(tb testing.TB) {
	tb.Helper()
	if err := c.start(); err != nil {
		tb.Fatalf("pgtest: %v%s", err, c.logReport())
	}
}

// findBin returns the bin folder of the newest PostgreSQL Debian installs
// (/usr/lib/postgresql/VERSION/bin), or else the folder of an initdb on
// PATH.
func findBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	dirs = slices.DeleteFunc(dirs, func(d string) bool {
		_, err := os.Stat(filepath.Join(d, "initdb"))
		return err != nil
	})
	if len(dirs) > 0 {
		slices.SortFunc(dirs, func(a, b string) int {
			return compareVersions(filepath.Base(filepath.Dir(a)), filepath.Base(filepath.Dir(b)))
		})
		return dirs[len(dirs)-1], nil
	}
	if initdb, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(initdb), nil
	}
	return "", errors.New("no PostgreSQL binaries: no /usr/lib/postgresql/*/bin/initdb, no initdb on PATH")
}

// compareVersions orders "9.6" before "15" before "16".
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, _ := strconv.Atoi(as[i])
		y, _ := strconv.Atoi(bs[i])
		if x != y {
			return x - y
		}
	}
	return len(as) - len(bs)
}

// chownTo gives the folder to the user, the only one PostgreSQL lets own
// its data folder.
func chownTo(dir, name string) error {
	u, err := user.Lookup(name)
	if err != nil {
		return fmt.Errorf("running as root, and initdb refuses root: need the %s user (made by Debian's postgresql-common): %w", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("give %s to %s: %w", dir, name, err)
	}
	return nil
}

// freePort asks the kernel for a free port of 127.0.0.1. It is free when
// asked, not necessarily when the server binds it.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// initdb makes the data folder; a C.UTF-8 locale where the machine has
// one, else none.
func (c *Cluster) initdb() error {
	args := []string{"-D", c.data, "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--no-sync"}
	_, err := c.run(initTimeout, true, "initdb", append(args, "--locale=C.UTF-8")...)
	if err == nil {
		return nil
	}
	if rmErr := os.RemoveAll(c.data); rmErr != nil {
		return fmt.Errorf("%w; then: %w", err, rmErr)
	}
	if _, err2 := c.run(initTimeout, true, "initdb", append(args, "--no-locale")...); err2 != nil {
		return fmt.Errorf("%w; with --no-locale: %w", err, err2)
	}
	return nil
}

// configure appends the test settings to postgresql.conf, where the last
// setting of a name wins, so that Restart needs no options. Appending
// keeps the file's owner.
func (c *Cluster) configure() error {
	conf := filepath.Join(c.data, "postgresql.conf")
	settings := fmt.Sprintf(`
# pgtest: a throwaway cluster, for tests.
port = %d
listen_addresses = '127.0.0.1'
unix_socket_directories = '%s'
fsync = off
synchronous_commit = off
full_page_writes = off
`, c.port, strings.ReplaceAll(c.data, "'", "''"))
	f, err := os.OpenFile(conf, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("configure cluster: %w", err)
	}
	_, err = f.WriteString(settings)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("configure cluster %s: %w", conf, err)
	}
	return nil
}

// start starts the server and waits until it accepts connections on TCP.
func (c *Cluster) start() error {
	// Running before pg_ctl is asked, so that cleanup stops a server that
	// started although pg_ctl failed or timed out.
	c.running = true
	_, err := c.run(serverTimeout+5*time.Second, true, "pg_ctl", "start", "-D", c.data, "-l", c.log,
		"-w", "-t", strconv.Itoa(int(serverTimeout/time.Second)))
	if err != nil {
		return fmt.Errorf("start server on port %d: %w", c.port, err)
	}
	return c.waitReady()
}

// waitReady polls pg_isready on TCP: pg_ctl -w has waited for the server,
// this checks it is reachable where the tests will connect.
func (c *Cluster) waitReady() error {
	deadline := time.Now().Add(serverTimeout)
	for {
		_, err := c.run(clientTimeout, false, "pg_isready", c.clientArgs("-t", "2")...)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server on port %d not ready after %v: %w", c.port, serverTimeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop stops the server in the given pg_ctl mode and waits until it is
// down.
func (c *Cluster) stop(mode string) error {
	_, err := c.run(serverTimeout+5*time.Second, true, "pg_ctl", "stop", "-D", c.data, "-m", mode,
		"-w", "-t", strconv.Itoa(int(serverTimeout/time.Second)))
	if err != nil {
		return fmt.Errorf("stop server on port %d: %w", c.port, err)
	}
	c.running = false
	return nil
}

// cleanup stops the server, by pg_ctl or else by a signal to the
// postmaster, and removes the folder.
func (c *Cluster) cleanup(tb testing.TB, dir string) {
	if c.running {
		if err := c.stop("immediate"); err != nil && !c.kill() {
			tb.Errorf("pgtest: %v%s", err, c.logReport())
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		tb.Errorf("pgtest: remove %s: %v", dir, err)
	}
}

// reapOrphans stops the servers and removes the folders of test
// processes that are gone, so that a killed test run leaves no server
// behind for long.
func (c *Cluster) reapOrphans(tb testing.TB) {
	tb.Helper()
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), folderPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // not yet written, or not ours
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || pid == os.Getpid() || alive(pid) {
			continue
		}
		orphan := &Cluster{bin: c.bin, dir: dir, data: filepath.Join(dir, "data"), log: filepath.Join(dir, "postgres.log"),
			runAs: c.runAs, runuser: c.runuser}
		// pg_ctl would signal whatever process has the pid now.
		if _, running, err := orphan.postmaster(); err != nil || running {
			if err := orphan.stop("immediate"); err != nil && !orphan.kill() {
				tb.Logf("pgtest: cannot stop the server left in %s by process %d: %v", dir, pid, err)
				continue
			}
		}
		if err := os.RemoveAll(dir); err == nil {
			tb.Logf("pgtest: removed %s, left by test process %d, which was killed before its cleanup ran", dir, pid)
		}
	}
}

// alive says whether process pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// kill sends SIGKILL to the postmaster named in postmaster.pid (its
// children notice and exit), and says whether there is no server left.
func (c *Cluster) kill() bool {
	pid, running, err := c.postmaster()
	if err != nil {
		return false
	}
	if !running {
		return true
	}
	err = syscall.Kill(pid, syscall.SIGKILL)
	return err == nil || errors.Is(err, syscall.ESRCH)
}

// postmaster reads the server's pid in postmaster.pid, and says whether
// that process is still PostgreSQL's. A negative pid is a standalone
// backend's (initdb's bootstrap); a pid that a process other than
// PostgreSQL's took since is no server.
func (c *Cluster) postmaster() (pid int, running bool, err error) {
	b, err := os.ReadFile(filepath.Join(c.data, "postmaster.pid"))
	if errors.Is(err, os.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err = strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid == 0 {
		return 0, false, fmt.Errorf("postmaster.pid of %s names no process: %q", c.data, first)
	}
	pid = max(pid, -pid)
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if errors.Is(err, os.ErrNotExist) {
		return pid, false, nil
	}
	return pid, err != nil || bytes.Contains(cmdline, []byte("postgres")), nil
}

// clientArgs are a client's connection options, then args.
func (c *Cluster) clientArgs(args ...string) []string {
	return append([]string{"-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", "postgres"}, args...)
}

// run runs a PostgreSQL binary, as c.runAs when asServer, within timeout,
// and returns its output; the error carries the command and its output.
func (c *Cluster) run(timeout time.Duration, asServer bool, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	path := filepath.Join(c.bin, name)
	var cmd *exec.Cmd
	if asServer && c.runAs != "" {
		cmd = exec.CommandContext(ctx, c.runuser, append([]string{"-u", c.runAs, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	// A folder the postgres user can enter: the test's own may not be.
	cmd.Dir = c.dir
	if cmd.Dir == "" {
		cmd.Dir = os.TempDir()
	}
	cmd.Env = env()
	// On timeout, kill runuser's child too. The postmaster is out of reach
	// (pg_ctl puts it in a session of its own): cleanup stops it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() == context.DeadlineExceeded {
		err = fmt.Errorf("timed out after %v", timeout)
	}
	if err != nil {
		return out, fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return out, nil
}

// env is the process's environment without the developer's own PG*
// settings (PGSERVICE, PGOPTIONS, PGSSLMODE…), which would send clients
// elsewhere or change how they connect; an empty PGSERVICE alone makes
// every client give up.
func env() []string {
	e := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "PG") })
	return append(e, "PGSSLMODE=disable", "PGCONNECT_TIMEOUT=5")
}

// logTail is the end of the server log, or "" where there is none yet.
func (c *Cluster) logTail() string {
	b, err := os.ReadFile(c.log)
	if err != nil {
		return ""
	}
	const max = 4000
	if len(b) > max {
		b = b[len(b)-max:]
		if i := strings.IndexByte(string(b), '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return strings.TrimSpace(string(b))
}

// logReport is the log's tail for a failure message.
func (c *Cluster) logReport() string {
	tail := c.logTail()
	if tail == "" {
		return ""
	}
	return fmt.Sprintf("\nserver log (%s), end:\n%s", c.log, tail)
}
