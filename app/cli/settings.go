//go:build !wasm

package cli

import (
	"context"
	"log/slog"
	"maps"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/every"
	"github.com/kiosque/kiosque/app/store"
)

// sharedSettings are the settings that must agree among the servers
// sharing a store, by flag. A CDN or a load balancer sends one reader to
// any of them, and one server's answer is kept for all: what the answers
// say (the public URL in oEmbed and links, the site's name, language and
// description, the theme of frames, the sites allowed to frame them, the
// share of interleaved carousels, whether beacons are counted) and which
// images are fetched (-media-private, -media-ports: 200 on one server,
// 502 on another) must not depend on the server that answered. The
// sources and their language, and the caches to purge, follow the
// leader, which changes hands.
// Settings of one machine (addresses, memory, logs, proxies in front of
// it, the token) may differ, and are not recorded.
func (c serveConfig) sharedSettings() map[string]string {
	ports := c.mediaPorts.String()
	switch {
	case ports != "":
	case c.mediaPrivate:
		ports = "any"
	default:
		ports = "80,443"
	}
	sources, purges := slices.Clone(c.sources), slices.Clone(c.purges)
	slices.Sort(sources)
	slices.Sort(purges)
	return map[string]string{
		"public-url":      c.publicURL,
		"site":            c.site,
		"lang":            string(c.lang),
		"description":     c.description,
		"media-private":   strconv.FormatBool(c.mediaPrivate),
		"media-ports":     ports,
		"frame-ancestors": c.frameAncestors,
		"embed-theme":     c.embedTheme,
		"interleave":      strconv.FormatFloat(c.insights.Interleave, 'g', -1, 64),
		"insights":        strconv.FormatBool(!c.insights.Off),
		"source":          strings.Join(sources, " "),
		"source-lang":     c.sourceLang,
		"purge":           strings.Join(purges, " "),
	}
}

// settingsRecordEvery is how often a server records its settings again;
// those not recorded for two periods are of servers gone.
const settingsRecordEvery = time.Hour

// checkSharedSettings records this server's shared settings in the store
// and warns of each that differs from another server's, naming both
// values. It returns a function that records them again every
// settingsRecordEvery until ctx is done, so that the others know this
// server still runs.
func (c serveConfig) checkSharedSettings(ctx context.Context, log *slog.Logger, st store.SettingsStore, addr net.Addr) (keepRecorded func(ctx context.Context)) {
	host, _ := os.Hostname()
	server := host + " " + addr.String()
	mine := c.sharedSettings()
	others, err := st.RecordSettings(ctx, server, mine, time.Now().Add(-2*settingsRecordEvery))
	if err != nil {
		log.Warn("could not compare this server's settings with the others'", "err", err)
	} else {
		for _, d := range settingsThatDiffer(mine, others) {
			log.Warn("a setting differs from another server's sharing the store: give them all the same", "setting", "-"+d.name,
				"here", d.here, "there", d.there, "server", d.server)
		}
	}
	return func(ctx context.Context) { recordSettingsEvery(ctx, log, st, server, mine) }
}

func recordSettingsEvery(ctx context.Context, log *slog.Logger, st store.SettingsStore, server string, mine map[string]string) {
	every.Tick(ctx, settingsRecordEvery, func() {
		if _, err := st.RecordSettings(ctx, server, mine, time.Now()); err != nil && ctx.Err() == nil {
			log.Warn("could not record this server's settings", "err", err)
		}
	})
}

// difference is a setting with another value on another server.
type difference struct {
	name, here, there, server string
}

// settingsThatDiffer lists the settings of mine that another server
// recorded with another value, by setting then server. A setting another
// server did not record (an older release) is not compared.
func settingsThatDiffer(mine map[string]string, others []store.ServerSettings) []difference {
	var diffs []difference
	for _, name := range slices.Sorted(maps.Keys(mine)) {
		for _, o := range others {
			if there, ok := o.Settings[name]; ok && there != mine[name] {
				diffs = append(diffs, difference{name: name, here: quoteEmpty(mine[name]), there: quoteEmpty(there), server: o.Server})
			}
		}
	}
	return diffs
}

func quoteEmpty(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}
