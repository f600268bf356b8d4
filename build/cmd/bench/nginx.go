package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// nginxFile is a response nginx serves from a file: the same body bytes
// and headers as Kiosque's answer.
type nginxFile struct {
	Path   string // URL path and file name
	Header http.Header
}

// nginxConf is the configuration of the reference: one worker, as
// Kiosque runs with one thread, tuned as a publisher would tune it for
// static files (sendfile, open file cache, no access log: Kiosque logs no
// request either), and every file with Kiosque's headers.
var nginxConf = template.Must(template.New("nginx").Funcs(template.FuncMap{"quote": nginxQuote}).Parse(`
worker_processes 1;
daemon off;
master_process on;
user {{.User}};
pid {{.Dir}}/nginx.pid;
error_log {{.Dir}}/error.log warn;
# The open-model load opens as many connections as the latency asks for;
# a child of Go gets the shell's soft limit of descriptors (1,024) back.
worker_rlimit_nofile 65536;
events { worker_connections 16384; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  open_file_cache max=1000 inactive=60s;
  server_tokens off;
  client_body_temp_path {{.Dir}}/tmp/body;
  proxy_temp_path {{.Dir}}/tmp/proxy;
  fastcgi_temp_path {{.Dir}}/tmp/fastcgi;
  uwsgi_temp_path {{.Dir}}/tmp/uwsgi;
  scgi_temp_path {{.Dir}}/tmp/scgi;
  types { }
  server {
    listen 127.0.0.1:{{.Port}};
    root {{.Dir}}/www;
{{- range .Files}}
    location = {{.Path}} {
{{- range $name, $values := .Header}}{{range $values}}
      {{if eq $name "Content-Type"}}default_type {{quote .}};{{else}}add_header {{$name}} {{quote .}};{{end}}
{{- end}}{{end}}
    }
{{- end}}
  }
}
`))

// nginx is the reference server.
type nginx struct {
	*process
	url string
	dir string
}

// startNginx serves files (their bodies written under www) on the
// server's core.
func startNginx(ctx context.Context, o options, files []nginxFile, bodies map[string][]byte) (*nginx, error) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		bin = "/usr/sbin/nginx"
	}
	dir, err := os.MkdirTemp("", "kiosque-bench-nginx-")
	if err != nil {
		return nil, err
	}
	// nginx's worker runs as another user when started as root: it must
	// read the files.
	os.Chmod(dir, 0o755)
	for _, sub := range []string{"www", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, err
		}
	}
	for path, body := range bodies {
		if err := os.WriteFile(filepath.Join(dir, "www", path), body, 0o644); err != nil {
			return nil, err
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	user := "nobody nogroup"
	if os.Geteuid() != 0 {
		user = strconv.Itoa(os.Geteuid())
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	var conf strings.Builder
	if err := nginxConf.Execute(&conf, struct {
		Dir, User string
		Port      int
		Files     []nginxFile
	}{dir, user, port, files}); err != nil {
		return nil, err
	}
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf.String()), 0o644); err != nil {
		return nil, err
	}
	if os.Geteuid() != 0 {
		// Only root may name a user.
		text := strings.Replace(conf.String(), "user "+user+";\n", "", 1)
		os.WriteFile(confPath, []byte(text), 0o644)
	}
	p, err := startPinned(ctx, "nginx", o.serverCPU, nil, bin, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
	if err != nil {
		return nil, err
	}
	n := &nginx{process: p, url: fmt.Sprintf("http://127.0.0.1:%d", port), dir: dir}
	if err := p.waitHTTP(ctx, n.url+files[0].Path, 10*time.Second); err != nil {
		p.stop()
		return nil, err
	}
	context.AfterFunc(ctx, func() { os.RemoveAll(dir) })
	return n, nil
}

func (n *nginx) close() {
	n.stop()
	os.RemoveAll(n.dir)
}

// nginxQuote writes a string as nginx's configuration reads one. (No
// header Kiosque sends holds a $, which nginx would read as a variable.)
func nginxQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
