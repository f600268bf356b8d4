package server

import (
	"bytes"
	"fmt"
	"io/fs"
	"strconv"

	"github.com/kiosque/kiosque/app/assets"
)

// interleaveLine is the line of web/embed.js that says what share of the
// widgets' views the loader has interleaved.
const interleaveLine = "var interleave = 0;"

// prepareLoader returns the path of the asset the loader (/embed.js) is
// served from: web/embed.js as it is, or, on a server that interleaves
// the ranker with its baseline, a copy that says the share of views to
// interleave. The loader draws, for each page view, whether its widgets
// interleave: the server keeps a few answers per widget (one per variant,
// app/insights/interleave), and no reader's draw is stored anywhere.
func prepareLoader(cfg Config, files *assets.Assets) (string, error) {
	const plain = "/web/embed.js"
	if cfg.Insights == nil || cfg.Insights.Interleave <= 0 {
		return plain, nil
	}
	if share := cfg.Insights.Interleave; share > 1 {
		return "", fmt.Errorf("server: interleave %g: a share of views is at most 1", share)
	}
	src, err := fs.ReadFile(cfg.Web, "embed.js")
	if err != nil {
		return "", fmt.Errorf("server: read the loader: %w", err)
	}
	if !bytes.Contains(src, []byte(interleaveLine)) {
		return "", fmt.Errorf("server: web/embed.js has no line %q to say what share of views to interleave", interleaveLine)
	}
	line := "var interleave = " + strconv.FormatFloat(cfg.Insights.Interleave, 'g', -1, 64) + ";"
	if err := files.Add("/embed.js", bytes.Replace(src, []byte(interleaveLine), []byte(line), 1)); err != nil {
		return "", err
	}
	return "/embed.js", nil
}
