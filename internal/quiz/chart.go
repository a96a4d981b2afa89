package quiz

import (
	"fmt"
	"html/template"
	"strings"
)

// The ids of the chart's <title> and <desc>, which its aria-labelledby
// names. They are fixed, so a page shows one chart.
const (
	ChartTitleID = "quiz-chart-title"
	ChartDescID  = "quiz-chart-desc"
)

// Chart geometry, in viewBox units. The box is narrow so that its text
// stays legible when a phone scales it to the screen's width.
const (
	chartWidth = 360
	plotX      = 10  // x of 0%
	plotWidth  = 300 // 3 units per percent
	rowTop     = 8   // y of the first row
	rowHeight  = 44  // label line, then bar
	barOffset  = 20  // from the top of a row to its bar
	barHeight  = 16
)

// Chart returns an inline SVG horizontal bar chart of r's dimension
// scores, with a 0/50/100 scale: each bar is labelled with the
// dimension's name and its score. It is an image to assistive technology
// (role="img") labelled by its <title> and <desc>, which lists every
// score; pages pair it with a table of the same data.
//
// The SVG sets no style attributes and loads no fonts, so it works under
// a strict Content-Security-Policy and takes the page's font. It draws in
// currentColor unless the page's CSS sets colors on its classes:
//
//	svg.quiz-chart         the chart; give it width: 100%; height follows the viewBox
//	.track                 the 0–100 background of each bar
//	.bar                   a bar
//	.bar.bar-weak          a bar of one of r.Weakest
//	.grid                  the lines at 0, 50 and 100
//	.label, .value, .tick  dimension names, scores and the scale's numbers
func Chart(r Result) template.HTML {
	esc := template.HTMLEscapeString
	weak := map[string]bool{}
	for _, d := range r.Weakest {
		weak[d.ID] = true
	}
	n := len(r.Dimensions)
	bottom := rowTop + n*rowHeight - (rowHeight - barOffset - barHeight) // below the last bar
	height := bottom + 24

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="quiz-chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s %s" fill="currentColor" font-size="14">`+"\n",
		chartWidth, height, ChartTitleID, ChartDescID)
	fmt.Fprintf(&b, `<title id="%s">Operating model gap by area</title>`+"\n", ChartTitleID)
	fmt.Fprintf(&b, `<desc id="%s">`, ChartDescID)
	b.WriteString("Gap scores from 0 to 100; a higher score means a wider gap between strategy and execution.")
	for _, d := range r.Dimensions {
		fmt.Fprintf(&b, " %s: %d%%.", esc(d.Name), clamp(d.Score))
	}
	fmt.Fprintf(&b, " Overall: %d%%", clamp(r.Score))
	if r.Band != nil {
		fmt.Fprintf(&b, ", %s", esc(r.Band.Headline))
	}
	b.WriteString(".</desc>\n")

	for i := range r.Dimensions {
		y := rowTop + i*rowHeight + barOffset
		fmt.Fprintf(&b, `<rect class="track" x="%d" y="%d" width="%d" height="%d"/>`+"\n", plotX, y, plotWidth, barHeight)
	}
	b.WriteString(`<g class="grid" stroke="currentColor">` + "\n")
	for _, pct := range []int{0, 50, 100} {
		x := plotX + pct*plotWidth/100
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d"/>`+"\n", x, rowTop, x, bottom+4)
	}
	b.WriteString("</g>\n")
	for i, d := range r.Dimensions {
		top := rowTop + i*rowHeight
		class := "bar"
		if weak[d.ID] {
			class = "bar bar-weak"
		}
		score := clamp(d.Score) // a stored Result may have been edited
		fmt.Fprintf(&b, `<text class="label" x="%d" y="%d">%s</text>`+"\n", plotX, top+14, esc(d.Name))
		fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%d" width="%d" height="%d"/>`+"\n", class, plotX, top+barOffset, score*plotWidth/100, barHeight)
		fmt.Fprintf(&b, `<text class="value" x="%d" y="%d" text-anchor="end">%d%%</text>`+"\n", chartWidth-4, top+barOffset+barHeight-3, score)
	}
	b.WriteString(`<g class="tick" font-size="12" text-anchor="middle">` + "\n")
	for _, pct := range []int{0, 50, 100} {
		fmt.Fprintf(&b, `<text x="%d" y="%d">%d</text>`+"\n", plotX+pct*plotWidth/100, bottom+18, pct)
	}
	b.WriteString("</g>\n</svg>\n")
	return template.HTML(b.String())
}

// clamp brings a score into 0 to 100.
func clamp(score int) int { return min(max(score, 0), 100) }
