package markdown

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"html"
	"html/template"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cassidine/site/internal/shortcode"
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

// Link is one link or image destination written in the markdown or by a
// shortcode.
type Link struct {
	Dest  string
	Line  int  // line within the markdown source (1-based)
	Image bool // an image rather than a link
	Alt   string
	// Ref is the content path a ref or relref shortcode (or template
	// function) resolved to Dest, as written: "articles/x.md#part".
	Ref string
	// Shortcode names the shortcode that wrote the destination: "figure"
	// for its src, link and attrlink, "ref", "relref", "youtube",
	// "vimeo", or a site shortcode calling ref; "" for markdown.
	Shortcode string
}

// Warning is something rendered otherwise than written that is not an
// error: omitted raw HTML, a misplaced summary divider, a duplicate id.
type Warning struct {
	Line    int // line within the markdown source (1-based)
	Message string
}

// Doc is a rendered document.
type Doc struct {
	HTML     string    // a string, so a page can show it without a copy
	Headings []Heading // every heading, in order
	IDs      []string  // every element id, sorted: headings and footnotes
	Links    []Link    // in source order
	Words    int
	Warnings []Warning // in source order
	// Summary is the plain text before a <!--more--> divider and
	// SummaryHTML its HTML; both are empty without a divider.
	Summary     string
	SummaryHTML string
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

// Error is a problem with the content at a line of the markdown source.
type Error struct {
	Line int // 1-based
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// Errors lists every content problem of one document, in line order.
type Errors []*Error

func (l Errors) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap gives errors.Is and errors.As each error.
func (l Errors) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Options configure a Renderer.
type Options struct {
	// Unsafe keeps raw HTML written in the markdown, as Hugo's
	// markup.goldmark.renderer.unsafe does. Off (the default), raw HTML
	// is left out and each piece is reported in Doc.Warnings.
	Unsafe bool
	// Shortcodes are the site's own shortcodes (see
	// shortcode.LoadTemplates); nil means built-ins only. A site
	// shortcode of a built-in's name replaces the built-in, as in Hugo.
	Shortcodes shortcode.Site
}

// Page is what a document's shortcodes know of the page it belongs to.
// The zero Page has no title or parameters, and ref fails on it.
type Page struct {
	// Page is what site shortcodes see as .Page: the title, the front
	// matter params and the site's title and params. The param shortcode
	// reads it too. Its Render field is set by the renderer.
	shortcode.Page
	// Resolve returns the URL of a content file named by a ref or relref
	// shortcode (or template function), without the #fragment, which the
	// renderer keeps: "articles/x.md" or "x" → "/articles/x/". Relative
	// paths are relative to this page's folder. Nil makes ref an error.
	Resolve func(path string) (url string, err error)
}

// Standalone reports whether src renders the same on every page, with
// the same Options: it calls no shortcode, the only way a page's title or
// front matter, the site or other pages reach its HTML. A builder may keep
// such a Doc between builds, keyed by src, the Options and the program.
func Standalone(src []byte) bool {
	// What shortcode.Scan finds a tag at, without scanning the tags.
	return !bytes.Contains(src, []byte("{{<")) && !bytes.Contains(src, []byte("{{%"))
}

// Renderer converts markdown. It is safe for use by one goroutine at a
// time; make one per worker.
type Renderer struct {
	md   goldmark.Markdown
	opts Options
	site shortcode.Site // opts.Shortcodes, bound to this renderer
	cur  *state         // the render in progress, innermost first
	buf  bytes.Buffer
	bw   *bufio.Writer // goldmark's writer into buf, kept from render to render
}

// New returns a Renderer with the site's markdown dialect and default
// Options: raw HTML off, built-in shortcodes only.
func New() *Renderer { return NewWith(Options{}) }

// NewWith returns a Renderer with the given options.
func NewWith(o Options) *Renderer {
	r := &Renderer{opts: o, site: o.Shortcodes}
	if b, ok := o.Shortcodes.(shortcode.Binder); ok {
		// The templates' markdownify and ref work on the page this
		// renderer is rendering, so they are bound to it.
		r.site = b.Bind(shortcode.Funcs{
			Markdownify: func(md string) (template.HTML, error) {
				return r.cur.nested(md, false)
			},
			Ref: func(path string) (string, error) {
				return r.cur.ref(path, "ref")
			},
		})
	}
	r.md = goldmark.New(
		goldmark.WithExtensions(
			gfm,                      // tables, strikethrough, autolinks, task lists
			extension.Footnote,       // [^1] footnotes, listed at the end
			extension.DefinitionList, // Term\n: definition, as Hugo
			extension.Typographer,    // "curly quotes", -- en and --- em dashes, ...
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(), // ids from heading text, unique per page
			parser.WithAttribute(),     // ## Title {#custom-id .class}, as Hugo
		),
		goldmark.WithRendererOptions(
			// Raw HTML stays off unless Options.Unsafe: markdown is the
			// only markup, so content cannot inject scripts or break the
			// layout. htmlRenderer reports what it leaves out and keeps
			// the HTML that {{% %}} shortcode templates write.
			renderer.WithNodeRenderers(
				util.Prioritized(headingRenderer{}, 100),
				util.Prioritized(&htmlRenderer{r: r}, 100),
			),
		),
	)
	return r
}

// Render converts src to HTML and collects the document's facts, for a
// page without title, params or ref resolution (see RenderPage).
func (r *Renderer) Render(src []byte) (*Doc, error) {
	return r.RenderPage(src, Page{})
}

// RenderPage converts src, the markdown body of page p, to HTML and
// collects the document's facts. Problems with the content are returned
// as Errors, each with its line in src; the Doc is returned with them,
// rendered as far as possible, for previews.
func (r *Renderer) RenderPage(src []byte, p Page) (*Doc, error) {
	s := r.newState(src, &p, 0)
	d, err := s.run()
	if err != nil {
		return nil, err
	}
	if len(s.errs) > 0 {
		return d, s.errorList()
	}
	return d, nil
}

// run renders s.src: shortcodes first (expand), then goldmark.
func (s *state) run() (*Doc, error) {
	r := s.r
	prev := r.cur
	r.cur = s
	defer func() { r.cur = prev }()

	s.expand()
	ids := &headingIDs{IDs: parser.NewContext().IDs(), s: s}
	root := r.md.Parser().Parse(text.NewReader(s.out), parser.WithContext(parser.NewContext(parser.WithIDs(ids))))
	s.liftBlocks(root)
	d := &Doc{}
	s.walk(root, d)

	// Nested renders run while this one expands, never while it renders,
	// so they can share the buffer; substitute copies out of it.
	r.buf.Reset()
	if r.bw == nil {
		r.bw = bufio.NewWriter(&r.buf)
	}
	r.bw.Reset(&r.buf)
	s.summaryAt = -1
	s.renderBuf = &r.buf
	if err := r.md.Renderer().Render(r.bw, s.out, root); err != nil {
		return nil, err
	}
	out := r.buf.Bytes()
	if s.summaryAt >= 0 {
		d.SummaryHTML = s.substitute(out[:s.summaryAt])
		d.HTML = d.SummaryHTML + s.substitute(out[s.summaryAt:])
	} else {
		d.HTML = s.substitute(out)
	}

	slices.SortStableFunc(s.links, func(a, b *linkAt) int { return a.off - b.off })
	for _, l := range s.links {
		if !l.consumed {
			l.Link.Line = s.srcLine(l.off)
			d.Links = append(d.Links, l.Link)
		}
	}
	slices.SortStableFunc(s.warns, func(a, b Warning) int { return a.Line - b.Line })
	d.Warnings = s.warns
	return d, nil
}

// headingIDs makes heading ids from the text a shortcode stands for, not
// its placeholder.
type headingIDs struct {
	parser.IDs
	s *state
}

func (h *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	return h.IDs.Generate([]byte(h.s.substText(string(value), textOf)), kind)
}

// walk collects the document's facts and warnings.
func (s *state) walk(root ast.Node, d *Doc) {
	src := s.out
	ids := map[string]bool{}
	inWord := false // the text so far ends inside a word
	words := func(b []byte) {
		var w int
		w, inWord = countWords(b, inWord)
		d.Words += w
	}
	var summary []ast.Node // top-level blocks before <!--more-->
	divider := false
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.Type() == ast.TypeBlock {
			inWord = false
			if n.Parent() == root && !divider {
				summary = append(summary, n)
			}
		}
		switch n := n.(type) {
		case *ast.Heading:
			h := Heading{Level: n.Level, Text: s.substText(plainText(n, src), textOf)}
			if id, ok := n.AttributeString("id"); ok {
				h.ID = fmt.Sprint(attrString(id))
				if ids[h.ID] {
					s.warnOut(firstOffset(n, src), fmt.Sprintf("id %q is used twice on this page; links to it reach the first", h.ID))
				}
				ids[h.ID] = true
			}
			d.Headings = append(d.Headings, h)
		case *ast.Link:
			s.addMarkdownLink(n, string(n.Destination), false, "")
		case *ast.Image:
			s.addMarkdownLink(n, string(n.Destination), true, s.substText(plainText(n, src), textOf))
		case *ast.Text:
			// A word can span Text nodes: don<String ’>t, foo<Emphasis>bar.
			v := n.Segment.Value(src)
			if len(s.results) > 0 && bytes.Contains(v, []byte(s.prefix)) {
				s.checkInline(n, string(v))
				v = []byte(s.substText(string(v), wordsOf))
			}
			words(v)
			if n.SoftLineBreak() || n.HardLineBreak() {
				inWord = false
			}
		case *ast.AutoLink:
			words(n.Label(src))
			if n.AutoLinkType == ast.AutoLinkURL {
				s.links = append(s.links, &linkAt{off: s.srcOffset(firstOffset(n, src)), Link: Link{Dest: string(n.URL(src))}})
			}
		case *placeholderBlock:
			words([]byte(s.results[n.id].words))
			inWord = false
		case *ast.HTMLBlock:
			if s.checkHTMLBlock(n, root) {
				divider = true
				summary = summary[:len(summary)-1]
			}
		case *ast.RawHTML:
			s.checkRawHTML(n)
		}
		if fn, ok := n.(*east.FootnoteLink); ok {
			ref := "fnref"
			if fn.RefIndex > 0 {
				ref += strconv.Itoa(fn.RefIndex) // a later reference to the same note
			}
			ids[ref+":"+strconv.Itoa(fn.Index)] = true
		}
		if fn, ok := n.(*east.Footnote); ok {
			ids["fn:"+strconv.Itoa(fn.Index)] = true
		}
		return ast.WalkContinue, nil
	})
	s.flushRawWarns()
	// Ids in HTML that shortcodes wrote, or that raw HTML keeps, are
	// fragments links may point to as well.
	for _, res := range s.results {
		htmlIDs(res.html, ids)
	}
	for _, h := range s.keptHTML {
		htmlIDs(h, ids)
	}
	for id := range ids {
		d.IDs = append(d.IDs, id)
	}
	sort.Strings(d.IDs)
	if divider {
		var b strings.Builder
		for _, n := range summary {
			b.WriteString(blockText(n, src))
			b.WriteByte(' ')
		}
		d.Summary = s.substText(strings.Join(strings.Fields(b.String()), " "), textOf)
	}
}

// attrString returns an attribute value as text.
func attrString(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}

// addMarkdownLink records a link or image written in markdown; a
// destination written by a ref shortcode takes over the link that the
// shortcode reported.
func (s *state) addMarkdownLink(n ast.Node, dest string, image bool, alt string) {
	l := &linkAt{off: s.srcOffset(firstOffset(n, s.out)), Link: Link{Dest: dest, Image: image, Alt: alt}}
	if s.hasPlaceholder(dest) {
		l.Dest = s.substText(dest, textOf)
		failed := false
		s.eachPlaceholder(dest, func(res *result) {
			failed = failed || res.failed
			if res.ref >= 0 {
				from := s.links[res.ref]
				from.consumed = true
				l.Ref, l.Shortcode = from.Ref, from.Shortcode
			}
		})
		if failed {
			return // the call's error says what is wrong
		}
	}
	s.links = append(s.links, l)
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

// firstOffset returns the source offset of a node: where goldmark
// recorded it starts, else its first text segment or line, else the
// first line of its enclosing block.
func firstOffset(n ast.Node, src []byte) int {
	if pos := n.Pos(); pos >= 0 {
		return pos
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			return t.Segment.Start
		}
	}
	for p := n; p != nil; p = p.Parent() {
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

// blockText is plainText with a space between blocks and without code,
// for the summary.
func blockText(n ast.Node, src []byte) string {
	var b bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if c.Type() == ast.TypeBlock {
			b.WriteByte(' ')
		}
		switch c := c.(type) {
		case *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
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
// before b ended inside a word. It also returns whether b does. Words
// are separated by white space (unicode.IsSpace); ASCII text is read
// eight bytes at a time.
func countWords(b []byte, in bool) (int, bool) {
	const (
		ones = 0x0101010101010101
		lo7  = 0x7f * ones
		hi   = 0x80 * ones
	)
	n := 0
	for i := 0; i < len(b); {
		if i+8 <= len(b) {
			if x := binary.LittleEndian.Uint64(b[i:]); x&hi == 0 {
				// Each byte's high bit: \t \n \v \f \r (0x09 to 0x0d), or ' '.
				ctl := (x + (0x80-0x09)*ones) &^ (x + (0x80-0x0e)*ones) & hi
				t := x ^ (' ' * ones)
				space := ctl | ^((t&lo7)+lo7|t)&hi
				word := ^space & hi
				before := space<<8 | 0x80 // the byte before each is white space
				if in {
					before &^= 0x80
				}
				n += bits.OnesCount64(word & before)
				in = word>>63 != 0
				i += 8
				continue
			}
		}
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
