package markdown

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"unicode"

	"github.com/cassidine/site/internal/shortcode"
)

// render renders src with a new Renderer and fails the test on error.
func render(t testing.TB, src string) *Doc {
	t.Helper()
	d, err := New().Render([]byte(src))
	if err != nil {
		t.Fatalf("Render(%q): %v", src, err)
	}
	return d
}

// checkHTML asserts that the rendered HTML contains every fragment in want
// and none in notWant.
func checkHTML(t testing.TB, d *Doc, want, notWant []string) {
	t.Helper()
	html := string(d.HTML)
	for _, w := range want {
		if !strings.Contains(html, w) {
			t.Errorf("HTML: got\n%s\nwant it to contain %q", html, w)
		}
	}
	for _, nw := range notWant {
		if strings.Contains(html, nw) {
			t.Errorf("HTML: got\n%s\nwant it not to contain %q", html, nw)
		}
	}
}

func TestGFM(t *testing.T) {
	for _, tc := range []struct {
		name, src     string
		want, notWant []string
	}{
		{"table", "| Name | Hours |\n|:-----|------:|\n| Ann  | 10    |\n| Bo   | 2     |\n",
			[]string{"<table>", "<th style=\"text-align:left\">Name</th>", "<th style=\"text-align:right\">Hours</th>",
				"<tbody>\n<tr>\n<td style=\"text-align:left\">Ann</td>\n<td style=\"text-align:right\">10</td>\n</tr>"},
			[]string{"|"}},
		{"strikethrough", "It was ~~free~~ cheap.\n",
			[]string{"<p>It was <del>free</del> cheap.</p>"}, []string{"~"}},
		{"linkify url", "See https://example.com/path?q=1 now.\n",
			[]string{`<a href="https://example.com/path?q=1">https://example.com/path?q=1</a> now.`}, nil},
		{"linkify www", "Or www.example.org.\n",
			[]string{`<a href="http://www.example.org">www.example.org</a>.`}, nil},
		{"angle autolink", "Mail <hello@example.com>.\n",
			[]string{`<a href="mailto:hello@example.com">hello@example.com</a>`}, nil},
		{"task list", "- [x] done\n- [ ] todo\n- plain\n",
			[]string{`<li><input checked="" disabled="" type="checkbox"> done</li>`, `<li><input disabled="" type="checkbox"> todo</li>`, "<li>plain</li>"},
			[]string{"[x]", "[ ]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkHTML(t, render(t, tc.src), tc.want, tc.notWant)
		})
	}
}

func TestFootnotes(t *testing.T) {
	d := render(t, "Claim[^1] and another[^note], again[^1].\n\n[^1]: First.\n[^note]: Second.\n")
	checkHTML(t, d, []string{
		`<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>`,
		`<sup id="fnref:2"><a href="#fn:2"`,
		`<div class="footnotes" role="doc-endnotes">`,
		`<li id="fn:1">`,
		`<li id="fn:2">`,
		`<a href="#fnref:1" class="footnote-backref"`,
	}, []string{"[^1]", "[^note]"})
	// Every id in the HTML is in IDs, including the second reference to [^1].
	for _, id := range idsIn(string(d.HTML)) {
		if !d.HasID(id) {
			t.Errorf("HasID(%q): got false, want true (IDs %q)", id, d.IDs)
		}
	}
	for _, id := range []string{"fn:1", "fn:2", "fnref:1", "fnref:2", "fnref1:1"} {
		if !d.HasID(id) {
			t.Errorf("HasID(%q): got false, want true (IDs %q)", id, d.IDs)
		}
	}
	if want := []string{"fn:1", "fn:2", "fnref1:1", "fnref:1", "fnref:2"}; !slices.Equal(d.IDs, want) {
		t.Errorf("IDs: got %q, want %q", d.IDs, want)
	}
}

// idsIn returns the values of the id attributes in html.
func idsIn(html string) []string {
	var ids []string
	for _, part := range strings.Split(html, ` id="`)[1:] {
		ids = append(ids, part[:strings.IndexByte(part, '"')])
	}
	return ids
}

func TestTypographer(t *testing.T) {
	for _, tc := range []struct {
		src, want string
	}{
		{`"Quoted," she said.`, "<p>&ldquo;Quoted,&rdquo; she said.</p>"},
		{`It's 'single'.`, "<p>It&rsquo;s &lsquo;single&rsquo;.</p>"},
		{"Pages 3--5.", "<p>Pages 3&ndash;5.</p>"},
		{"Wait --- what?", "<p>Wait &mdash; what?</p>"},
		{"And so...", "<p>And so&hellip;</p>"},
		{"Keep `\"code\" -- as is`.", "<p>Keep <code>&quot;code&quot; -- as is</code>.</p>"},
	} {
		d := render(t, tc.src)
		if got := strings.TrimSpace(string(d.HTML)); got != tc.want {
			t.Errorf("Render(%q): got %q, want %q", tc.src, got, tc.want)
		}
	}
}

func TestRawHTMLIsNotRendered(t *testing.T) {
	src := "<script>alert(1)</script>\n\nText <script>steal()</script> and <b onclick=\"x()\">bold</b>.\n\n<div style=\"display:none\">\nhidden\n</div>\n\n<iframe src=\"https://evil.example\"></iframe>\n"
	d := render(t, src)
	checkHTML(t, d, []string{"<!-- raw HTML omitted -->"},
		[]string{"<script", "</script>", "<b ", "onclick", "<div", "<iframe", "evil.example"})
}

func TestHeadingIDs(t *testing.T) {
	d := render(t, "# Title\n\n## Intro\n\n## Intro\n\nText\n\n### Intro\n\n## Why It's *Hard*\n\n#### Deep Down\n\n## 2026: A Year\n\n## ¿Qué?\n")
	want := []Heading{
		{1, "title", "Title"},
		{2, "intro", "Intro"},
		{2, "intro-1", "Intro"},
		{3, "intro-2", "Intro"},
		{2, "why-its-hard", "Why It’s Hard"},
		{4, "deep-down", "Deep Down"},
		{2, "2026-a-year", "2026: A Year"},
		{2, "qu", "¿Qué?"},
	}
	if !slices.Equal(d.Headings, want) {
		t.Errorf("Headings:\n got %+v\nwant %+v", d.Headings, want)
	}
	seen := map[string]bool{}
	for _, h := range d.Headings {
		if seen[h.ID] {
			t.Errorf("id %q: got it twice, want unique ids", h.ID)
		}
		seen[h.ID] = true
		if !d.HasID(h.ID) {
			t.Errorf("HasID(%q): got false, want true", h.ID)
		}
	}
	if !slices.IsSorted(d.IDs) {
		t.Errorf("IDs: got %q, want them sorted", d.IDs)
	}
	if len(d.IDs) != len(want) {
		t.Errorf("IDs: got %q, want %d ids", d.IDs, len(want))
	}
}

func TestHeadingMarkup(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"plain", "## Getting Started",
			`<h2 id="getting-started"><a class="anchor" href="#getting-started">Getting Started</a></h2>`},
		{"level 3 with markup", "### The `Render` *call*",
			`<h3 id="the-render-call"><a class="anchor" href="#the-render-call">The <code>Render</code> <em>call</em></a></h3>`},
		{"setext", "Setext Heading\n--------------",
			`<h2 id="setext-heading"><a class="anchor" href="#setext-heading">Setext Heading</a></h2>`},
		{"escaped text", "## Fish & Chips <3",
			`<h2 id="fish--chips-3"><a class="anchor" href="#fish--chips-3">Fish &amp; Chips &lt;3</a></h2>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := render(t, tc.src)
			if got := strings.TrimSpace(string(d.HTML)); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestHeadingWithLink checks that a heading holding a link is not wrapped
// in another link (links cannot nest) but gets a separate "#" anchor.
func TestHeadingWithLink(t *testing.T) {
	for _, tc := range []struct {
		name, src, inner, text string
	}{
		{"link", "## See [the docs](/docs/) first", `See <a href="/docs/">the docs</a> first`, "See the docs first"},
		{"autolink", "## Visit https://example.com", `Visit <a href="https://example.com">https://example.com</a>`, "Visit https://example.com"},
		{"angle autolink", "## Write <hi@example.com>", `Write <a href="mailto:hi@example.com">hi@example.com</a>`, "Write hi@example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := render(t, tc.src)
			if len(d.Headings) != 1 {
				t.Fatalf("Headings: got %+v, want one", d.Headings)
			}
			h := d.Headings[0]
			if h.ID == "" {
				t.Fatalf("heading id: got none, want one")
			}
			if h.Text != tc.text {
				t.Errorf("heading text: got %q, want %q", h.Text, tc.text)
			}
			want := fmt.Sprintf(`<h2 id="%s">%s <a class="anchor" href="#%s" aria-label="Link to this section">#</a></h2>`, h.ID, tc.inner, h.ID)
			if got := strings.TrimSpace(string(d.HTML)); got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			if n := strings.Count(string(d.HTML), "<a "); n != 2 {
				t.Errorf("got %d links, want 2 (the heading's and the anchor)", n)
			}
		})
	}
}

func TestLinks(t *testing.T) {
	src := `First [one](/one/) on line 1
then [two](/two/ "Title") on line 2.

- item [three](../three/)
- ![A cat](/img/cat.png "Cat")
  - nested [four](#four)

## Heading [five](/five/#x)

> quoted
> [six](https://example.com/six)

![](/empty-alt.png)

Text on line 15
ends with ![logo](/logo.svg)
and [*emphasised*](/seven/)
plus [` + "`code`" + `](/eight/).

| a | b |
|---|---|
| [nine](/nine/) | x |

[ref link][ref] and [ten]
then ![](/no-alt-line-25.png)

[ref]: /ref/
[ten]: /ten/
`
	d := render(t, src)
	want := []Link{
		{Dest: "/one/", Line: 1},
		{Dest: "/two/", Line: 2},
		{Dest: "../three/", Line: 4},
		{Dest: "/img/cat.png", Line: 5, Image: true, Alt: "A cat"},
		{Dest: "#four", Line: 6},
		{Dest: "/five/#x", Line: 8},
		{Dest: "https://example.com/six", Line: 11},
		{Dest: "/empty-alt.png", Line: 13, Image: true},
		{Dest: "/logo.svg", Line: 16, Image: true, Alt: "logo"},
		{Dest: "/seven/", Line: 17},
		{Dest: "/eight/", Line: 18},
		{Dest: "/nine/", Line: 22},
		{Dest: "/ref/", Line: 24},
		{Dest: "/ten/", Line: 24},
		{Dest: "/no-alt-line-25.png", Line: 25, Image: true},
	}
	if !slices.Equal(d.Links, want) {
		t.Errorf("Links:")
		for i := range max(len(d.Links), len(want)) {
			var got, w Link
			if i < len(d.Links) {
				got = d.Links[i]
			}
			if i < len(want) {
				w = want[i]
			}
			mark := "  "
			if got != w {
				mark = "! "
			}
			t.Errorf("%sgot %+v, want %+v", mark, got, w)
		}
	}
}

func TestLinksCRLF(t *testing.T) {
	d := render(t, "a\r\n\r\nb [x](/x/)\r\nc\r\n![y](/y.png)\r\n")
	want := []Link{{Dest: "/x/", Line: 3}, {Dest: "/y.png", Line: 5, Image: true, Alt: "y"}}
	if !slices.Equal(d.Links, want) {
		t.Errorf("Links: got %+v, want %+v", d.Links, want)
	}
}

func TestTOC(t *testing.T) {
	d := render(t, "# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n## Six\n\n###### Seven\n")
	want := []Heading{{2, "two", "Two"}, {3, "three", "Three"}, {2, "six", "Six"}}
	if got := d.TOC(); !slices.Equal(got, want) {
		t.Errorf("TOC: got %+v, want %+v", got, want)
	}
	if len(d.Headings) != 7 {
		t.Errorf("Headings: got %d, want all 7", len(d.Headings))
	}
	if got := render(t, "# Only a title\n\ntext\n").TOC(); len(got) != 0 {
		t.Errorf("TOC without sections: got %+v, want none", got)
	}
}

func TestHasID(t *testing.T) {
	d := render(t, "## Beta\n\n## Alpha\n\nNote[^1].\n\n[^1]: x\n")
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"alpha", true},
		{"beta", true},
		{"fn:1", true},
		{"fnref:1", true},
		{"gamma", false},
		{"", false},
		{"Alpha", false},
		{"#alpha", false},
		{"fn:2", false},
	} {
		if got := d.HasID(tc.id); got != tc.want {
			t.Errorf("HasID(%q): got %v, want %v (IDs %q)", tc.id, got, tc.want, d.IDs)
		}
	}
	if (&Doc{}).HasID("x") {
		t.Errorf("empty Doc HasID(x): got true, want false")
	}
}

func TestReadingTime(t *testing.T) {
	for _, tc := range []struct{ words, want int }{
		{0, 1},
		{1, 1},
		{229, 1},
		{230, 1},
		{231, 2},
		{460, 2},
		{461, 3},
		{2300, 10},
		{2301, 11},
	} {
		d := &Doc{Words: tc.words}
		if got := d.ReadingTime(); got != tc.want {
			t.Errorf("ReadingTime with %d words: got %d, want %d", tc.words, got, tc.want)
		}
	}
	// From rendered text: 231 words take two minutes.
	d := render(t, strings.Repeat("word ", 231))
	if d.Words != 231 || d.ReadingTime() != 2 {
		t.Errorf("231 words: got Words %d, ReadingTime %d; want 231, 2", d.Words, d.ReadingTime())
	}
}

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      int
	}{
		{"empty", "", 0},
		{"one", "one", 1},
		{"spaces", "  one   two three  ", 3},
		{"tab", "one\ttwo", 2},
		{"no-break space", "one\u00a0two", 2},
		{"em and ideographic spaces", "one\u2003two\u3000three\u2009four", 4},
		{"line separator", "one\u2028two", 2},
		{"no spaces in CJK", "日本語のテキスト", 1},
		{"soft line break", "line one\nline two", 4},
		{"hard line break", "line one  \nline two", 4},
		{"backslash line break", "one\\\ntwo", 2},
		{"paragraphs", "one two\n\nthree", 3},
		{"heading and list", "## A heading\n\n- item one\n- item two\n", 6},
		{"table cells", "| a | b |\n|---|---|\n| c d | e |\n", 5},
		{"code block not counted", "Intro:\n\n```go\nfunc main() {}\n```\n\n    indented code\n", 1},
		{"code span", "run `go test` now", 4},
		{"link text", "see [the docs](/docs/) first", 4},
		{"autolink", "visit https://example.com today", 3},
		{"typographer apostrophe", "don't stop, it's fine", 4},
		{"typographer quotes", `"quoted words" here`, 3},
		{"typographer dashes", "one -- two --- three", 3},
		{"ellipsis", "and so... on", 3},
		{"emphasis inside a word", "un*believ*able **bold**ly", 2},
		{"footnote", "claim[^1]\n\n[^1]: a note", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(t, tc.src).Words; got != tc.want {
				t.Errorf("Words(%q): got %d, want %d", tc.src, got, tc.want)
			}
		})
	}
}

// TestRendererReuse checks that one Renderer renders documents
// independently: nothing carries over from the previous one.
func TestRendererReuse(t *testing.T) {
	r := New()
	first, err := r.Render([]byte("## Same\n\nA [link](/a/) and a long first document.\n"))
	if err != nil {
		t.Fatal(err)
	}
	firstHTML := string(first.HTML)
	second, err := r.Render([]byte("## Same\n\nShort.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if string(first.HTML) != firstHTML {
		t.Errorf("first HTML changed after the second render:\n got %s\nwant %s", first.HTML, firstHTML)
	}
	if second.Headings[0].ID != "same" {
		t.Errorf("second document's id: got %q, want %q (ids must not carry over)", second.Headings[0].ID, "same")
	}
	if len(second.Links) != 0 || strings.Contains(string(second.HTML), "link") {
		t.Errorf("second document: got links %v, HTML %s; want nothing from the first", second.Links, second.HTML)
	}
}

// TestRenderersInParallel runs one Renderer per goroutine, as the build
// does; run with -race.
func TestRenderersInParallel(t *testing.T) {
	src := []byte("## A\n\nText [x](/x/) \"quoted\"[^1].\n\n[^1]: n\n")
	want := render(t, string(src))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			r := New()
			for range 20 {
				d, err := r.Render(src)
				if err != nil {
					t.Error(err)
					return
				}
				if string(d.HTML) != string(want.HTML) || d.Words != want.Words {
					t.Errorf("got %s (%d words), want %s (%d words)", d.HTML, d.Words, want.HTML, want.Words)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestRawHTMLIsReported(t *testing.T) {
	d := render(t, "Text <b>x</b>\n\n<div>\nhidden\n</div>\n\n<!-- quiet -->\n")
	want := []Warning{
		{1, "raw HTML left out: <b>, </b> (raw HTML is off; write markdown, or use a shortcode)"},
		{3, "raw HTML left out: <div> … (raw HTML is off; write markdown, or use a shortcode)"},
	}
	if !slices.Equal(d.Warnings, want) {
		t.Errorf("Warnings:\n got %+v\nwant %+v", d.Warnings, want)
	}
	d, err := NewWith(Options{Unsafe: true}).Render([]byte("Text <b>x</b>\n"))
	if err != nil || len(d.Warnings) != 0 || !strings.Contains(string(d.HTML), "<b>x</b>") {
		t.Errorf("Unsafe: got %s, warnings %+v, error %v; want the HTML kept, no warnings", d.HTML, d.Warnings, err)
	}
}

// TestErrors checks that content errors come as Errors, each with its
// line, and that the Doc comes with them.
func TestErrors(t *testing.T) {
	d, err := New().Render([]byte("a\n\n{{< nosuch >}}\n\nb {{< figure >}}\n"))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("got %v, want Errors", err)
	}
	var lines []int
	for _, e := range errs {
		lines = append(lines, e.Line)
	}
	if !slices.Equal(lines, []int{3, 5}) {
		t.Errorf("lines: got %v, want [3 5] (errors %v)", lines, err)
	}
	if d == nil || !strings.Contains(string(d.HTML), "<p>a</p>") {
		t.Errorf("Doc with errors: got %v, want the rest rendered", d)
	}
	if d, err := New().Render([]byte("fine")); err != nil || d == nil {
		t.Errorf("no errors: got %v, %v; want a Doc and nil", d, err)
	}
}

// TestRendererReuseShortcodes checks that nothing of one page's
// shortcodes carries over to the next.
func TestRendererReuseShortcodes(t *testing.T) {
	r := New()
	page := func(author string) Page {
		return Page{Page: shortcode.Page{Params: map[string]any{"author": author}}, Resolve: func(p string) (string, error) { return "/" + author + "/", nil }}
	}
	first, err := r.RenderPage([]byte("{{< param author >}} [x]({{< ref \"a\" >}})\n"), page("ann"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := r.RenderPage([]byte("{{< param author >}} [x]({{< ref \"a\" >}})\n"), page("bo"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `<p>ann <a href="/ann/">x</a></p>`; strings.TrimSpace(string(first.HTML)) != want {
		t.Errorf("first: got %s, want %s", first.HTML, want)
	}
	if want := `<p>bo <a href="/bo/">x</a></p>`; strings.TrimSpace(string(second.HTML)) != want {
		t.Errorf("second: got %s, want %s", second.HTML, want)
	}
	if len(second.Links) != 1 || second.Links[0].Dest != "/bo/" {
		t.Errorf("second links: got %+v, want one to /bo/", second.Links)
	}
}

// TestRenderersInParallelWithSite runs one Renderer per goroutine over
// one set of site templates, as the build does; run with -race.
func TestRenderersInParallelWithSite(t *testing.T) {
	ts, err := shortcode.LoadTemplates(fstest.MapFS{
		"sc/note.html": {Data: []byte(`<div class="note">{{ .Inner | markdownify }} {{ ref . "x" }}</div>`)},
	}, "sc")
	if err != nil {
		t.Fatal(err)
	}
	src := []byte("{{< note >}}*a*{{< /note >}}\n\n{{% note %}}b{{% /note %}}\n")
	page := Page{Resolve: func(p string) (string, error) { return "/" + p + "/", nil }}
	want, err := NewWith(Options{Shortcodes: ts}).RenderPage(src, page)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			r := NewWith(Options{Shortcodes: ts})
			for range 20 {
				d, err := r.RenderPage(src, page)
				if err != nil || string(d.HTML) != string(want.HTML) || len(d.Links) != len(want.Links) {
					t.Errorf("got %s, %d links, %v; want %s, %d links", d.HTML, len(d.Links), err, want.HTML, len(want.Links))
					return
				}
			}
		})
	}
	wg.Wait()
}

// FuzzCountWords checks countWords against the plain rune-by-rune count.
func FuzzCountWords(f *testing.F) {
	for _, s := range []string{"", "one", " two words ", "a\tb\nc\vd\fe\rf", "longer text of ascii words, past eight bytes", "déjà vu\u00a0ici\u2003là", "\x85x\xffy", "12345678 2345678\x01 x"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, in bool) {
		want, wantIn := 0, in
		for _, r := range s {
			space := unicode.IsSpace(r)
			if !space && !wantIn {
				want++
			}
			wantIn = !space
		}
		if got, gotIn := countWords([]byte(s), in); got != want || gotIn != wantIn {
			t.Fatalf("countWords(%q, %v) = %d, %v; want %d, %v", s, in, got, gotIn, want, wantIn)
		}
	})
}
