//go:build !wasm

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/front"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/ingest/fetch"
	"github.com/kiosque/kiosque/app/media"
	"github.com/kiosque/kiosque/app/news"
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
}

func parseServeFlags(args []string, stderr io.Writer) (serveConfig, error) {
	var c serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", ":8080", "address to listen on")
	fs.StringVar(&c.dataDir, "data", "./data", "folder of the SQLite store, and of the images this server keeps")
	fs.StringVar(&c.storeURL, "store", os.Getenv("KIOSQUE_STORE"), "a PostgreSQL store shared by several servers, postgres://user@host/db (also KIOSQUE_STORE); default: SQLite in the -data folder")
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
	if err := fs.Parse(args); err != nil {
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

func serveCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseServeFlags(args, stderr)
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
		if err := fillWithSample(ctx, st, log); err != nil {
			return err
		}
	}
	k, err := newKiosque(log, st, c)
	if err != nil {
		return err
	}
	// Background work ends before the store closes.
	var background sync.WaitGroup
	defer background.Wait()
	work, stopWork := context.WithCancel(ctx)
	defer stopWork()
	background.Go(func() { k.run(work) })

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.addr, err)
	}
	log.Info("serving", "url", "http://"+displayAddr(ln.Addr()), "store", c.storeName())
	fmt.Fprintf(stdout, "Kiosque is serving on http://%s\n", displayAddr(ln.Addr()))

	err = front.Serve(ctx, ln, k.site, frontOptions(log))
	log.Info("stopped", "err", err)
	return err
}

// frontOptions bound the HTTP server's work: a request is read within 10
// seconds and answered within 30, an idle connection stays 30 seconds, and
// a shutdown lets open requests finish for 10 seconds. An answer of up to
// 32 KB (a widget's document, plain) leaves in one write; a request's head
// may take 8 KB (some publishers' cookies are large); an open connection
// holds both buffers.
func frontOptions(log *slog.Logger) front.Options {
	return front.Options{
		Log:          log,
		Grace:        10 * time.Second,
		ReadTimeout:  10 * time.Second,
		WriteTimeout: 30 * time.Second,
		IdleTimeout:  30 * time.Second,
		MaxBodyBytes: 1 << 20,
		WriteBuffer:  32 << 10,
		ReadBuffer:   8 << 10,
	}
}

// kiosque is the server put together: the site, and what keeps what it
// derives from the store (the kept answers, the related lists) in step
// with the store.
type kiosque struct {
	st      backend
	site    *server.Server
	answers *answers.Cache
	keeper  *listKeeper
	poller  *ingest.Poller // nil without sources
	log     *slog.Logger

	leading       atomic.Bool   // this server is the leader
	storeDown     atomic.Bool   // the store does not answer
	listsReady    chan struct{} // closed once this server, leading, has the lists up to date
	listsUpToDate sync.Once
}

// newKiosque puts the server together, with the images of imported
// articles kept in the data folder (each server keeps its own copies).
func newKiosque(log *slog.Logger, st backend, c serveConfig) (*kiosque, error) {
	k := &kiosque{
		st:         st,
		answers:    answers.NewCache(int64(c.cacheMB) << 20),
		keeper:     newListKeeper(st, log),
		log:        log,
		listsReady: make(chan struct{}),
	}
	var images http.Handler // none without a data folder to keep them in
	if c.dataDir != "" {
		client := fetch.New(fetch.Options{MaxBytes: media.MaxBytes, Timeout: 20 * time.Second, PublicOnly: !c.mediaPrivate})
		h, err := media.New(st, c.dataDir, media.Options{Client: client, Logger: log})
		if err != nil {
			return nil, err
		}
		images = h
	}
	site, err := server.New(server.Config{
		Log:            log,
		Store:          st,
		Lists:          st,
		Health:         st.Ping,
		StoreFailing:   k.storeFailing,
		Web:            os.DirFS(c.webDir),
		Site:           c.site,
		FrameAncestors: c.frameAncestors,
		PublicURL:      c.publicURL,
		Media:          images,
		Answers:        k.answers,
	})
	if err != nil {
		return nil, err
	}
	k.site = site
	if len(c.sources) > 0 {
		lang, _ := news.ParseLang(c.sourceLang)
		// What an import changed shows at once.
		imported := func(ctx context.Context, change ingest.Change) { k.imported(ctx) }
		if k.poller, err = newPoller(log, st, c.sources, c.pollEvery, lang, imported); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// run does the server's background work until ctx is done: it follows the
// store's changes, watches whether the store answers, and leads when no
// other server does.
func (k *kiosque) run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { k.follow(ctx) })
	wg.Go(func() { k.watchHealth(ctx) })
	wg.Go(func() { k.lead(ctx) })
	wg.Wait()
}

// fillWithSample puts the bundled sample articles into an empty store.
func fillWithSample(ctx context.Context, st store.Store, log *slog.Logger) error {
	page, err := st.Articles(ctx, store.Query{Limit: 1})
	if err != nil {
		return err
	}
	if len(page.Articles) > 0 {
		return nil
	}
	articles, err := sample.Articles()
	if err != nil {
		return err
	}
	if err := st.Put(ctx, articles...); err != nil {
		return fmt.Errorf("fill the store with the sample: %w", err)
	}
	log.Info("filled the empty store with the bundled sample", "articles", len(articles))
	return nil
}

// displayAddr turns a listening address into one a browser can open.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil || host == "::" || host == "0.0.0.0" || host == "" {
		return "localhost:" + port
	}
	return net.JoinHostPort(host, port)
}
