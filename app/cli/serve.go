//go:build !wasm

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/front"
	"github.com/kiosque/kiosque/app/metrics"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
	"github.com/kiosque/kiosque/app/purge"
	"github.com/kiosque/kiosque/app/replica"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/server"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/web"
)

// serveConfig is what `kiosque serve` is told on its command line, or in
// its environment.
type serveConfig struct {
	addr           string
	metricsAddr    string
	maxConns       int
	dataDir        string
	webDir         string
	site           string
	lang           news.Lang
	description    string
	frameAncestors string
	embedTheme     string
	publicURL      string
	trustedProxies prefixList
	mediaPrivate   bool
	mediaPorts     portsFlag
	envProxy       bool
	sample         bool
	logLevel       slog.Level
	logFormat      string
	accessLog      bool
	sources        sourceFlags
	pollEvery      time.Duration
	sourceLang     string
	cacheMB        int
	storeURL       string
	insights       replica.Insights
	purges         purgeFlags
	caches         []purge.Cache
}

const serveSynopsis = `Usage: kiosque serve [flags]

Serves the site, the widget, the API and oEmbed, and imports the sources
given with -source. The store is SQLite in the -data folder, or the
PostgreSQL database of -store, shared by several servers.
`

func parseServeFlags(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	var c serveConfig
	fs := newCommand("serve", serveSynopsis, stderr)
	v := c.define(fs)
	if err := fs.parse(args, getenv); err != nil {
		return c, err
	}
	if err := c.checkInsights(v); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	if err := c.checkSite(v.lang); err != nil {
		return c, err
	}
	if err := c.checkServing(getenv); err != nil {
		return c, err
	}
	return c, nil
}

// serveFlagValues are the flags of serve read into something else than
// their field of serveConfig.
type serveFlagValues struct {
	lang      string
	insights  *bool
	tokenFile *string
	retention *int
}

// define defines the flags of serve on fs, which parses them into c and
// the values it returns.
func (c *serveConfig) define(fs *command) *serveFlagValues {
	v := &serveFlagValues{}
	fs.StringVar(&c.addr, "addr", ":8080", "address to listen on")
	fs.IntVar(&c.maxConns, "max-conns", 0, "connections open at once; past it, new ones wait until others close (default: three quarters of the file descriptor limit, at most 10000)")
	fs.StringVar(&c.metricsAddr, "metrics-addr", "", `private address of /metrics, in Prometheus' format ("127.0.0.1:9090"); default: none`)
	fs.StringVar(&c.dataDir, "data", "./data", "folder of the SQLite store, and of the images this server keeps")
	fs.StringVar(&c.storeURL, "store", "", "a PostgreSQL store shared by several servers, postgres://user@host/db; default: SQLite in the -data folder")
	fs.StringVar(&c.webDir, "web", "", "serve the static files and app.wasm from this folder instead of those built into the binary (development)")
	fs.StringVar(&c.site, "site", "", `the publisher's name, in titles, the manifest and oEmbed (default "Kiosque", or "`+sample.SiteName+`" on the sample)`)
	fs.StringVar(&v.lang, "lang", "fr", "the site's language, for readers who ask for none it speaks: fr, ar or en")
	fs.StringVar(&c.description, "description", "", "what the site is, in a sentence, for the manifest and link previews (default: a line in the site's language)")
	fs.StringVar(&c.frameAncestors, "frame-ancestors", "*", `sites allowed to frame the widget, as CSP sources separated by spaces or commas ("https://a.example https://b.example")`)
	fs.StringVar(&c.embedTheme, "embed-theme", "light", "the widget's theme on partner sites when its address names none: light, dark or auto (the reader's system's)")
	fs.StringVar(&c.publicURL, "public-url", "", `the scheme and host readers reach this server at ("https://widget.example"); default: each request's own`)
	fs.Var(&c.trustedProxies, "trusted-proxies", `addresses of the proxies to believe, as CIDRs or addresses separated by commas or spaces ("10.0.0.0/8,127.0.0.1"): their X-Forwarded-For (its last address, the client each beacon is counted against), and, without -public-url, their X-Forwarded-Proto and X-Forwarded-Host`)
	fs.BoolVar(&c.mediaPrivate, "media-private", false, "let article images be fetched from private addresses (a publisher on an intranet); off, images come only from the public internet")
	fs.Var(&c.mediaPorts, "media-ports", "the only `ports` article images are fetched from, such as 80,443,8443 (default 80,443; any with -media-private)")
	fs.BoolVar(&c.envProxy, "fetch-env-proxy", false, "fetch sources and images through the proxy HTTPS_PROXY, HTTP_PROXY and NO_PROXY name; off, they are ignored")
	fs.BoolVar(&c.sample, "sample", false, "fill an empty store with the bundled sample articles, even with -source (removed once a source brings articles); without it, only an empty store with no -source is filled")
	fs.TextVar(&c.logLevel, "log-level", slog.LevelInfo, "the `level` of logs: debug, info, warn or error")
	fs.StringVar(&c.logFormat, "log-format", "text", "the `format` of logs on stderr: text (key=value) or json (one object a line, for log collectors)")
	fs.BoolVar(&c.accessLog, "access-log", false, "log every request at the info level, those answered from memory too: method, path, status, bytes, duration, and whether the answer was kept or built")
	fs.Var(&c.sources, "source", "a `source` to poll: feed:URL (a feed, or a page that links to one, such as a site's address) or wordpress:URL (a WordPress site's address) (repeatable, or several separated by commas or spaces)")
	fs.DurationVar(&c.pollEvery, "poll", 15*time.Minute, "how often to poll each source")
	fs.StringVar(&c.sourceLang, "source-lang", "fr", "language of sources that do not declare one: fr, ar or en")
	fs.IntVar(&c.cacheMB, "cache-size", answers.DefaultMaxBytes>>20, "megabytes of memory for kept answers (pages, widgets, JSON)")
	v.insights = fs.Bool("insights", true, "count the widget's views and clicks on partner sites, anonymously (no cookie, no identifier), for the publisher's dashboard")
	fs.StringVar(&c.insights.AdminToken, "admin-token", "", "the `token` that opens the publisher's dashboard at /insights (at least 16 characters, random: openssl rand -base64 24); none: nobody may open it. It shows in ps: prefer -admin-token-file")
	v.tokenFile = fs.String("admin-token-file", "", "a `file` that holds the token of -admin-token, which ps does not show")
	fs.Var(&c.purges, "purge", "a cache in front of the servers to purge at every change: varnish+http://HOST:PORT (Varnish with xkey), fastly://SERVICE_ID (token in KIOSQUE_FASTLY_TOKEN) or cloudflare://ZONE_ID (token in KIOSQUE_CLOUDFLARE_TOKEN); with one, caches may keep pages and widgets a day (repeatable, or several separated by commas or spaces)")
	fs.Float64Var(&c.insights.Interleave, "interleave", 0, "the `share` of article widgets' views (0 to 1) whose carousel interleaves the ranker with a plain baseline, to measure it on readers")
	v.retention = fs.Int("insights-retention", int(replica.DefaultRetention/(24*time.Hour)), "the `days` insight counts are kept; older ones are deleted every hour")
	fs.Float64Var(&c.insights.Ceiling, "insights-ceiling", replica.DefaultCeiling, "the `events` a second this server counts from all clients together; past it, beacons get 503")
	return v
}

// checkInsights checks the flags of the insights, and reads the admin's
// token.
func (c *serveConfig) checkInsights(v *serveFlagValues) error {
	var err error
	if c.insights.AdminToken, err = adminToken(c.insights.AdminToken, *v.tokenFile); err != nil {
		return err
	}
	c.insights.Retention = time.Duration(*v.retention) * 24 * time.Hour
	if *v.retention < 1 {
		return fmt.Errorf("serve: -insights-retention %d: keep counts at least 1 day", *v.retention)
	}
	if c.insights.Ceiling <= 0 {
		return fmt.Errorf("serve: -insights-ceiling %g: give a number of events a second, above 0", c.insights.Ceiling)
	}
	return checkInsights(&c.insights, *v.insights)
}

// checkSite checks the flags of what the site says and shows: its
// address, its languages, who may frame it, its theme.
func (c *serveConfig) checkSite(lang string) error {
	if c.publicURL != "" {
		u, err := url.Parse(c.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
			return fmt.Errorf("serve: -public-url %q: want a scheme and a host only, such as https://widget.example", c.publicURL)
		}
		c.publicURL = u.Scheme + "://" + u.Host
	}
	var ok bool
	if c.lang, ok = news.ParseLang(lang); !ok {
		return fmt.Errorf("serve: -lang %q: want fr, ar or en", lang)
	}
	// Commas separate sites as in every list here; the header wants spaces.
	ancestors, err := server.ParseFrameAncestors(strings.Join(listItems(c.frameAncestors), " "))
	if err != nil {
		return fmt.Errorf("serve: -frame-ancestors %q: %w", c.frameAncestors, err)
	}
	c.frameAncestors = ancestors
	if _, err := params.ParseTheme(c.embedTheme); err != nil || c.embedTheme == "" {
		return fmt.Errorf("serve: -embed-theme %q: want light, dark or auto", c.embedTheme)
	}
	if _, ok := news.ParseLang(c.sourceLang); !ok {
		return fmt.Errorf("serve: -source-lang %q: want fr, ar or en", c.sourceLang)
	}
	return nil
}

// checkServing checks the flags of how the server works: polling, the
// store, connections, memory, caches to purge, logs, metrics.
func (c *serveConfig) checkServing(getenv func(string) string) error {
	if c.pollEvery < 10*time.Second {
		return fmt.Errorf("serve: -poll %s: poll at most every 10 seconds", c.pollEvery)
	}
	if c.storeURL != "" && !strings.HasPrefix(c.storeURL, "postgres://") && !strings.HasPrefix(c.storeURL, "postgresql://") {
		return fmt.Errorf("serve: -store %q: want a postgres:// URL, or none for SQLite in the -data folder", redactURL(c.storeURL))
	}
	if c.maxConns < 0 {
		return fmt.Errorf("serve: -max-conns %d: give a number of connections, or 0 for the default", c.maxConns)
	}
	if c.cacheMB < 1 {
		return fmt.Errorf("serve: -cache-size %d: give at least 1 megabyte", c.cacheMB)
	}
	var err error
	if c.caches, err = newCaches(c.purges, getenv, c.envProxy); err != nil {
		return fmt.Errorf("serve: -purge %w", err)
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return fmt.Errorf("serve: -log-format %q: want text or json", c.logFormat)
	}
	if c.metricsAddr != "" && c.metricsAddr == c.addr && !strings.HasSuffix(c.addr, ":0") {
		return fmt.Errorf("serve: -metrics-addr %s: must differ from -addr, so that /metrics stays private", c.metricsAddr)
	}
	return nil
}

func serveCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := parseServeFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := c.logger(stderr)
	if c.insights.Off && c.insights.AdminToken != "" {
		log.Warn("-insights=false turns the dashboard off: /insights answers 404 whatever -admin-token says; drop -insights=false to open it")
	}
	ctx, stopSignals := onSignals(ctx, log)
	defer stopSignals()

	web, err := c.webFiles()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, c.storeURL, c.dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := c.fillSample(ctx, log, st); err != nil {
		return err
	}
	var m *metrics.Metrics
	if c.metricsAddr != "" {
		m = metrics.New()
	}
	r, err := newReplica(log, st, web, m, c)
	if err != nil {
		return err
	}
	// Background work (imports, images, metrics) goes on while open
	// requests finish, and ends before the store closes.
	var background sync.WaitGroup
	defer background.Wait()
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	background.Go(func() { r.Run(work) })

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.addr, err)
	}
	opts := front.DefaultOptions(log)
	opts.MaxConns = c.maxConns
	opts.Header = r.Site().CommonHeader()
	if m != nil {
		watchReplica(m, r, st)
		opts.Answered = m.Answered(server.RouteOf)
		metricsLn, err := listenForMetrics(log, stdout, c.metricsAddr)
		if err != nil {
			ln.Close()
			return err
		}
		background.Go(func() { serveMetrics(work, log, metricsLn, m) })
	}
	c.warnOfForwardedHeaders(log, ln.Addr())
	c.warnOfOneBucket(log, ln.Addr())
	if settings, ok := st.(store.SettingsStore); ok {
		keepRecorded := c.checkSharedSettings(ctx, log, settings, ln.Addr())
		background.Go(func() { keepRecorded(work) })
	}
	c.announce(log, stdout, ln.Addr())

	err = front.Serve(ctx, ln, r.Site(), opts)
	// The requests are drained: the counts they made go to the store.
	err = errors.Join(err, r.Close(context.WithoutCancel(ctx)))
	stopWork()
	background.Wait()
	log.Info("stopped", "err", err)
	return err
}

// watchReplica has m report on the replica r and its store at every
// scrape, with the release.
func watchReplica(m *metrics.Metrics, r *replica.Replica, st store.Backend) {
	m.WatchAnswers(r.Answers())
	m.WatchStore(st)
	m.WatchLeader(r.Leading)
	rel := thisRelease()
	m.Release(rel.name(), rel.Go, rel.GoApp)
}

// announce says where the server listens, at addr.
func (c serveConfig) announce(log *slog.Logger, stdout io.Writer, addr net.Addr) {
	log.Info("serving", "url", "http://"+displayAddr(addr), "store", c.storeName(), "site", c.site)
	// Whoever reads the log finds the address in the line above; a person
	// at a terminal gets it plainly.
	if isTerminal(stdout) {
		fmt.Fprintf(stdout, "Kiosque is serving on http://%s\n", displayAddr(addr))
	}
}

// onSignals is ctx, done at the first SIGINT or SIGTERM (see
// stopOnSignals); stop ends the watch.
func onSignals(ctx context.Context, log *slog.Logger) (_ context.Context, stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	finished := make(chan struct{})
	go stopOnSignals(ctx, log, signals, finished, cancel, func() { os.Exit(1) })
	return ctx, func() {
		close(finished)
		signal.Stop(signals)
		cancel()
	}
}

// listenForMetrics listens on addr for /metrics, and says where.
func listenForMetrics(log *slog.Logger, stdout io.Writer, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s for the metrics: %w", addr, err)
	}
	warnIfPublic(log, ln.Addr())
	log.Info("serving the metrics", "url", "http://"+displayAddr(ln.Addr())+"/metrics")
	if isTerminal(stdout) {
		fmt.Fprintf(stdout, "Metrics are on http://%s/metrics\n", displayAddr(ln.Addr()))
	}
	return ln, nil
}

// logger is the log of -log-level and -log-format, on stderr.
func (c serveConfig) logger(stderr io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.logLevel}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(stderr, opts))
	}
	return slog.New(slog.NewTextHandler(stderr, opts))
}

// isTerminal says whether w is a terminal, where a person reads.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// stopOnSignals stops the server gracefully at the first signal, and at
// once (exitNow) at the second: whoever sends it does not want to wait for
// the requests and imports in flight. It returns when finished is closed.
func stopOnSignals(ctx context.Context, log *slog.Logger, signals <-chan os.Signal, finished <-chan struct{}, stop, exitNow func()) {
	select {
	case sig := <-signals:
		log.Info("stopping: requests in flight may finish; a second signal stops at once", "signal", sig.String())
		stop()
	case <-ctx.Done():
	case <-finished:
		return
	}
	select {
	case sig := <-signals:
		log.Warn("stopping at once", "signal", sig.String())
		exitNow()
	case <-finished:
	}
}

// warnIfPublic warns when the metrics listen where anyone may read them.
func warnIfPublic(log *slog.Logger, addr net.Addr) {
	tcp, ok := addr.(*net.TCPAddr)
	if ok && (tcp.IP.IsLoopback() || tcp.IP.IsPrivate()) {
		return
	}
	log.Warn("the metrics listen on a public address: give -metrics-addr a loopback or private address, or firewall it", "addr", addr.String())
}

// webFiles are the files the site serves as they are: those built into
// the binary, or the -web folder's.
func (c serveConfig) webFiles() (fs.FS, error) {
	if c.webDir != "" {
		if _, err := os.Stat(filepath.Join(c.webDir, "kiosque.js")); err != nil {
			return nil, fmt.Errorf("serve: -web %s: not a folder of Kiosque's web files: %w", c.webDir, err)
		}
		return os.DirFS(c.webDir), nil
	}
	files := web.Files()
	if _, err := fs.Stat(files, "app.wasm"); err != nil {
		return nil, errors.New("serve: this binary was built without app.wasm: build it with `make build`, or serve a built web folder with -web DIR")
	}
	return files, nil
}

// fillSample puts the bundled sample into an empty store when asked
// (-sample), or when nothing else would fill it (no -source). A store that
// holds a publisher's articles beside the sample (an import by
// `kiosque ingest` while the sample showed) loses the sample, unless it was
// asked for. The site is named after the sample only when the sample is
// all it will show.
func (c *serveConfig) fillSample(ctx context.Context, log *slog.Logger, st store.Store) error {
	if c.sample || len(c.sources) == 0 {
		n, err := sample.Fill(ctx, st)
		if err != nil {
			return err
		}
		if n > 0 {
			log.Info("filled the empty store with the bundled sample", "articles", n)
		}
	}
	shown, err := sample.Stored(ctx, st)
	if err != nil {
		return err
	}
	if len(shown) > 0 && !c.sample {
		page, err := st.Articles(ctx, store.Query{Limit: len(shown) + 1})
		if err != nil {
			return err
		}
		if len(page.Articles) > len(shown) { // the publisher's own are there
			n, err := sample.Clear(ctx, st)
			if err != nil {
				return err
			}
			log.Info("removed the sample articles: the store holds the publisher's own", "articles", n)
			shown = nil
		}
	}
	if c.site == "" {
		c.site = "Kiosque"
		if len(shown) > 0 && len(c.sources) == 0 {
			c.site = sample.SiteName
		}
	}
	return nil
}

// warnOfForwardedHeaders warns a server reachable beyond loopback that
// names itself in URLs from each request's Host: set behind a proxy, it
// names the proxy's view of it, or whatever a client sends.
func (c serveConfig) warnOfForwardedHeaders(log *slog.Logger, addr net.Addr) {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsLoopback() || c.publicURL != "" || len(c.trustedProxies) > 0 {
		return
	}
	log.Warn("listening beyond loopback with neither -public-url nor -trusted-proxies: " +
		"oEmbed answers and discovery links name this server by each request's Host; " +
		"behind a proxy, set -public-url (or -trusted-proxies to believe its forwarded headers)")
}

// warnOfOneBucket warns a server that counts insights, reachable beyond
// loopback with no trusted proxy: behind a proxy, every beacon comes from
// the proxy's address, and all readers share its token bucket.
func (c serveConfig) warnOfOneBucket(log *slog.Logger, addr net.Addr) {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsLoopback() || c.insights.Off || len(c.trustedProxies) > 0 {
		return
	}
	log.Warn("counting insights beyond loopback with no -trusted-proxies: behind a proxy, every beacon comes from its address " +
		"and all readers share one rate limit; give the proxy's address to -trusted-proxies and let it set X-Forwarded-For")
}

// serveMetrics serves /metrics on its own listener, apart from the site,
// until ctx is done, and returns once the scrapes under way are answered.
func serveMetrics(ctx context.Context, log *slog.Logger, ln net.Listener, m *metrics.Metrics) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	opts := front.DefaultOptions(log)
	opts.Grace = 5 * time.Second
	if err := front.Serve(ctx, ln, mux, opts); err != nil {
		log.Error("the metrics stopped", "err", err)
	}
}

// displayAddr turns a listening address into one a browser can open.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil || host == "::" || host == "0.0.0.0" || host == "" {
		return "localhost:" + port
	}
	return net.JoinHostPort(host, port)
}

// newReplica puts the server together from its command line.
func newReplica(log *slog.Logger, st store.Backend, web fs.FS, m *metrics.Metrics, c serveConfig) (*replica.Replica, error) {
	lang, _ := news.ParseLang(c.sourceLang)
	sources, err := newSources(log, c.sources, lang, fetch.Options{UseEnvProxy: c.envProxy})
	if err != nil {
		return nil, err
	}
	var polled, purged func(source, outcome string)
	if m != nil {
		polled, purged = m.Polled, m.Purged
	}
	purging := purge.DefaultOptions()
	purging.Counted = purged
	return replica.New(replica.Config{
		Log:   log,
		Store: st,
		Site: server.Config{
			Web:            web,
			Site:           c.site,
			Lang:           c.lang,
			Description:    c.description,
			FrameAncestors: c.frameAncestors,
			EmbedTheme:     params.Theme(c.embedTheme),
			PublicURL:      c.publicURL,
			TrustedProxies: c.trustedProxies,
			AccessLog:      c.accessLog,
		},
		DataDir:      c.dataDir,
		Fetch:        c.imageFetch(),
		CacheBytes:   int64(c.cacheMB) << 20,
		Sources:      sources,
		PollEvery:    c.pollEvery,
		Polled:       polled,
		Insights:     c.insights,
		Caches:       c.caches,
		PurgeOptions: purging,
	})
}

// purgeFlags are the caches -purge names, each once.
type purgeFlags []string

func (p *purgeFlags) String() string { return strings.Join(*p, " ") }

// Set adds the caches of v, separated by commas or spaces.
func (p *purgeFlags) Set(v string) error {
	for _, item := range listItems(v) {
		if !slices.Contains(*p, item) {
			*p = append(*p, item)
		}
	}
	return nil
}

// newCaches are the caches -purge names, with the API tokens the
// environment holds (never on the command line, where ps shows them).
// Purges go through the proxy of the environment only with
// -fetch-env-proxy.
func newCaches(addresses []string, getenv func(string) string, envProxy bool) ([]purge.Cache, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil
	if envProxy {
		transport.Proxy = http.ProxyFromEnvironment
	}
	client := &http.Client{Transport: transport}
	tokens := purge.Tokens{Fastly: getenv("KIOSQUE_FASTLY_TOKEN"), Cloudflare: getenv("KIOSQUE_CLOUDFLARE_TOKEN")}
	var caches []purge.Cache
	for _, a := range addresses {
		c, err := purge.Parse(a, tokens, client)
		if err != nil {
			return nil, err
		}
		caches = append(caches, c)
	}
	return caches, nil
}

// imageFetch is how the images of imported articles are fetched: from the
// public internet only, unless -media-private, on -media-ports.
func (c serveConfig) imageFetch() fetch.Options {
	return fetch.Options{PublicOnly: !c.mediaPrivate, Ports: c.mediaPorts, UseEnvProxy: c.envProxy}
}

// portsFlag is a list of TCP ports, separated by commas or spaces ("80,443").
type portsFlag []uint16

func (p *portsFlag) String() string {
	ports := make([]string, len(*p))
	for i, port := range *p {
		ports[i] = strconv.Itoa(int(port))
	}
	return strings.Join(ports, ",")
}

func (p *portsFlag) Set(v string) error {
	items := listItems(v)
	if len(items) == 0 {
		return fmt.Errorf("%q: want ports from 1 to 65535, separated by commas or spaces, such as 80,443", v)
	}
	for _, s := range items {
		n, err := strconv.ParseUint(s, 10, 16)
		if err != nil || n == 0 {
			return fmt.Errorf("%q: want ports from 1 to 65535, separated by commas or spaces, such as 80,443", v)
		}
		if !slices.Contains(*p, uint16(n)) {
			*p = append(*p, uint16(n))
		}
	}
	return nil
}
