package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// psql runs one statement on the database at url and returns its output
// (unaligned, tuples only).
func psql(t *testing.T, c *Cluster, url, sql string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, "psql"), "-X", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql, url)
	cmd.Dir = c.dir
	cmd.Env = env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("psql %s -c %q: %w\n%s", url, sql, err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

// mustPSQL is psql that fails the test on error.
func mustPSQL(t *testing.T, c *Cluster, url, sql string) string {
	t.Helper()
	out, err := psql(t, c, url, sql)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// isReady says whether pg_isready finds the server accepting connections.
func isReady(t *testing.T, c *Cluster) bool {
	t.Helper()
	_, err := c.run(clientTimeout, false, "pg_isready", c.clientArgs("-t", "2")...)
	return err == nil
}

// dials says whether something accepts TCP connections on the port.
func dials(port int) bool {
	conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 2*time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

func TestCreateDatabases(t *testing.T) {
	t.Parallel()
	begin := time.Now()
	c := Start(t)
	t.Logf("cluster started in %v (%s)", time.Since(begin).Round(time.Millisecond), c.bin)

	want := "postgres://postgres@127.0.0.1:" + strconv.Itoa(c.Port()) + "/kiosque_a?sslmode=disable"
	if got := c.URL("kiosque_a"); got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}

	a := c.CreateDatabase(t, "kiosque_a")
	b := c.CreateDatabase(t, "kiosque_b")
	if a == b {
		t.Fatalf("two databases with one URL: %s", a)
	}
	if got := mustPSQL(t, c, a, "select current_database()"); got != "kiosque_a" {
		t.Errorf("database at %s is %q", a, got)
	}
	if got := mustPSQL(t, c, b, "select current_database()"); got != "kiosque_b" {
		t.Errorf("database at %s is %q", b, got)
	}
	if got := mustPSQL(t, c, a, "select 1"); got != "1" {
		t.Errorf("select 1 = %q", got)
	}
	// Empty, UTF-8, and separate: a table made in one is not in the other.
	if got := mustPSQL(t, c, a, "select count(*) from pg_tables where schemaname = 'public'"); got != "0" {
		t.Errorf("new database has %s tables", got)
	}
	if got := mustPSQL(t, c, a, "show server_encoding"); got != "UTF8" {
		t.Errorf("server_encoding = %q", got)
	}
	mustPSQL(t, c, a, "create table t (s text); insert into t values ('économie')")
	if got := mustPSQL(t, c, a, "select s from t"); got != "économie" {
		t.Errorf("read back %q", got)
	}
	if _, err := psql(t, c, b, "select * from t"); err == nil {
		t.Error("table of kiosque_a seen from kiosque_b")
	}
	if _, err := psql(t, c, c.URL("missing"), "select 1"); err == nil {
		t.Error("connected to a database never made")
	}
	if !isReady(t, c) || !dials(c.Port()) {
		t.Error("server not accepting connections")
	}
}

func TestStopRestart(t *testing.T) {
	t.Parallel()
	c := Start(t)
	url := c.CreateDatabase(t, "kiosque")
	mustPSQL(t, c, url, "create table t (n int); insert into t values (42)")

	c.Stop(t)
	if isReady(t, c) {
		t.Error("pg_isready says accepting after Stop")
	}
	if dials(c.Port()) {
		t.Error("port accepts TCP after Stop")
	}
	if _, err := psql(t, c, url, "select 1"); err == nil {
		t.Error("psql connected after Stop")
	}

	c.Restart(t)
	if !isReady(t, c) {
		t.Error("pg_isready says not accepting after Restart")
	}
	if got := mustPSQL(t, c, url, "select n from t"); got != "42" {
		t.Errorf("after Restart, table holds %q, want 42", got)
	}
	if got := mustPSQL(t, c, url, "show port"); got != strconv.Itoa(c.Port()) {
		t.Errorf("after Restart, port %s, want %d", got, c.Port())
	}
}

func TestTwoClusters(t *testing.T) {
	t.Parallel()
	c1, c2 := Start(t), Start(t)
	if c1.Port() == c2.Port() || c1.Dir() == c2.Dir() {
		t.Fatalf("two clusters share port or folder: %d %s, %d %s", c1.Port(), c1.Dir(), c2.Port(), c2.Dir())
	}
	u1 := c1.CreateDatabase(t, "kiosque")
	u2 := c2.CreateDatabase(t, "kiosque")
	mustPSQL(t, c1, u1, "create table only_in_one (n int)")
	if _, err := psql(t, c2, u2, "select * from only_in_one"); err == nil {
		t.Error("table of the first cluster seen in the second")
	}

	c1.Stop(t)
	if isReady(t, c1) {
		t.Error("first cluster still accepting after Stop")
	}
	if !isReady(t, c2) {
		t.Error("second cluster went down with the first")
	}
}

func TestCleanupStopsServer(t *testing.T) {
	t.Parallel()
	var port int
	var dir string
	t.Run("cluster", func(t *testing.T) {
		c := Start(t)
		port, dir = c.Port(), c.Dir()
		c.CreateDatabase(t, "kiosque")
	})
	if port == 0 {
		t.Fatal("subtest started no cluster")
	}
	if dials(port) {
		t.Errorf("port %d still accepts TCP after the test's cleanup", port)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("folder %s still there after the test's cleanup: %v", dir, err)
	}
}

// A folder whose test process was killed while initdb ran (its
// postmaster.pid names a standalone backend, with a negative pid) is
// removed by the next Start, and so is one whose server's pid another
// process took since: that process is left alone.
func TestStartReapsFoldersOfKilledRuns(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	sleeper := exec.Command("sleep", "60")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	defer sleeper.Process.Kill()
	var dirs []string
	for _, pid := range []int{-dead.Process.Pid, sleeper.Process.Pid} {
		dir, err := os.MkdirTemp("", folderPrefix)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
			t.Fatal(err)
		}
		pidFile := fmt.Sprintf("%d\n%s\n1796172066\n", pid, filepath.Join(dir, "data"))
		if err := os.WriteFile(filepath.Join(dir, "data", "postmaster.pid"), []byte(pidFile), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(dead.Process.Pid)), 0o644); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	Start(t)
	for _, dir := range dirs {
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the folder %s left by a killed run is still there: %v", dir, err)
		}
	}
	if err := sleeper.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("the process that took the server's pid was signalled: %v", err)
	}
}

// recordTB records what Start says when it skips or fails, and ends the
// goroutine as testing.T does.
type recordTB struct {
	testing.TB
	skipped, failed string
}

func (r *recordTB) Helper() {}

func (r *recordTB) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recordTB) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// startWithout runs start with no binaries to be found, in a goroutine of
// its own since it ends it.
func startWithout(t *testing.T) *recordTB {
	r := &recordTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		start(r, func() (string, error) { return "", errors.New("no PostgreSQL binaries") })
		t.Error("start returned without binaries")
	}()
	<-done
	return r
}

func TestNoBinariesFails(t *testing.T) {
	t.Setenv(SkipEnv, "")
	r := startWithout(t)
	if r.skipped != "" || !strings.Contains(r.failed, "apt-get install -y postgresql") {
		t.Errorf("without binaries: failed %q, skipped %q; want a failure naming apt-get install -y postgresql", r.failed, r.skipped)
	}
}

func TestNoBinariesSkipsLoudly(t *testing.T) {
	t.Setenv(SkipEnv, "skip")
	r := startWithout(t)
	if r.failed != "" || !strings.Contains(r.skipped, "POSTGRESQL TESTS DID NOT RUN") {
		t.Errorf("without binaries, %s=skip: failed %q, skipped %q; want a skip in capitals", SkipEnv, r.failed, r.skipped)
	}
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		less bool
	}{
		{"9.6", "15", true},
		{"15", "16", true},
		{"16", "15", false},
		{"10", "9.6", false},
	} {
		if got := compareVersions(tc.a, tc.b) < 0; got != tc.less {
			t.Errorf("compareVersions(%q, %q) < 0 is %v", tc.a, tc.b, got)
		}
	}
}
