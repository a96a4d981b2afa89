package markdown

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cassidine/site/internal/shortcode"
	"golang.org/x/tools/txtar"
)

// codeElements matches what the HTML shows as code.
var codeElements = regexp.MustCompile(`(?s)<code[ >].*?</code>`)

// FuzzShortcodes checks that rendering never panics, never leaks a
// placeholder, and, when it reports no error, leaves no shortcode in the
// HTML but escaped ones and those in code.
func FuzzShortcodes(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, fl := range ar.Files {
			if fl.Name == "input.md" {
				f.Add(string(fl.Data))
			}
		}
	}
	for _, s := range []string{
		"{{< box >}}{{% note %}}*x*{{% /note %}}{{< /box >}}",
		"> {{% note %}}\n> - {{< mark >}}a{{< /mark >}}\n> {{% /note %}}",
		"`{{< box >}}` {{< box >}}`x`{{< /box >}}",
		"{{% note %}}\n```\n{{< box >}}\n```\n{{% /note %}}",
		"## {{% note %}}h{{% /note %}} {#x}\n\n[a]({{< ref \"a\" >}})",
		"hxsc0x {{< e >}} hxsc1x",
	} {
		f.Add(s)
	}
	ts, err := shortcode.LoadTemplates(fstest.MapFS{
		"sc/box.html":  {Data: []byte(`<div class="box">{{ .Inner }}</div>`)},
		"sc/note.html": {Data: []byte("<aside>\n{{ .Inner }}\n</aside>\n")},
		"sc/mark.html": {Data: []byte(`<mark>{{ .Inner | markdownify }}</mark>`)},
		"sc/e.html":    {Data: []byte(``)},
	}, "sc")
	if err != nil {
		f.Fatal(err)
	}
	page := Page{
		Page:    shortcode.Page{Title: "T", Params: map[string]any{"p": "v"}},
		Resolve: func(p string) (string, error) { return "/" + p + "/", nil },
	}
	f.Fuzz(func(t *testing.T, src string) {
		d, err := NewWith(Options{Shortcodes: ts}).RenderPage([]byte(src), page)
		if d == nil {
			t.Fatalf("Render(%q): no Doc (error %v)", src, err)
		}
		html := string(d.HTML)
		if p := placeholderPrefix([]byte(src)); strings.Contains(html, p) {
			t.Fatalf("Render(%q): a placeholder (%s) is left in\n%s", src, p, html)
		}
		if !strings.HasPrefix(html, string(d.SummaryHTML)) {
			t.Fatalf("Render(%q): SummaryHTML %q does not start HTML %q", src, d.SummaryHTML, html)
		}
		lines := strings.Count(src, "\n") + 1
		for _, l := range d.Links {
			if l.Line < 1 || l.Line > lines {
				t.Fatalf("Render(%q): link %+v outside the source's %d lines", src, l, lines)
			}
		}
		if err != nil || strings.Contains(src, "&") {
			return // errors say what was wrong; entities can write braces
		}
		tags := shortcode.Scan([]byte(src))
		if strings.Count(src, "{") != 2*len(tags) {
			return // braces outside delimiters can make "{{<" with the output
		}
		allowed := 0
		for _, tag := range tags {
			if tag.Escaped {
				allowed++
			}
		}
		text := codeElements.ReplaceAllString(html, "")
		if n := strings.Count(text, "{{&lt;") + strings.Count(text, "{{%") + strings.Count(text, "{{<"); n > allowed {
			t.Fatalf("Render(%q): %d shortcodes left outside code, %d escaped:\n%s", src, n, allowed, html)
		}
	})
}
