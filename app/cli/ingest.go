//go:build !wasm

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/ingest/feed"
	"github.com/kiosque/kiosque/app/ingest/wordpress"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/server"
)

// ingestConfig is what `kiosque ingest` is told on its command line.
type ingestConfig struct {
	where     storeFlags
	feed      string
	wordpress string
	lang      news.Lang
	timeout   time.Duration
	envProxy  bool
	// The servers' image settings, to warn of images they will not fetch.
	mediaPrivate bool
	mediaPorts   portsFlag
}

func parseIngestFlags(args []string, getenv func(string) string, stderr io.Writer) (ingestConfig, error) {
	var (
		c    ingestConfig
		lang string
	)
	fs := newCommand("ingest", "Usage: kiosque ingest [-data DIR | -store postgres://…] -feed URL | -wordpress URL\n\nImports articles once, then prints what changed.\n", stderr)
	c.where.register(fs.FlagSet)
	fs.StringVar(&c.feed, "feed", "", "URL of an RSS 2.0 or Atom feed, or of a page that links to one (a site's address: its main feed is taken)")
	fs.StringVar(&c.wordpress, "wordpress", "", "URL of a WordPress site (its REST API is read, where the site says it is)")
	fs.StringVar(&lang, "source-lang", "fr", "language of items that neither declare one nor show one clearly: fr, ar or en")
	oldName := fs.String("lang", "", "the same as -source-lang (an older name)")
	fs.localFlag("feed", "wordpress", "lang")
	fs.DurationVar(&c.timeout, "timeout", fetch.DefaultTimeout, "timeout of each request")
	fs.BoolVar(&c.envProxy, "fetch-env-proxy", false, "fetch through the proxy HTTPS_PROXY, HTTP_PROXY and NO_PROXY name; off, they are ignored")
	fs.BoolVar(&c.mediaPrivate, "media-private", false, "as the servers' -media-private: an import warns of images they will not fetch")
	fs.Var(&c.mediaPorts, "media-ports", "as the servers' -media-ports (default 80,443; any with -media-private): an import warns of images on other `ports`, which the servers will not fetch")
	if err := fs.parse(args, getenv); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("ingest: unexpected argument %q (give the URL with -feed or -wordpress)", fs.Arg(0))
	case c.feed == "" && c.wordpress == "":
		return c, errors.New("ingest: say what to import with -feed URL or -wordpress URL")
	case c.feed != "" && c.wordpress != "":
		return c, errors.New("ingest: -feed and -wordpress are exclusive: import one source at a time")
	case c.timeout <= 0:
		return c, fmt.Errorf("ingest: -timeout %s: must be positive", c.timeout)
	}
	if *oldName != "" {
		lang = *oldName
	}
	l, ok := news.ParseLang(lang)
	if !ok {
		return c, fmt.Errorf("ingest: -source-lang %q: want fr, ar or en", lang)
	}
	c.lang = l
	return c, nil
}

// ingestCommand runs `kiosque ingest`: one import of one source into the
// store, with a progress bar on a terminal and a summary at the end.
func ingestCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := parseIngestFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	// Interrupted, the import's transaction is not committed: nothing is
	// half-written.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	client := fetch.New(fetch.Options{Timeout: c.timeout, UseEnvProxy: c.envProxy})
	clean := ingest.NewCleaner(c.lang)
	var src ingest.Source
	if c.feed != "" {
		src, err = feed.New(c.feed, client, clean)
	} else {
		// A one-shot import always lists every post, to find deletions.
		src, err = wordpress.New(c.wordpress, client, clean, wordpress.Options{FullListEvery: -1, Logger: log})
	}
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}

	st, err := openStore(ctx, c.where.storeURL, c.where.dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	// One import of a source at a time, whoever imports it: a server's
	// poller, another `kiosque ingest`.
	lock, ok, err := st.TryLock(ctx, ingest.ImportLock(src.Key()))
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	if !ok {
		return fmt.Errorf("ingest: another process is importing %s; try again once it is done", src.Key())
	}
	defer lock.Release()

	// Where the articles are is looked for now: the publisher sees what
	// was found at the address given, or what was looked for there.
	progress := newImportProgress(stderr, src.Key())
	report, err := ingest.Import(ctx, st, ingest.LookFirst(src), progress.update)
	progress.finish()
	if err != nil {
		return err
	}
	if report.Found != "" {
		fmt.Fprintln(stdout, report.Found)
	}
	printReport(stdout, report)
	// A server that leads purges what changed when it hears of it; kept
	// in the store, the purge waits for the next leader when none runs.
	if report.Changed() {
		keys := []string{server.LatestKey}
		for _, slug := range append(report.Put(), report.Removed...) {
			keys = append(keys, server.ArticleKey(slug))
		}
		if err := st.QueuePurges(ctx, keys, false); err != nil {
			log.Warn("the purge of the CDN is not kept for the servers: they purge it if one runs now", "err", err)
		}
	}
	images := fetch.Options{PublicOnly: !c.mediaPrivate, Ports: c.mediaPorts}
	if ports, n := report.RefusedImagePorts(images); n > 0 {
		fmt.Fprintf(stderr, "Warning: %d images are on port %s, which -media-ports does not allow: the servers will not fetch them, and readers will see none. Add the port to the servers' -media-ports (and to this command's).\n",
			n, joinPorts(ports))
	}
	// The sample never mixes with a publisher's articles.
	if len(report.Put()) > 0 {
		n, err := sample.Clear(ctx, st)
		if err != nil {
			return fmt.Errorf("ingest: the import is stored, but the sample articles were not removed: %w", err)
		}
		if n > 0 {
			fmt.Fprintf(stdout, "Removed the %d sample articles: the store holds the publisher's own now.\n", n)
		}
	}
	return nil
}

func joinPorts(ports []uint16) string {
	p := portsFlag(ports)
	return strings.ReplaceAll(p.String(), ",", ", ")
}

// importProgress shows how far an import has got: a progress bar on a
// terminal, otherwise a line every tenth of a long import (logs, CI).
type importProgress struct {
	out      io.Writer
	what     string
	terminal bool
	bar      *progressbar.ProgressBar
	shown    int // tenths printed, in plain mode
}

func newImportProgress(stderr io.Writer, what string) *importProgress {
	f, ok := stderr.(*os.File)
	return &importProgress{out: stderr, what: what, terminal: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *importProgress) update(done, total int) {
	if !p.terminal {
		if total >= 100 && done*10/total > p.shown {
			p.shown = done * 10 / total
			fmt.Fprintf(p.out, "%s: %d/%d items read\n", p.what, done, total)
		}
		return
	}
	if p.bar == nil {
		limit := int64(total)
		if total <= 0 {
			limit = -1 // unknown: a spinner
		}
		p.bar = progressbar.NewOptions64(limit,
			progressbar.OptionSetWriter(p.out),
			progressbar.OptionSetDescription("Importing"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("items"),
			progressbar.OptionShowIts(),
			progressbar.OptionThrottle(65*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	if total > 0 && int64(total) != p.bar.GetMax64() {
		p.bar.ChangeMax(total) // WordPress adds posts while we read
	}
	p.bar.Set(done)
}

func (p *importProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// printReport prints the summary of an import.
func printReport(w io.Writer, r ingest.Report) {
	if r.NotModified {
		fmt.Fprintf(w, "%s: unchanged since the last import\n", r.Source)
		return
	}
	fmt.Fprintf(w, "%s: %d added, %d updated, %d removed, %d unchanged, %d skipped",
		r.Source, len(r.Added), len(r.Updated), len(r.Removed), r.Unchanged, len(r.Skipped))
	if len(r.Blocked) > 0 {
		fmt.Fprintf(w, ", %d blocked (kiosque restore -list)", len(r.Blocked))
	}
	fmt.Fprintln(w)
	const maxListed = 20
	for i, s := range r.Skipped {
		if i == maxListed {
			fmt.Fprintf(w, "  … and %d more skipped\n", len(r.Skipped)-maxListed)
			break
		}
		what := s.ID
		if s.Title != "" {
			what += fmt.Sprintf(" %q", s.Title)
		}
		fmt.Fprintf(w, "  skipped %s: %s\n", strings.TrimSpace(what), s.Reason)
	}
}

// sourceFlags collects the sources of `kiosque serve` ("feed:URL",
// "wordpress:URL"): -source repeated, or several in one value separated by
// commas or spaces. A comma inside an address stays there: only one
// followed by feed: or wordpress: separates two sources.
type sourceFlags []string

func (s *sourceFlags) String() string { return strings.Join(*s, " ") }

func (s *sourceFlags) Set(v string) error {
	var specs []string
	for _, item := range listItems(v) {
		kind, _, _ := strings.Cut(item, ":")
		if kind != "feed" && kind != "wordpress" && len(specs) > 0 && strings.Contains(v, specs[len(specs)-1]+","+item) {
			specs[len(specs)-1] += "," + item
			continue
		}
		specs = append(specs, item)
	}
	for _, spec := range specs {
		kind, url, ok := strings.Cut(spec, ":")
		if !ok || (kind != "feed" && kind != "wordpress") || url == "" {
			return fmt.Errorf("%q: want feed:URL or wordpress:URL, several separated by commas or spaces", spec)
		}
		if !slices.Contains(*s, spec) {
			*s = append(*s, spec)
		}
	}
	return nil
}

// newSources returns the sources named by specs, as -source gives them.
func newSources(log *slog.Logger, specs []string, lang news.Lang, opts fetch.Options) ([]ingest.Source, error) {
	client := fetch.New(opts)
	clean := ingest.NewCleaner(lang)
	var sources []ingest.Source
	for _, spec := range specs {
		kind, url, _ := strings.Cut(spec, ":")
		var (
			src ingest.Source
			err error
		)
		switch kind {
		case "feed":
			src, err = feed.New(url, client, clean)
		case "wordpress":
			src, err = wordpress.New(url, client, clean, wordpress.Options{Logger: log})
		default:
			err = fmt.Errorf("want feed:URL or wordpress:URL")
		}
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", spec, err)
		}
		sources = append(sources, src)
	}
	return sources, nil
}
