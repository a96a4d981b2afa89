package theme

import (
	"html/template"
	"strings"
	"testing"
)

// TestTableOfContentsAsTemplate checks that TableOfContents writes what
// the range it replaces wrote through html/template, for headings whose
// text and ids hold every character either escapes.
func TestTableOfContentsAsTemplate(t *testing.T) {
	range_ := template.Must(template.New("toc").Parse(`<ol>{{range .TOC}}<li class="toc-{{.Level}}"><a href="#{{.ID}}">{{.Text}}</a></li>{{end}}</ol>`))
	odd := "plain \x00 \" & ' + < > ` = ! # $ % * , / : ; ? @ [ ] ( ) { } | \\ ^ ~ - . _ é 日本 \u202e 😀 \t\n"
	for _, toc := range [][]Heading{
		nil,
		{{Level: 2, ID: "why-it-matters", Text: "Why it matters"}},
		{{Level: 2, ID: "a", Text: odd}, {Level: 3, ID: odd, Text: "B"}, {Level: 3, ID: "x%20y", Text: "C & D"}},
	} {
		p := &Page{TOC: toc}
		var want strings.Builder
		if err := range_.Execute(&want, p); err != nil {
			t.Fatal(err)
		}
		if got := string(p.TableOfContents()); got != want.String() {
			t.Errorf("TOC %+v:\n got %s\nwant %s", toc, got, want.String())
		}
	}
}
