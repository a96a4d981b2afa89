package markdown

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// headingRenderer renders headings with their id and the heading text as
// a link to itself, so every section has a visible, shareable anchor (the
// pattern MDN uses; layouts style it). Headings that already contain a
// link get a separate "#" link instead, since links cannot nest. Other
// attributes ({.class}) follow the id.
type headingRenderer struct{}

func (headingRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, renderHeading)
}

func renderHeading(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	idAttr, hasID := n.AttributeString("id")
	id := []byte(fmt.Sprint(attrString(idAttr)))
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
		for _, a := range n.Attributes() {
			if string(a.Name) == "id" {
				continue
			}
			w.WriteByte(' ')
			w.Write(util.EscapeHTML(a.Name))
			w.WriteString(`="`)
			w.Write(util.EscapeHTML([]byte(fmt.Sprint(attrString(a.Value)))))
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

// kindPlaceholder is a block-level shortcode's placeholder lifted out of
// its paragraph.
var kindPlaceholder = ast.NewNodeKind("ShortcodeBlock")

type placeholderBlock struct {
	ast.BaseBlock
	id int // index in state.results
}

func (n *placeholderBlock) Kind() ast.NodeKind { return kindPlaceholder }

func (n *placeholderBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"id": strconv.Itoa(n.id)}, nil)
}

// htmlRenderer renders raw HTML (kept when Options.Unsafe is set or a
// shortcode template wrote it), the summary divider, and lifted
// placeholders.
type htmlRenderer struct{ r *Renderer }

func (h *htmlRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHTMLBlock, h.renderHTMLBlock)
	reg.Register(ast.KindRawHTML, h.renderRawHTML)
	reg.Register(kindPlaceholder, h.renderPlaceholder)
}

func (h *htmlRenderer) renderHTMLBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	s := h.r.cur
	if isDivider(blockHTML(n, src)) {
		if entering && node == s.divider {
			s.summaryAt = s.renderBuf.Len() + w.Buffered()
		}
		return ast.WalkContinue, nil
	}
	keep := h.r.opts.Unsafe || s.trustedBlock(n)
	if entering {
		if keep {
			for i := range n.Lines().Len() {
				line := n.Lines().At(i)
				w.Write(line.Value(src))
			}
		} else {
			w.WriteString("<!-- raw HTML omitted -->\n")
		}
	} else if n.HasClosure() {
		if keep {
			w.Write(n.ClosureLine.Value(src))
		} else {
			w.WriteString("<!-- raw HTML omitted -->\n")
		}
	}
	return ast.WalkContinue, nil
}

func (h *htmlRenderer) renderRawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	v := rawHTML(n, src)
	switch {
	case isDivider(v):
	case h.r.opts.Unsafe || h.r.cur.trustedRaw(n):
		w.WriteString(v)
	default:
		w.WriteString("<!-- raw HTML omitted -->")
	}
	return ast.WalkSkipChildren, nil
}

func (h *htmlRenderer) renderPlaceholder(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(h.r.cur.prefix + strconv.Itoa(node.(*placeholderBlock).id) + "x\n")
	}
	return ast.WalkContinue, nil
}

// blockHTML returns the text of an HTML block.
func blockHTML(n *ast.HTMLBlock, src []byte) string {
	var b strings.Builder
	for i := range n.Lines().Len() {
		line := n.Lines().At(i)
		b.Write(line.Value(src))
	}
	if n.HasClosure() {
		b.Write(n.ClosureLine.Value(src))
	}
	return b.String()
}

func rawHTML(n *ast.RawHTML, src []byte) string {
	var b strings.Builder
	for i := range n.Segments.Len() {
		seg := n.Segments.At(i)
		b.Write(seg.Value(src))
	}
	return b.String()
}

// isDivider reports whether raw HTML is Hugo's summary divider.
func isDivider(v string) bool { return strings.TrimSpace(v) == "<!--more-->" }

func isComment(v string) bool {
	v = strings.TrimSpace(v)
	return strings.HasPrefix(v, "<!--") && strings.HasSuffix(v, "-->")
}

func (s *state) trustedBlock(n *ast.HTMLBlock) bool {
	if len(s.trusted) == 0 {
		return false
	}
	for i := range n.Lines().Len() {
		l := n.Lines().At(i)
		if !s.isTrusted(l.Start, l.Stop) {
			return false
		}
	}
	return !n.HasClosure() || s.isTrusted(n.ClosureLine.Start, n.ClosureLine.Stop)
}

func (s *state) trustedRaw(n *ast.RawHTML) bool {
	if len(s.trusted) == 0 {
		return false
	}
	for i := range n.Segments.Len() {
		seg := n.Segments.At(i)
		if !s.isTrusted(seg.Start, seg.Stop) {
			return false
		}
	}
	return true
}

// checkHTMLBlock warns about an HTML block left out; it reports whether
// the block is the summary divider.
func (s *state) checkHTMLBlock(n *ast.HTMLBlock, root ast.Node) bool {
	v := blockHTML(n, s.out)
	off := 0
	if n.Lines().Len() > 0 {
		off = n.Lines().At(0).Start
	}
	if isDivider(v) {
		switch {
		case n.Parent() != root:
			s.warnOut(off, "<!--more--> ends the summary only outside lists and quotes; this one is ignored")
		case s.divider != nil:
			s.warnOut(off, "a second <!--more--> is ignored: the summary ends at the first")
		default:
			s.divider = n
			return true
		}
		return false
	}
	if s.r.opts.Unsafe || s.trustedBlock(n) {
		s.keptHTML = append(s.keptHTML, v)
	} else if !isComment(v) {
		s.warnRawHTML(off, v)
	}
	return false
}

func (s *state) checkRawHTML(n *ast.RawHTML) {
	v := rawHTML(n, s.out)
	off := 0
	if n.Segments.Len() > 0 {
		off = n.Segments.At(0).Start
	}
	if isDivider(v) {
		s.warnOut(off, "<!--more--> ends the summary only on a line of its own; this one is ignored")
		return
	}
	if s.r.opts.Unsafe || s.trustedRaw(n) {
		s.keptHTML = append(s.keptHTML, v)
	} else if !isComment(v) {
		s.warnRawHTML(off, v)
	}
}

// warnRawHTML reports raw HTML left out, one warning per line.
func (s *state) warnRawHTML(out int, v string) {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '\n'); i >= 0 {
		v = v[:i] + " …"
	}
	if len(v) > 60 {
		v = v[:57] + "…"
	}
	off := s.srcOffset(out)
	line := s.srcLine(off)
	if s.rawWarns == nil {
		s.rawWarns = map[int]*rawWarn{}
	}
	if w, ok := s.rawWarns[line]; ok {
		w.snips = append(w.snips, v)
		return
	}
	s.rawWarns[line] = &rawWarn{off: off, snips: []string{v}}
}

// flushRawWarns turns the raw HTML warnings into Warnings.
func (s *state) flushRawWarns() {
	for _, w := range s.rawWarns {
		s.warnAt(w.off, fmt.Sprintf("raw HTML left out: %s (raw HTML is off; write markdown, or use a shortcode)", strings.Join(w.snips, ", ")))
	}
	s.rawWarns = nil
}

// liftBlocks moves block-level shortcode output that stands alone on a
// line out of its paragraph: goldmark would wrap it in <p>.
func (s *state) liftBlocks(root ast.Node) {
	if len(s.results) == 0 {
		return
	}
	var paras []*ast.Paragraph
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if p, ok := n.(*ast.Paragraph); ok && entering {
			paras = append(paras, p)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, p := range paras {
		s.liftParagraph(p)
	}
}

// blockPlaceholder returns the result of a block-level shortcode whose
// placeholder alone is n.
func (s *state) blockPlaceholder(n ast.Node) (int, bool) {
	t, ok := n.(*ast.Text)
	if !ok {
		return 0, false
	}
	v := strings.TrimSpace(string(t.Segment.Value(s.out)))
	id, size := s.placeholderID(v, 0)
	if id < 0 || size != len(v) || !s.results[id].block {
		return 0, false
	}
	return id, true
}

func endsLine(n ast.Node) bool {
	t, ok := n.(*ast.Text)
	return ok && (t.SoftLineBreak() || t.HardLineBreak())
}

// liftParagraph splits p around the block placeholders that stand alone
// on their lines.
func (s *state) liftParagraph(p *ast.Paragraph) {
	var kids []ast.Node
	for c := p.FirstChild(); c != nil; c = c.NextSibling() {
		kids = append(kids, c)
	}
	lifted := make([]int, len(kids)) // 1 + the result's id, or 0
	found := false
	for i, c := range kids {
		id, ok := s.blockPlaceholder(c)
		if ok && (i == 0 || endsLine(kids[i-1])) && (i == len(kids)-1 || endsLine(c)) {
			lifted[i] = id + 1
			found = true
		}
	}
	if !found {
		return
	}
	parent := p.Parent()
	cur := ast.NewParagraph()
	flush := func() {
		if !cur.HasChildren() {
			return
		}
		if t, ok := cur.LastChild().(*ast.Text); ok {
			t.SetSoftLineBreak(false)
			t.SetHardLineBreak(false)
		}
		cur.SetLines(p.Lines())
		parent.InsertBefore(parent, p, cur)
		cur = ast.NewParagraph()
	}
	for i, c := range kids {
		if lifted[i] == 0 {
			cur.AppendChild(cur, c)
			continue
		}
		flush()
		b := &placeholderBlock{id: lifted[i] - 1}
		b.SetLines(p.Lines())
		parent.InsertBefore(parent, p, b)
	}
	flush()
	parent.RemoveChild(parent, p)
}

// checkInline warns about block-level shortcode output left inside a
// paragraph or heading, which HTML does not allow.
func (s *state) checkInline(n *ast.Text, v string) {
	var where string
	for p := n.Parent(); p != nil && where == ""; p = p.Parent() {
		switch p.(type) {
		case *ast.Paragraph:
			where = "a paragraph; put it on a line of its own"
		case *ast.Heading:
			where = "a heading"
		}
	}
	if where == "" {
		return
	}
	s.eachPlaceholder(v, func(res *result) {
		if res.block && !res.failed {
			s.warnOut(n.Segment.Start, fmt.Sprintf("shortcode %q writes a block (%s) inside %s", res.name, firstTag(res.html), where))
		}
	})
}

// firstTag returns the first tag of h: "<figure>".
func firstTag(h string) string {
	h = strings.TrimSpace(h)
	i := strings.IndexAny(h, " >\n")
	if !strings.HasPrefix(h, "<") || i < 0 {
		return "HTML"
	}
	return h[:i] + ">"
}
