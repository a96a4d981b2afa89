package quiz

import (
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.svg from the current output")

// chartResult is a Result with the quiz's five areas and the given
// scores; the two highest are the weakest, ties to the first.
func chartResult(score int, headline string, dims ...int) Result {
	names := []string{"Strategy–operations alignment", "Process design", "Leadership alignment", "Technology adoption", "Accountability"}
	ids := []string{"alignment", "process", "leadership", "technology", "accountability"}
	r := Result{Score: score, Band: &Band{ID: "b", Headline: headline}}
	for i, s := range dims {
		r.Dimensions = append(r.Dimensions, DimensionScore{ID: ids[i], Name: names[i], Score: s})
	}
	first, second := -1, -1
	for i, d := range r.Dimensions {
		switch {
		case first < 0 || d.Score > r.Dimensions[first].Score:
			first, second = i, first
		case second < 0 || d.Score > r.Dimensions[second].Score:
			second = i
		}
	}
	r.Weakest = []DimensionScore{r.Dimensions[first], r.Dimensions[second]}
	return r
}

func TestChartGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    Result
	}{
		{"mixed", chartResult(47, "Early strain", 58, 25, 83, 17, 50)},
		{"zero", chartResult(0, "Built to deliver", 0, 0, 0, 0, 0)},
		{"full", chartResult(100, "Outgrown operating model", 100, 100, 100, 100, 100)},
		{"escaped", Result{
			Score: 50,
			Dimensions: []DimensionScore{
				{ID: "a", Name: `People & "process" <tools>`, Score: 50},
				{ID: "b", Name: "Out of range", Score: 140},
			},
			Weakest: []DimensionScore{{ID: "b"}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, filepath.Join("testdata", "chart-"+tc.name+".svg"), string(Chart(tc.r)))
		})
	}
}

// golden compares got with the file, or with -update writes it.
func golden(t testing.TB, file, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s: output differs (run go test -update to accept it)\n%s", file, firstDiff(got, string(want)))
	}
}

// firstDiff describes the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if i >= len(g) || i >= len(w) || gl != wl {
			return fmt.Sprintf("line %d:\ngot  %q\nwant %q", i+1, gl, wl)
		}
	}
	return "no difference"
}

// TestChartProperties checks what the page relies on, whatever the
// drawing looks like.
func TestChartProperties(t *testing.T) {
	r := chartResult(47, "Early strain", 58, 25, 83, 17, 50)
	svg := string(Chart(r))
	for _, want := range []string{
		`role="img"`,
		`aria-labelledby="` + ChartTitleID + ` ` + ChartDescID + `"`,
		`<title id="` + ChartTitleID + `">`,
		`<desc id="` + ChartDescID + `">`,
		`viewBox="0 0 `,
		"Strategy–operations alignment: 58%.",
		"Overall: 47%, Early strain.",
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	for _, bad := range []string{"style", "font-family", "@import", "<image", "href", `width="100%"`, "#"} {
		if strings.Contains(svg, bad) {
			t.Errorf("chart contains %q; a strict CSP or a phone's width would break it", bad)
		}
	}
	if got := strings.Count(svg, `class="bar`); got != 5 {
		t.Errorf("bars: got %d, want 5", got)
	}
	if got := strings.Count(svg, `class="bar bar-weak"`); got != 2 {
		t.Errorf("weakest bars: got %d, want 2", got)
	}
	// The bars' widths are proportional to the scores.
	var widths []string
	for _, m := range regexp.MustCompile(`class="bar[^"]*" x="\d+" y="\d+" width="(\d+)"`).FindAllStringSubmatch(svg, -1) {
		widths = append(widths, m[1])
	}
	if got, want := strings.Join(widths, " "), "174 75 249 51 150"; got != want {
		t.Errorf("bar widths: got %s, want %s", got, want)
	}
	if Chart(r) != Chart(r) {
		t.Errorf("Chart is not deterministic")
	}
	// Well-formed XML, so browsers parse it the same inline or alone.
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("chart is not well-formed XML: %v", err)
		}
	}
}
