// Package wptest gives a test a WordPress site of its own: Debian's
// wordpress package served by PHP's built-in server on a loopback address,
// over a MariaDB server on a private socket in a temporary folder. It
// stands in for the partner sites that paste Kiosque's URLs into posts.
//
// Its tests are opt-in, as they need Debian's wordpress, mariadb-server
// and php packages: set KIOSQUE_WORDPRESS=1 (make test-wordpress does);
// without it, Start skips the test.
package wptest

import (
	"archive/zip"
	"bytes"
	"context"
	"embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Env is the environment variable that turns the WordPress tests on.
const Env = "KIOSQUE_WORDPRESS"

// Install is the command that installs what the tests need on Debian.
const Install = "apt-get install -y wordpress wordpress-theme-twentytwentythree mariadb-server php-cli php-mysql"

// Root is where Debian's wordpress package puts WordPress.
const Root = "/usr/share/wordpress"

//go:embed php
var phpFiles embed.FS

// Bounds on each step, so that a wedged server fails the test instead of
// hanging it.
const (
	installTimeout = 60 * time.Second
	startTimeout   = 30 * time.Second
	stopTimeout    = 10 * time.Second
	scriptTimeout  = 60 * time.Second // a PHP script (an install, a post)
)

// A site's temporary folder is os.TempDir()/kiosque-wptest-*, and holds the
// id of the test process in its owner file: a folder whose process is gone
// was left by a test killed before its cleanup ran, and the next Start
// stops its servers. Its path is short: MariaDB's socket is in it.
const (
	folderPrefix = "kiosque-wptest-"
	ownerFile    = "owner"
)

// Options say what site to make.
type Options struct {
	// Host is the loopback address the site is served on, another than
	// the one Kiosque's test server is named by, so that the two are two
	// sites to the browser. Default 127.0.0.2.
	Host string
	// Trusted is the host and port ("localhost:8123") of the server the
	// site may fetch from on loopback: Kiosque's. WordPress refuses
	// loopback addresses and most ports otherwise.
	Trusted string
	// Lang is the site's language (WPLANG); default fr_FR.
	Lang string
	// Folder is the path the site is installed under ("/blog"), as a
	// WordPress in a subfolder of a server is; empty for the server's
	// root.
	Folder string
}

// Site is a running WordPress site.
type Site struct {
	// URL is the site's address: http://127.0.0.2:PORT, and its Folder.
	URL string

	dir, root, db string // the temporary folder; WordPress's folder; MariaDB's folder
	docroot       string // the folder PHP serves: root, or where its Folder is
	env           []string
	mariadb, php  *process
	runAs         string // MariaDB's user when the test runs as root
}

// process is a server the site started, and waits for.
type process struct {
	name   string
	cmd    *exec.Cmd
	exited chan struct{} // closed once it has exited
}

// startProcess starts cmd in a process group of its own: PHP's server
// forks its workers, and a signal to the group reaches them all.
func startProcess(name string, cmd *exec.Cmd) (*process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// Start installs a WordPress site in a temporary folder and serves it
// until the test ends; it skips the test unless KIOSQUE_WORDPRESS is set.
func Start(tb testing.TB, opts Options) *Site {
	tb.Helper()
	if os.Getenv(Env) == "" {
		tb.Skipf("the WordPress tests run with %s=1 (make test-wordpress)", Env)
	}
	if opts.Host == "" {
		opts.Host = "127.0.0.2"
	}
	if opts.Lang == "" {
		opts.Lang = "fr_FR"
	}
	if opts.Trusted == "" {
		tb.Fatal("wptest: Options.Trusted must name the server WordPress may fetch from")
	}
	if err := missing(); err != nil {
		tb.Fatalf("wptest: %v; install them with: %s", err, Install)
	}
	reapOrphans(tb)

	if opts.Folder != "" && (!strings.HasPrefix(opts.Folder, "/") || strings.HasSuffix(opts.Folder, "/") || strings.Contains(opts.Folder, "..")) {
		tb.Fatalf("wptest: Options.Folder %q: want a path such as /blog", opts.Folder)
	}
	dir, err := os.MkdirTemp("", folderPrefix)
	if err != nil {
		tb.Fatalf("wptest: %v", err)
	}
	s := &Site{dir: dir, root: filepath.Join(dir, "wordpress"), db: filepath.Join(dir, "db")}
	s.docroot = s.root
	if opts.Folder != "" {
		s.docroot = filepath.Join(dir, "www")
		s.root = filepath.Join(s.docroot, filepath.FromSlash(opts.Folder))
	}
	// Registered before anything runs: whatever step fails, the servers
	// are stopped and the folder removed.
	tb.Cleanup(func() { s.cleanup(tb) })
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		tb.Fatalf("wptest: %v", err)
	}
	// MariaDB's user must reach its folder inside.
	if err := os.Chmod(dir, 0o755); err != nil {
		tb.Fatalf("wptest: %v", err)
	}
	if os.Geteuid() == 0 {
		s.runAs = "mysql" // mariadbd refuses to run as root
	}

	if err := s.startMariaDB(); err != nil {
		tb.Fatalf("wptest: %v%s", err, s.logs())
	}
	port, err := freePort(opts.Host)
	if err != nil {
		tb.Fatalf("wptest: %v", err)
	}
	s.URL = "http://" + net.JoinHostPort(opts.Host, strconv.Itoa(port)) + opts.Folder
	if err := s.layOut(); err != nil {
		tb.Fatalf("wptest: %v", err)
	}
	s.env = append(os.Environ(),
		"KIOSQUE_WP_ROOT="+s.root,
		"KIOSQUE_WP_URL="+s.URL,
		"KIOSQUE_WP_DB_SOCKET="+s.socket(),
		"KIOSQUE_WP_LOG="+filepath.Join(dir, "wordpress.log"),
		"KIOSQUE_WP_TRUSTED="+opts.Trusted,
	)
	if _, err := s.script(installTimeout, "install.php", nil, opts.Lang); err != nil {
		tb.Fatalf("wptest: install WordPress: %v%s", err, s.logs())
	}
	if err := s.startPHP(opts.Host, port); err != nil {
		tb.Fatalf("wptest: %v%s", err, s.logs())
	}
	return s
}

// missing says which of the programs the site needs is not installed.
func missing() error {
	var absent []string
	for _, path := range []string{Root + "/wp-load.php", Root + "/wp-content/themes/twentytwentythree"} {
		if _, err := os.Stat(path); err != nil {
			absent = append(absent, path)
		}
	}
	for _, name := range []string{"php", "mariadbd", "mariadb-install-db"} {
		if _, err := exec.LookPath(name); err != nil {
			absent = append(absent, name)
		}
	}
	if len(absent) > 0 {
		return fmt.Errorf("missing %s", strings.Join(absent, ", "))
	}
	return nil
}

// Post publishes a post with this title and content (as the editor saves
// it: HTML, block comments included) and returns its address.
func (s *Site) Post(tb testing.TB, title, content string) string {
	tb.Helper()
	in, _ := json.Marshal(map[string]string{"title": title, "content": content})
	out, err := s.script(scriptTimeout, "post.php", in)
	if err != nil {
		tb.Fatalf("wptest: publish %q: %v%s", title, err, s.logs())
	}
	var post struct{ URL string }
	if err := json.Unmarshal(out, &post); err != nil || post.URL == "" {
		tb.Fatalf("wptest: publish %q: PHP printed %q (%v)", title, out, err)
	}
	return post.URL
}

// ClassicTheme is a classic theme with a sidebar (sidebar-1), installed
// beside Debian's Twenty Twenty-Three, a block theme, which has none.
const ClassicTheme = "kiosque-classic"

// PHP runs code with WordPress loaded, as the site's administrator, with
// the functions of the plugins screen (activate_plugin,
// deactivate_plugins, uninstall_plugin), and returns what it printed.
func (s *Site) PHP(tb testing.TB, code string) string {
	tb.Helper()
	out, err := s.script(scriptTimeout, "run.php", []byte(code))
	if err != nil {
		tb.Fatalf("wptest: %v%s", err, s.logs())
	}
	return string(out)
}

// InstallPlugin unzips a plugin's zip into wp-content/plugins, as
// WordPress's Upload Plugin does.
func (s *Site) InstallPlugin(tb testing.TB, body []byte) {
	tb.Helper()
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		tb.Fatalf("wptest: the plugin is not a zip: %v", err)
	}
	plugins := filepath.Join(s.root, "wp-content", "plugins")
	for _, f := range z.File {
		to := filepath.Join(plugins, filepath.FromSlash(f.Name))
		if !filepath.IsLocal(filepath.FromSlash(f.Name)) {
			tb.Fatalf("wptest: the zip names %q, outside the plugins' folder", f.Name)
		}
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(to, 0o755); err != nil {
				tb.Fatal(err)
			}
			continue
		}
		r, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			tb.Fatalf("wptest: unzip %s: %v", f.Name, err)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// Log is what WordPress and PHP's server logged so far: for a test to show
// when it fails.
func (s *Site) Log() string { return s.logs() }

func (s *Site) socket() string { return filepath.Join(s.db, "mysql.sock") }

// startMariaDB makes a database folder and serves it on a socket only,
// with no privilege checks: nothing else can reach it.
func (s *Site) startMariaDB() error {
	if err := os.Mkdir(s.db, 0o755); err != nil {
		return err
	}
	if s.runAs != "" {
		if err := chownTo(s.db, s.runAs); err != nil {
			return err
		}
	}
	data := filepath.Join(s.db, "data")
	install := []string{"--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=normal", "--skip-test-db"}
	server := []string{"--no-defaults", "--datadir=" + data, "--socket=" + s.socket(), "--skip-networking",
		"--pid-file=" + filepath.Join(s.db, "mariadbd.pid"), "--log-error=" + filepath.Join(s.db, "error.log"),
		"--skip-grant-tables", "--skip-log-bin", "--innodb-buffer-pool-size=32M", "--innodb-flush-log-at-trx-commit=0"}
	if s.runAs != "" {
		install = append(install, "--user="+s.runAs)
		server = append(server, "--user="+s.runAs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "mariadb-install-db", install...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("mariadb-install-db: %w\n%s", err, out)
	}
	s.mariadb, err = startProcess("mariadbd", exec.Command("mariadbd", server...))
	if err != nil {
		return err
	}
	return s.mariadb.waitReady(func() bool {
		c, err := net.Dial("unix", s.socket())
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

// layOut makes the site's WordPress folder: links to everything of
// Debian's but its wp-config.php and wp-content, a wp-config.php of its
// own, and a wp-content with Debian's themes and plugins and the test's
// must-use plugin.
func (s *Site) layOut() error {
	entries, err := os.ReadDir(Root)
	if err != nil {
		return err
	}
	content := filepath.Join(s.root, "wp-content")
	for _, d := range []string{filepath.Join(content, "mu-plugins"), filepath.Join(content, "uploads"), filepath.Join(content, "languages")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	// WordPress takes a site's language only if its own translations to it
	// are installed, and Debian ships none: empty catalogs stand in for
	// them, so that the site speaks the language (its pages say
	// lang="fr-FR") and plugins load their translations.
	for _, lang := range []string{"fr_FR", "ar"} {
		if err := os.WriteFile(filepath.Join(content, "languages", lang+".mo"), emptyCatalog(lang), 0o644); err != nil {
			return err
		}
	}
	for _, e := range entries {
		if e.Name() == "wp-config.php" || e.Name() == "wp-content" {
			continue
		}
		if err := os.Symlink(filepath.Join(Root, e.Name()), filepath.Join(s.root, e.Name())); err != nil {
			return err
		}
	}
	// Folders of their own, of links to Debian's themes and plugins, so
	// that a test may install a plugin, and the classic theme beside them.
	for _, name := range []string{"themes", "plugins"} {
		debian := filepath.Join(Root, "wp-content", name)
		entries, err := os.ReadDir(debian)
		if err != nil {
			return err
		}
		if err := os.Mkdir(filepath.Join(content, name), 0o755); err != nil {
			return err
		}
		for _, e := range entries {
			if err := os.Symlink(filepath.Join(debian, e.Name()), filepath.Join(content, name, e.Name())); err != nil {
				return err
			}
		}
	}
	classic := filepath.Join(content, "themes", ClassicTheme)
	if err := os.Mkdir(classic, 0o755); err != nil {
		return err
	}
	for file, to := range map[string]string{
		"wp-config.php":            filepath.Join(s.root, "wp-config.php"),
		"kiosque-test-host.php":    filepath.Join(content, "mu-plugins", "kiosque-test-host.php"),
		"kiosque-test-queries.php": filepath.Join(content, "mu-plugins", "kiosque-test-queries.php"),
		"prepend.php":              filepath.Join(s.dir, "prepend.php"),
		"install.php":              filepath.Join(s.dir, "install.php"),
		"post.php":                 filepath.Join(s.dir, "post.php"),
		"run.php":                  filepath.Join(s.dir, "run.php"),
		"classic/style.css":        filepath.Join(classic, "style.css"),
		"classic/functions.php":    filepath.Join(classic, "functions.php"),
		"classic/index.php":        filepath.Join(classic, "index.php"),
	} {
		b, err := phpFiles.ReadFile("php/" + file)
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// emptyCatalog is a gettext catalog (.mo) of a language with no message
// but its header (PHP's reader of WordPress fails on one of none): the
// magic number, revision 0, 1 string, the tables of originals and of
// translations, no hash table, then the strings, NUL-terminated.
func emptyCatalog(lang string) []byte {
	header := "Language: " + lang + "\nContent-Type: text/plain; charset=UTF-8\n"
	const strings = 44 // 28 of header, 8 of each table
	b := make([]byte, strings, strings+2+len(header))
	for i, v := range []uint32{0x950412de, 0, 1, 28, 36, 0, strings, 0, strings, uint32(len(header)), strings + 1} {
		binary.LittleEndian.PutUint32(b[4*i:], v)
	}
	return append(append(b, 0), header+"\x00"...)
}

// phpArgs are the options every PHP process of the site runs with.
func (s *Site) phpArgs() []string {
	return []string{"-d", "auto_prepend_file=" + filepath.Join(s.dir, "prepend.php"), "-d", "display_errors=stderr"}
}

// script runs one of the site's PHP scripts with input on its standard
// input, and returns what it printed.
func (s *Site) script(timeout time.Duration, name string, input []byte, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "php", append(append(s.phpArgs(), filepath.Join(s.dir, name)), args...)...)
	cmd.Env, cmd.Dir = s.env, s.dir
	cmd.Stdin = bytes.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("php %s: %w\n%s", name, err, stderr.Bytes())
	}
	return stdout.Bytes(), nil
}

// startPHP serves the site with PHP's built-in server, a few workers so
// that the page's scripts and styles load side by side.
func (s *Site) startPHP(host string, port int) error {
	log, err := os.Create(filepath.Join(s.dir, "php.log"))
	if err != nil {
		return err
	}
	defer log.Close()
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	cmd := exec.Command("php", append(s.phpArgs(), "-S", addr, "-t", s.docroot)...)
	cmd.Env = append(s.env, "PHP_CLI_SERVER_WORKERS=4")
	cmd.Dir, cmd.Stdout, cmd.Stderr = s.dir, log, log
	if s.php, err = startProcess("php -S", cmd); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.dir, "php.pid"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644); err != nil {
		return err
	}
	client := &http.Client{Timeout: 5 * time.Second}
	return s.php.waitReady(func() bool {
		res, err := client.Get(s.URL + "/wp-login.php")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	})
}

// waitReady polls ready until it is true, the process has exited, or the
// time is out.
func (p *process) waitReady(ready func() bool) error {
	deadline := time.Now().Add(startTimeout)
	for !ready() {
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited before it was ready: %v", p.name, p.cmd.ProcessState)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %v", p.name, startTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// cleanup stops the servers and removes the folder.
func (s *Site) cleanup(tb testing.TB) {
	for _, p := range []*process{s.php, s.mariadb} {
		if err := p.stop(); err != nil {
			tb.Errorf("wptest: %v", err)
		}
	}
	if err := os.RemoveAll(s.dir); err != nil {
		tb.Errorf("wptest: remove %s: %v", s.dir, err)
	}
}

// stop ends a server: SIGTERM, then SIGKILL if it has not exited in time.
func (p *process) stop() error {
	if p == nil {
		return nil
	}
	pgid := -p.cmd.Process.Pid
	syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-p.exited:
		return nil
	case <-time.After(stopTimeout):
	}
	syscall.Kill(pgid, syscall.SIGKILL)
	select {
	case <-p.exited:
		return nil
	case <-time.After(stopTimeout):
		return fmt.Errorf("%s (process %d) did not stop", p.name, p.cmd.Process.Pid)
	}
}

// logs are the ends of the site's logs, for a failure's message.
func (s *Site) logs() string {
	var b strings.Builder
	for _, path := range []string{filepath.Join(s.db, "error.log"), filepath.Join(s.dir, "php.log"), filepath.Join(s.dir, "wordpress.log")} {
		body, err := os.ReadFile(path)
		if err != nil || len(body) == 0 {
			continue
		}
		var lines []string
		for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
			// PHP 8.2 deprecates much of WordPress 6.1: noise here.
			if !strings.Contains(line, "PHP Deprecated:") {
				lines = append(lines, line)
			}
		}
		fmt.Fprintf(&b, "\n--- %s (last lines)\n%s", path, strings.Join(lines[max(0, len(lines)-20):], "\n"))
	}
	return b.String()
}

// reapOrphans stops the servers and removes the folders of test processes
// that are gone.
func reapOrphans(tb testing.TB) {
	tb.Helper()
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), folderPrefix+"*"))
	for _, dir := range dirs {
		owner, err := readPid(filepath.Join(dir, ownerFile))
		if err != nil || owner == os.Getpid() || alive(owner) {
			continue
		}
		for _, file := range []string{"php.pid", "db/mariadbd.pid"} {
			pid, err := readPid(filepath.Join(dir, file))
			// Only a process that still runs from this folder: the id
			// may have been given to another since.
			if err == nil && runsFrom(pid, dir) {
				syscall.Kill(-pid, syscall.SIGKILL) // its process group
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		if err := os.RemoveAll(dir); err == nil {
			tb.Logf("wptest: removed %s, left by test process %d, which was killed before its cleanup ran", dir, owner)
		}
	}
}

func readPid(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, errors.New("not a process id")
	}
	return pid, nil
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// runsFrom says whether process pid's command line names dir.
func runsFrom(pid int, dir string) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && bytes.Contains(cmdline, []byte(dir))
}

// chownTo gives the folder to the user MariaDB runs as.
func chownTo(dir, name string) error {
	u, err := user.Lookup(name)
	if err != nil {
		return fmt.Errorf("running as root, and mariadbd refuses root: need the %s user (made by Debian's mariadb-server): %w", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("give %s to %s: %w", dir, name, err)
	}
	return nil
}

// freePort asks the kernel for a free port of host. It is free when asked,
// not necessarily when the server binds it.
func freePort(host string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("find a free port on %s: %w", host, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
