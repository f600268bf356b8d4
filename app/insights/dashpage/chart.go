package dashpage

import (
	"math"
	"strconv"
	"strings"

	"github.com/kiosque/kiosque/app/ui"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Charts are SVG drawn here, from the numbers: no script and no font of
// another site. Each is an image named by a sentence, with its numbers
// in a table beside it for those who do not see it. Colours come from
// the style sheet (classes), as the page's CSP allows no style attribute.
// In a right-to-left page, time and positions run from the right.

// The drawing area of a chart, in SVG units: the SVG scales to its box.
const (
	chartWidth  = 640
	chartHeight = 220
	chartLeft   = 56 // room for the values' labels
	chartRight  = 16
	chartTop    = 12
	chartBottom = 28 // room for the days' or positions' labels
)

// series is a line of a chart: a value per day, drawn in class.
type series struct {
	class  string
	values []float64
}

// chartScale is where a chart's x and y land.
type chartScale struct {
	n   int     // points along x
	top float64 // the value at the top line
	rtl bool
}

func (s chartScale) x(i int, slot bool) float64 {
	inner := float64(chartWidth - chartLeft - chartRight)
	var x float64
	switch {
	case slot: // bars: the middle of the i-th of n slots
		x = chartLeft + inner*(float64(i)+0.5)/float64(s.n)
	case s.n <= 1:
		x = chartLeft + inner/2
	default:
		x = chartLeft + inner*float64(i)/float64(s.n-1)
	}
	if s.rtl {
		x = chartWidth - x
	}
	return x
}

func (s chartScale) y(v float64) float64 {
	inner := float64(chartHeight - chartTop - chartBottom)
	if s.top <= 0 {
		return chartTop + inner
	}
	return chartTop + inner*(1-v/s.top)
}

// niceTop rounds a chart's highest value up to 1, 2 or 5 times a power of
// ten, so that the lines at a half and at the top read as round numbers.
func niceTop(max float64) float64 {
	if max <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(max)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= max {
			return m * p
		}
	}
	return 10 * p
}

// labelledTop raises a chart's top so that the line at its half is
// labelled with its value: counts have no fraction, and a line at 2.5
// labelled 2 misleads, so 5 becomes 6 (lines at 3 and 6), 1 becomes 2.
func labelledTop(top float64, format func(float64) string) float64 {
	half := top / 2
	if half == math.Trunc(half) {
		return top
	}
	if label := format(half); label == format(math.Floor(half)) || label == format(math.Ceil(half)) {
		return 2 * math.Ceil(half)
	}
	return top
}

// svgChart is the SVG element of a chart, named by label.
func svgChart(class, label string, body ...app.UI) app.UI {
	return app.Elem("svg").
		Class("chart "+class).
		Attr("viewBox", "0 0 "+strconv.Itoa(chartWidth)+" "+strconv.Itoa(chartHeight)).
		Attr("preserveAspectRatio", "xMidYMid meet").
		Attr("role", "img").
		Aria("label", ui.Attr(label)).
		Body(body...)
}

// gridLines are the lines at 0, half and the top, with their values.
func gridLines(s chartScale, format func(float64) string) []app.UI {
	var out []app.UI
	for _, v := range []float64{0, s.top / 2, s.top} {
		y := s.y(v)
		x1, x2, labelX := float64(chartLeft), float64(chartWidth-chartRight), float64(chartLeft)/2
		if s.rtl {
			x1, x2, labelX = chartRight, chartWidth-chartLeft, chartWidth-float64(chartLeft)/2
		}
		out = append(out,
			app.Elem("line").Class("chart-grid").
				Attr("x1", num(x1)).Attr("x2", num(x2)).Attr("y1", num(y)).Attr("y2", num(y)),
			app.Elem("text").Class("chart-label").
				Attr("x", num(labelX)).Attr("y", num(y+4)).Attr("text-anchor", "middle").
				Text(format(v)),
		)
	}
	return out
}

// lineChart draws series over days (their labels given), named by label.
func lineChart(class, label string, days []string, lines []series, rtl bool, format func(float64) string) app.UI {
	top := 0.0
	for _, l := range lines {
		for _, v := range l.values {
			top = max(top, v)
		}
	}
	s := chartScale{n: len(days), top: labelledTop(niceTop(top), format), rtl: rtl}
	body := gridLines(s, format)
	// The first, middle and last days are named under the axis, the first
	// and last within the chart: they start and end where their points are
	// (start and end follow the page's direction, as the days do).
	ticks := dayTicks(len(days))
	for j, i := range ticks {
		anchor := "middle"
		switch {
		case len(ticks) > 1 && j == 0:
			anchor = "start"
		case len(ticks) > 1 && j == len(ticks)-1:
			anchor = "end"
		}
		body = append(body, app.Elem("text").Class("chart-label").
			Attr("x", num(s.x(i, false))).Attr("y", num(chartHeight-8)).Attr("text-anchor", anchor).
			Text(days[i]))
	}
	for _, l := range lines {
		var points []string
		for i, v := range l.values {
			points = append(points, num(s.x(i, false))+","+num(s.y(v)))
		}
		body = append(body, app.Elem("polyline").Class("chart-line "+l.class).Attr("points", strings.Join(points, " ")))
		if len(l.values) <= 31 { // a dot per day, while they stay apart
			for i, v := range l.values {
				body = append(body, app.Elem("circle").Class("chart-dot "+l.class).
					Attr("cx", num(s.x(i, false))).Attr("cy", num(s.y(v))).Attr("r", "3"))
			}
		}
	}
	return svgChart(class, label, body...)
}

// dayTicks are the indexes of the days named on the axis.
func dayTicks(n int) []int {
	switch {
	case n <= 0:
		return nil
	case n == 1:
		return []int{0}
	case n == 2:
		return []int{0, 1}
	}
	return []int{0, (n - 1) / 2, n - 1}
}

// barChart draws a bar per value, named under it, with its value above.
func barChart(class, label string, names []string, values []float64, rtl bool, format func(float64) string) app.UI {
	top := 0.0
	for _, v := range values {
		top = max(top, v)
	}
	s := chartScale{n: len(values), top: labelledTop(niceTop(top), format), rtl: rtl}
	body := gridLines(s, format)
	slot := float64(chartWidth-chartLeft-chartRight) / float64(max(1, len(values)))
	width := slot * 0.6
	for i, v := range values {
		x, y := s.x(i, true), s.y(v)
		body = append(body,
			app.Elem("rect").Class("chart-bar").
				Attr("x", num(x-width/2)).Attr("y", num(y)).Attr("width", num(width)).Attr("height", num(s.y(0)-y)),
			app.Elem("text").Class("chart-label").
				Attr("x", num(x)).Attr("y", num(chartHeight-8)).Attr("text-anchor", "middle").Text(names[i]),
		)
		if v > 0 {
			body = append(body, app.Elem("text").Class("chart-value").
				Attr("x", num(x)).Attr("y", num(y-4)).Attr("text-anchor", "middle").Text(format(v)))
		}
	}
	return svgChart(class, label, body...)
}

// num writes a coordinate with at most one decimal.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}
