//go:build !wasm

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/front"
	"github.com/kiosque/kiosque/app/ingest/fetch"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/replica"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/server"
	"github.com/kiosque/kiosque/app/store"
)

// serveConfig is what `kiosque serve` is told on its command line.
type serveConfig struct {
	addr           string
	dataDir        string
	webDir         string
	site           string
	frameAncestors string
	publicURL      string
	mediaPrivate   bool
	sample         bool
	logLevel       slog.Level
	sources        sourceFlags
	pollEvery      time.Duration
	sourceLang     string
	cacheMB        int
	storeURL       string
	insights       replica.Insights
}

func parseServeFlags(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	var c serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", ":8080", "address to listen on")
	fs.StringVar(&c.dataDir, "data", "./data", "folder of the SQLite store, and of the images this server keeps")
	fs.StringVar(&c.storeURL, "store", getenv("KIOSQUE_STORE"), "a PostgreSQL store shared by several servers, postgres://user@host/db (also KIOSQUE_STORE); default: SQLite in the -data folder")
	fs.StringVar(&c.webDir, "web", "./web", "folder of the static files and the built app.wasm")
	fs.StringVar(&c.site, "site", "Kiosque Démo", "the publisher's name, shown in titles")
	fs.StringVar(&c.frameAncestors, "frame-ancestors", "*", `sites allowed to frame the widget, as a CSP source list ("https://a.example https://b.example")`)
	fs.StringVar(&c.publicURL, "public-url", "", `the scheme and host readers reach this server at ("https://widget.example"); default: each request's Host`)
	fs.BoolVar(&c.mediaPrivate, "media-private", false, "let article images be fetched from private addresses (a publisher on an intranet); off, images come only from the public internet")
	fs.BoolVar(&c.sample, "sample", true, "fill an empty store with the bundled sample articles")
	fs.TextVar(&c.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn or error")
	fs.Var(&c.sources, "source", "a source to poll: feed:URL or wordpress:URL (repeatable)")
	fs.DurationVar(&c.pollEvery, "poll", 15*time.Minute, "how often to poll each source")
	fs.StringVar(&c.sourceLang, "source-lang", "fr", "language of sources that do not declare one: fr, ar or en")
	fs.IntVar(&c.cacheMB, "cache-size", answers.DefaultMaxBytes>>20, "megabytes of memory for kept answers (pages, widgets, JSON)")
	insights := fs.Bool("insights", true, "count the widget's views and clicks on partner sites, anonymously (no cookie, no identifier), for the publisher's dashboard")
	fs.StringVar(&c.insights.AdminToken, "admin-token", getenv("KIOSQUE_ADMIN_TOKEN"), "the token that opens the publisher's dashboard at /insights (also KIOSQUE_ADMIN_TOKEN); none: nobody may open it")
	fs.Float64Var(&c.insights.Interleave, "interleave", 0, "the share of article widgets' views (0 to 1) whose carousel interleaves the ranker with a plain baseline, to measure it on readers")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := checkInsights(&c.insights, *insights); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	if c.publicURL != "" {
		u, err := url.Parse(c.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
			return c, fmt.Errorf("serve: -public-url %q: want a scheme and a host only, such as https://widget.example", c.publicURL)
		}
		c.publicURL = u.Scheme + "://" + u.Host
	}
	if _, ok := news.ParseLang(c.sourceLang); !ok {
		return c, fmt.Errorf("serve: -source-lang %q: want fr, ar or en", c.sourceLang)
	}
	if c.pollEvery < 10*time.Second {
		return c, fmt.Errorf("serve: -poll %s: poll at most every 10 seconds", c.pollEvery)
	}
	if c.storeURL != "" && !strings.HasPrefix(c.storeURL, "postgres://") && !strings.HasPrefix(c.storeURL, "postgresql://") {
		return c, fmt.Errorf("serve: -store %q: want a postgres:// URL, or none for SQLite in the -data folder", redactURL(c.storeURL))
	}
	if c.cacheMB < 1 {
		return c, fmt.Errorf("serve: -cache-size %d: give at least 1 megabyte", c.cacheMB)
	}
	return c, nil
}

func serveCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := parseServeFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: c.logLevel}))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := openStore(ctx, c.storeURL, c.dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	if c.sample {
		n, err := sample.Fill(ctx, st)
		if err != nil {
			return err
		}
		if n > 0 {
			log.Info("filled the empty store with the bundled sample", "articles", n)
		}
	}
	r, err := newReplica(log, st, c)
	if err != nil {
		return err
	}
	// Background work ends before the store closes.
	var background sync.WaitGroup
	defer background.Wait()
	work, stopWork := context.WithCancel(ctx)
	defer stopWork()
	background.Go(func() { r.Run(work) })

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.addr, err)
	}
	log.Info("serving", "url", "http://"+displayAddr(ln.Addr()), "store", c.storeName())
	fmt.Fprintf(stdout, "Kiosque is serving on http://%s\n", displayAddr(ln.Addr()))

	err = front.Serve(ctx, ln, r.Site(), front.DefaultOptions(log))
	// The requests are drained: the counts they made go to the store.
	err = errors.Join(err, r.Close(context.WithoutCancel(ctx)))
	log.Info("stopped", "err", err)
	return err
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
func newReplica(log *slog.Logger, st store.Backend, c serveConfig) (*replica.Replica, error) {
	lang, _ := news.ParseLang(c.sourceLang)
	sources, err := newSources(log, c.sources, lang)
	if err != nil {
		return nil, err
	}
	return replica.New(replica.Config{
		Log:   log,
		Store: st,
		Site: server.Config{
			Web:            os.DirFS(c.webDir),
			Site:           c.site,
			FrameAncestors: c.frameAncestors,
			PublicURL:      c.publicURL,
		},
		DataDir:    c.dataDir,
		Fetch:      fetch.Options{PublicOnly: !c.mediaPrivate},
		CacheBytes: int64(c.cacheMB) << 20,
		Sources:    sources,
		PollEvery:  c.pollEvery,
		Insights:   c.insights,
	})
}
