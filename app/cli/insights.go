//go:build !wasm

package cli

import (
	"fmt"

	"github.com/kiosque/kiosque/app/replica"
)

// checkInsights completes the insights' settings from -insights, and
// refuses those that do not hold together.
func checkInsights(in *replica.Insights, on bool) error {
	in.Off = !on
	switch {
	case in.Interleave < 0 || in.Interleave > 1:
		return fmt.Errorf("serve: -interleave %g: give a share of views, from 0 to 1", in.Interleave)
	case in.Off && in.Interleave > 0:
		return fmt.Errorf("serve: -interleave needs -insights: it is measured by the widget's clicks")
	}
	return nil
}
