// Package markdown renders content markdown to HTML with goldmark,
// configured once here, and reports what the build needs to know about
// each document: its headings (for the table of contents and anchor
// checks), its links and images (for link checks) and its length (for the
// reading time).
package markdown

import (
	"bytes"
	"html"
	"slices"
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Heading is one section heading of a document.
type Heading struct {
	Level int    // 2 for ##, 3 for ###, ...
	ID    string // the element id, also the #fragment that links to it
	Text  string // plain text
}

// Link is one link or image destination written in the markdown.
type Link struct {
	Dest  string
	Line  int  // line within the markdown source (1-based)
	Image bool // an image rather than a link
	Alt   string
}

// Doc is a rendered document.
type Doc struct {
	HTML     []byte
	Headings []Heading // every heading, in order
	IDs      []string  // every element id, sorted: headings and footnotes
	Links    []Link
	Words    int
}

// TOC returns the headings a table of contents lists: levels 2 and 3.
func (d *Doc) TOC() []Heading {
	var toc []Heading
	for _, h := range d.Headings {
		if h.Level == 2 || h.Level == 3 {
			toc = append(toc, h)
		}
	}
	return toc
}

// HasID reports whether the document has an element with id.
func (d *Doc) HasID(id string) bool {
	_, ok := slices.BinarySearch(d.IDs, id)
	return ok
}

// ReadingTime is the minutes a reader needs at 230 words a minute, at least one.
func (d *Doc) ReadingTime() int { return max(1, (d.Words+229)/230) }

// Renderer converts markdown. It is safe for use by one goroutine at a
// time; make one per worker.
type Renderer struct {
	md  goldmark.Markdown
	buf bytes.Buffer
}

// New returns a Renderer with the site's markdown dialect.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,         // tables, strikethrough, autolinks, task lists
			extension.Footnote,    // [^1] footnotes, listed at the end
			extension.Typographer, // "curly quotes", -- en and --- em dashes, ...
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(), // ids from heading text, unique per page
		),
		goldmark.WithRendererOptions(
			// Raw HTML stays off (goldmark's default): markdown is the only
			// markup, so content can never inject scripts or break layout.
			renderer.WithNodeRenderers(util.Prioritized(headingRenderer{}, 100)),
		),
	)
	return &Renderer{md: md}
}

// Render converts src to HTML and collects the document's facts.
func (r *Renderer) Render(src []byte) (*Doc, error) {
	doc := r.md.Parser().Parse(text.NewReader(src))
	d := &Doc{}
	lines := lineStarts(src)
	ids := map[string]bool{}
	inWord := false // the text so far ends inside a word
	words := func(b []byte) {
		var w int
		w, inWord = countWords(b, inWord)
		d.Words += w
	}
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.Type() == ast.TypeBlock {
			inWord = false
		}
		switch n := n.(type) {
		case *ast.Heading:
			h := Heading{Level: n.Level, Text: plainText(n, src)}
			if id, ok := n.AttributeString("id"); ok {
				h.ID = string(id.([]byte))
				ids[h.ID] = true
			}
			d.Headings = append(d.Headings, h)
		case *ast.Link:
			d.Links = append(d.Links, Link{Dest: string(n.Destination), Line: lineOf(lines, firstOffset(n, src))})
		case *ast.Image:
			d.Links = append(d.Links, Link{Dest: string(n.Destination), Line: lineOf(lines, firstOffset(n, src)), Image: true, Alt: plainText(n, src)})
		case *ast.Text:
			// A word can span Text nodes: don<String ’>t, foo<Emphasis>bar.
			words(n.Segment.Value(src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				inWord = false
			}
		case *ast.AutoLink:
			words(n.Label(src))
			if n.AutoLinkType == ast.AutoLinkURL {
				d.Links = append(d.Links, Link{Dest: string(n.URL(src)), Line: lineOf(lines, firstOffset(n, src))})
			}
		}
		if fn, ok := n.(*east.FootnoteLink); ok {
			ref := "fnref"
			if fn.RefIndex > 0 {
				ref += itoa(fn.RefIndex) // a later reference to the same note
			}
			ids[ref+":"+itoa(fn.Index)] = true
		}
		if fn, ok := n.(*east.Footnote); ok {
			ids["fn:"+itoa(fn.Index)] = true
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		return nil, err
	}
	for id := range ids {
		d.IDs = append(d.IDs, id)
	}
	sort.Strings(d.IDs)
	r.buf.Reset()
	if err := r.md.Renderer().Render(&r.buf, src, doc); err != nil {
		return nil, err
	}
	d.HTML = bytes.Clone(r.buf.Bytes())
	return d, nil
}

func itoa(i int) string {
	var b [20]byte
	return string(appendInt(b[:0], i))
}

func appendInt(b []byte, i int) []byte {
	if i >= 10 {
		b = appendInt(b, i/10)
	}
	return append(b, byte('0'+i%10))
}

// lineStarts returns the offset of each line's first byte.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func lineOf(starts []int, off int) int {
	i, _ := slices.BinarySearch(starts, off+1)
	return max(i, 1)
}

// firstOffset returns the source offset of an inline node: where goldmark
// recorded it starts, else its first text segment, else the first line of
// its enclosing block.
func firstOffset(n ast.Node, src []byte) int {
	if pos := n.Pos(); pos >= 0 {
		return pos
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			return t.Segment.Start
		}
	}
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			return p.Lines().At(0).Start
		}
	}
	return 0
}

// plainText returns the text of n's descendants, with typographer
// entities turned back into characters.
func plainText(n ast.Node, src []byte) string {
	var b bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.WriteString(html.UnescapeString(string(c.Value)))
		case *ast.AutoLink:
			b.Write(c.Label(src))
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// countWords counts the words that start in b; in says whether the text
// before b ended inside a word. It also returns whether b does.
func countWords(b []byte, in bool) (int, bool) {
	n := 0
	for i := 0; i < len(b); {
		c := b[i]
		var space bool
		if c < utf8.RuneSelf {
			space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
			i++
		} else {
			r, size := utf8.DecodeRune(b[i:])
			space = unicode.IsSpace(r)
			i += size
		}
		if !space && !in {
			n++
		}
		in = !space
	}
	return n, in
}

// headingRenderer renders headings with their id and the heading text as
// a link to itself, so every section has a visible, shareable anchor (the
// pattern MDN uses; layouts style it). Headings that already contain a
// link get a separate "#" link instead, since links cannot nest.
type headingRenderer struct{}

func (headingRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, renderHeading)
}

func renderHeading(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	idAttr, hasID := n.AttributeString("id")
	id, _ := idAttr.([]byte)
	wrap := hasID && !containsLink(n)
	level := byte('0' + n.Level)
	if entering {
		w.WriteString("<h")
		w.WriteByte(level)
		if hasID {
			w.WriteString(` id="`)
			w.Write(util.EscapeHTML(id))
			w.WriteByte('"')
		}
		w.WriteByte('>')
		if wrap {
			w.WriteString(`<a class="anchor" href="#`)
			w.Write(util.EscapeHTML(id))
			w.WriteString(`">`)
		}
		return ast.WalkContinue, nil
	}
	if wrap {
		w.WriteString("</a>")
	} else if hasID {
		w.WriteString(` <a class="anchor" href="#`)
		w.Write(util.EscapeHTML(id))
		w.WriteString(`" aria-label="Link to this section">#</a>`)
	}
	w.WriteString("</h")
	w.WriteByte(level)
	w.WriteString(">\n")
	return ast.WalkContinue, nil
}

func containsLink(n ast.Node) bool {
	found := false
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && (c.Kind() == ast.KindLink || c.Kind() == ast.KindAutoLink) {
			found = true
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}
