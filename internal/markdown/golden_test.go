package markdown

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cassidine/site/internal/shortcode"
	"github.com/rogpeppe/go-internal/diff"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite output.html and report.txt in testdata/*.txtar")

// TestGolden renders input.md of each testdata/*.txtar, with the site
// shortcodes in its layouts/shortcodes/ files, and compares the HTML with
// output.html and what the Renderer reports (errors, warnings, links,
// headings, ids, summary, words) with report.txt. Comment lines set up
// the page:
//
//	unsafe                    Options.Unsafe
//	title: Page title         the page's title
//	param: key=value          a front matter parameter (a string)
//	siteparam: key=value      a site parameter
//	sitetitle: Site           the site's title
//	ref: path=/url/           what Resolve returns for path; other paths fail
//	noresolver                Resolve is nil
//
// Run with -update to rewrite the expectations from the current output.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			runGolden(t, file)
		})
	}
}

func runGolden(t *testing.T, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var o Options
	p := Page{Page: shortcode.Page{Params: map[string]any{}, Site: shortcode.SiteData{Params: map[string]any{}}}}
	refs := map[string]string{}
	p.Resolve = func(path string) (string, error) {
		if u, ok := refs[path]; ok {
			return u, nil
		}
		return "", errors.New("no such content file")
	}
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		key, val, _ := strings.Cut(line, ":")
		val = strings.TrimSpace(val)
		k, v, _ := strings.Cut(val, "=")
		switch strings.TrimSpace(key) {
		case "unsafe":
			o.Unsafe = true
		case "noresolver":
			p.Resolve = nil
		case "title":
			p.Title = val
		case "sitetitle":
			p.Site.Title = val
		case "param":
			p.Params[k] = v
		case "siteparam":
			p.Site.Params[k] = v
		case "ref":
			refs[k] = v
		}
	}
	var input []byte
	layouts := fstest.MapFS{}
	for _, f := range ar.Files {
		switch {
		case f.Name == "input.md":
			input = f.Data
		case strings.HasPrefix(f.Name, "layouts/"):
			layouts[f.Name] = &fstest.MapFile{Data: f.Data}
		}
	}
	if input == nil {
		t.Fatalf("%s: no input.md", file)
	}
	if len(layouts) > 0 {
		ts, err := shortcode.LoadTemplates(layouts, "layouts/shortcodes")
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		o.Shortcodes = ts
	}
	d, err := NewWith(o).RenderPage(input, p)
	got := map[string][]byte{"output.html": []byte(d.HTML), "report.txt": report(d, err)}

	changed := false
	for name, data := range got {
		i := fileIndex(ar, name)
		if i < 0 {
			if !*update {
				t.Errorf("%s: no %s; run with -update to add it", file, name)
				continue
			}
			ar.Files = append(ar.Files, txtar.File{Name: name})
			i = len(ar.Files) - 1
		}
		if bytes.Equal(ar.Files[i].Data, data) {
			continue
		}
		if *update {
			ar.Files[i].Data = data
			changed = true
			continue
		}
		t.Errorf("%s: %s differs:\n%s", file, name, diff.Diff("want", ar.Files[i].Data, "got", data))
	}
	if changed {
		if err := os.WriteFile(file, txtar.Format(ar), 0o666); err != nil {
			t.Fatal(err)
		}
	}
}

func fileIndex(ar *txtar.Archive, name string) int {
	for i, f := range ar.Files {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// report prints what Render says besides the HTML, one fact a line.
func report(d *Doc, err error) []byte {
	var b bytes.Buffer
	section := func(name string, n int) bool {
		if n > 0 {
			fmt.Fprintf(&b, "%s:\n", name)
		}
		return n > 0
	}
	var errs Errors
	if err != nil && !errors.As(err, &errs) {
		fmt.Fprintf(&b, "error (not Errors): %v\n", err)
	}
	if section("errors", len(errs)) {
		for _, e := range errs {
			fmt.Fprintf(&b, "  line %d: %v\n", e.Line, e.Err)
		}
	}
	if d == nil {
		return b.Bytes()
	}
	if section("warnings", len(d.Warnings)) {
		for _, w := range d.Warnings {
			fmt.Fprintf(&b, "  line %d: %s\n", w.Line, w.Message)
		}
	}
	if section("links", len(d.Links)) {
		for _, l := range d.Links {
			what := "link"
			if l.Image {
				what = "image"
			}
			fmt.Fprintf(&b, "  line %d: %s %q", l.Line, what, l.Dest)
			if l.Image {
				fmt.Fprintf(&b, " alt=%q", l.Alt)
			}
			if l.Ref != "" {
				fmt.Fprintf(&b, " ref=%q", l.Ref)
			}
			if l.Shortcode != "" {
				fmt.Fprintf(&b, " by %s", l.Shortcode)
			}
			b.WriteByte('\n')
		}
	}
	if section("headings", len(d.Headings)) {
		for _, h := range d.Headings {
			fmt.Fprintf(&b, "  h%d #%s %q\n", h.Level, h.ID, h.Text)
		}
	}
	if len(d.IDs) > 0 {
		fmt.Fprintf(&b, "ids: %s\n", strings.Join(d.IDs, " "))
	}
	if d.Summary != "" || d.SummaryHTML != "" {
		fmt.Fprintf(&b, "summary: %q\nsummary HTML: %q\n", d.Summary, d.SummaryHTML)
	}
	fmt.Fprintf(&b, "words: %d\n", d.Words)
	return b.Bytes()
}
