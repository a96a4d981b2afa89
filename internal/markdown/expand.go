package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cassidine/site/internal/shortcode"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// How shortcodes become HTML
//
// Shortcodes are handled before goldmark sees the markdown. expand
// copies the source to s.out, replacing each call:
//
//   - A {{< >}} call (or a built-in) runs now and leaves a placeholder,
//     a word of letters and digits found nowhere in the source, which
//     goldmark passes through untouched; after goldmark, substitute puts
//     the call's HTML in its place (or its plain text, inside a tag's
//     attributes). A placeholder for block-level HTML alone on a line is
//     lifted out of its paragraph first (liftBlocks), so no <figure>
//     ends up in a <p>.
//   - A {{% %}} site shortcode's output is markdown, as in Hugo: it is
//     copied into s.out, with the call's inner content (itself copied
//     from the source, so its lines stay exact) where the template
//     prints .Inner. The HTML the template writes is trusted: it is kept
//     even when raw HTML in content is not.
//
// Tags inside code (fenced, indented, inline) are text, and an escaped
// tag ({{</* name */>}}) shows as {{< name >}} everywhere, as in Hugo;
// both leave placeholders for that text, so goldmark sees every tag as
// the same one word that codeRanges assumed when it found the code.
// Every stretch of s.out remembers where in the source it comes from
// (spans), so lines in errors, warnings and links are lines of the
// source.

// maxDepth bounds markdown rendered within shortcodes within markdown.
const maxDepth = 8

type state struct {
	r      *Renderer
	src    []byte
	page   *Page
	scPage *shortcode.Page // what templates see as .Page
	depth  int             // of nested renders (markdownify, captions)
	lines  []int           // line starts of src

	out      []byte   // the markdown goldmark parses
	spans    []span   // where each stretch of out comes from, in order
	trusted  [][2]int // stretches of out that templates wrote
	results  []*result
	prefix   string          // of placeholders
	codeTags []shortcode.Tag // tags in code, which show as text

	call    *shortcode.Call // the call running, for nested renders and ref
	callOff int             // its offset in src

	links    []*linkAt
	errs     []posErr
	warns    []Warning
	rawWarns map[int]*rawWarn // raw HTML left out, by line
	keptHTML []string         // raw HTML kept (Unsafe, or templates')

	divider   ast.Node      // the <!--more--> that ends the summary
	renderBuf *bytes.Buffer // goldmark's output so far
	summaryAt int           // offset of the divider in it, or -1
}

type span struct {
	out, src int
	verbatim bool // out[out:] is src[src:]; else all of it maps to src
}

type linkAt struct {
	off      int  // in src
	consumed bool // a markdown link took it over
	Link
}

type posErr struct {
	off int
	err error
}

type rawWarn struct {
	off   int
	snips []string
}

// result is a call that left a placeholder.
type result struct {
	name  string
	html  string // in element content
	text  string // plain text: in attributes and heading ids
	words string // what it adds to the word count
	block bool   // block-level HTML
	// failed says the call failed (and was reported): it writes nothing,
	// and a link to it is not reported again.
	failed bool
	off    int // of the call in src
	ref    int // index in links of a ref's link, or -1
}

func (r *Renderer) newState(src []byte, p *Page, depth int) *state {
	s := &state{r: r, src: src, page: p, depth: depth, lines: lineStarts(src), summaryAt: -1}
	sp := p.Page
	sp.Render = func(md string, block bool) (template.HTML, error) { return s.nested(md, block) }
	s.scPage = &sp
	s.prefix = placeholderPrefix(src)
	return s
}

// placeholderPrefix returns letters found nowhere in src.
func placeholderPrefix(src []byte) string {
	p := "hxsc"
	for bytes.Contains(src, []byte(p)) {
		p += "q"
	}
	return p
}

func (s *state) srcLine(off int) int { return lineOf(s.lines, off) }

// srcOffset maps an offset of s.out to one of s.src.
func (s *state) srcOffset(out int) int {
	i := sort.Search(len(s.spans), func(i int) bool { return s.spans[i].out > out }) - 1
	if i < 0 {
		return 0
	}
	sp := s.spans[i]
	if sp.verbatim {
		return sp.src + out - sp.out
	}
	return sp.src
}

func (s *state) errorAt(off int, err error) { s.errs = append(s.errs, posErr{off, err}) }

func (s *state) warnAt(off int, msg string) {
	s.warns = append(s.warns, Warning{Line: s.srcLine(off), Message: msg})
}

func (s *state) warnOut(out int, msg string) { s.warnAt(s.srcOffset(out), msg) }

func (s *state) errorList() Errors {
	var l Errors
	seen := map[string]bool{}
	for _, e := range s.errs {
		line := s.srcLine(e.off)
		key := fmt.Sprint(line, e.err)
		if seen[key] {
			continue
		}
		seen[key] = true
		l = append(l, &Error{Line: line, Err: e.err})
	}
	slices.SortStableFunc(l, func(a, b *Error) int { return a.Line - b.Line })
	return l
}

// expand fills s.out from s.src, running the shortcodes.
func (s *state) expand() {
	tags := shortcode.Scan(s.src)
	if len(tags) == 0 {
		s.out = s.src
		s.spans = []span{{0, 0, true}}
		return
	}
	code := s.codeRanges(tags)
	var kept []shortcode.Tag
	for _, t := range tags {
		if inRanges(code, t.Start) {
			s.codeTags = append(s.codeTags, t) // text, as all code is
			continue
		}
		kept = append(kept, t)
	}
	nodes, errs := shortcode.Parse(kept, s.paired)
	for _, e := range errs {
		s.errorAt(e.Offset, e.Err)
	}
	s.out = make([]byte, 0, len(s.src)+len(s.src)/8)
	s.emitRange(0, len(s.src), nodes, nil)
}

// codeRanges returns the stretches of s.src that markdown makes code.
// It parses a copy in which every tag is masked as one word, as the
// placeholder that replaces it will be, so that quotes and backticks in
// arguments, or a line break and a #, cannot change what is code.
func (s *state) codeRanges(tags []shortcode.Tag) [][2]int {
	masked := bytes.Clone(s.src)
	for _, t := range tags {
		for i := t.Start; i < t.End; i++ {
			masked[i] = 'x'
		}
	}
	var rs [][2]int
	root := s.r.md.Parser().Parse(text.NewReader(masked))
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			lines := n.Lines()
			for i := range lines.Len() {
				rs = append(rs, [2]int{lines.At(i).Start, lines.At(i).Stop})
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			first, last := -1, -1
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					if first < 0 {
						first = t.Segment.Start
					}
					last = t.Segment.Stop
				}
			}
			if first >= 0 {
				rs = append(rs, [2]int{first, last})
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	slices.SortFunc(rs, func(a, b [2]int) int { return a[0] - b[0] })
	return rs
}

// inRanges reports whether off is in one of the sorted, disjoint ranges.
func inRanges(rs [][2]int, off int) bool {
	i := sort.Search(len(rs), func(i int) bool { return rs[i][0] > off }) - 1
	return i >= 0 && off < rs[i][1]
}

// paired tells shortcode.Parse which names take inner content.
func (s *state) paired(name string) (inner, known bool) {
	if t, ok := s.template(name); ok {
		return t.Inner(), true
	}
	if b, ok := builtinFor(name); ok {
		return b.inner, true
	}
	return false, false
}

func (s *state) template(name string) (shortcode.Template, bool) {
	if s.r.site == nil {
		return nil, false
	}
	return s.r.site.Shortcode(name)
}

// copySrc copies src[a:b] to out; a tag in code there becomes a
// placeholder for its text, as every tag does.
func (s *state) copySrc(a, b int) {
	i := sort.Search(len(s.codeTags), func(i int) bool { return s.codeTags[i].Start >= a })
	for ; i < len(s.codeTags) && s.codeTags[i].End <= b; i++ {
		t := s.codeTags[i]
		s.copyVerbatim(a, t.Start)
		lit := t.Literal
		if !t.Escaped {
			lit = string(s.src[t.Start:t.End])
		}
		s.placeholder(&result{html: escape(lit), text: lit, words: lit, off: t.Start, ref: -1})
		a = t.End
	}
	s.copyVerbatim(a, b)
}

func (s *state) copyVerbatim(a, b int) {
	if a >= b {
		return
	}
	s.spans = append(s.spans, span{len(s.out), a, true})
	s.out = append(s.out, s.src[a:b]...)
}

// sourceText returns src[a:b] with the escaped tags in code there shown
// unescaped, for inner content passed as text.
func (s *state) sourceText(a, b int) string {
	i := sort.Search(len(s.codeTags), func(i int) bool { return s.codeTags[i].Start >= a })
	var out strings.Builder
	for ; i < len(s.codeTags) && s.codeTags[i].End <= b; i++ {
		if t := s.codeTags[i]; t.Escaped {
			out.Write(s.src[a:t.Start])
			out.WriteString(t.Literal)
			a = t.End
		}
	}
	out.Write(s.src[a:b])
	return out.String()
}

// write adds text that stands for src[at].
func (s *state) write(text string, at int) {
	if text == "" {
		return
	}
	s.spans = append(s.spans, span{len(s.out), at, false})
	s.out = append(s.out, text...)
}

// writeTrusted adds text a template wrote.
func (s *state) writeTrusted(text string, at int) {
	start := len(s.out)
	s.write(text, at)
	if len(s.out) > start {
		s.trusted = append(s.trusted, [2]int{start, len(s.out)})
	}
}

// isTrusted reports whether out[a:b], less surrounding space, is all
// template output.
func (s *state) isTrusted(a, b int) bool {
	for a < b && isSpaceByte(s.out[a]) {
		a++
	}
	for b > a && isSpaceByte(s.out[b-1]) {
		b--
	}
	if a == b {
		return true
	}
	i := sort.Search(len(s.trusted), func(i int) bool { return s.trusted[i][1] > a })
	return i < len(s.trusted) && s.trusted[i][0] <= a && b <= s.trusted[i][1]
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (s *state) emitRange(a, b int, nodes []*shortcode.Node, parent *shortcode.Call) {
	pos := a
	for _, n := range nodes {
		s.copySrc(pos, n.Start)
		s.emitNode(n, parent)
		pos = n.End()
	}
	s.copySrc(pos, b)
}

func (s *state) emitNode(n *shortcode.Node, parent *shortcode.Call) {
	switch {
	case n.Err != nil:
		return // reported by Parse
	case n.Escaped:
		s.placeholder(&result{html: escape(n.Literal), text: n.Literal, words: n.Literal, off: n.Start, ref: -1})
		return
	}
	if inner, _ := s.paired(n.Name); inner && n.CloseTag == nil && !n.SelfClose {
		// Not closed, which Parse reported: without its inner content
		// the call would print something half right.
		s.placeholder(&result{name: n.Name, failed: true, block: true, off: n.Start, ref: -1})
		return
	}
	c := s.newCall(n, parent)
	if t, ok := s.template(n.Name); ok {
		if n.Markdown {
			s.emitMarkdownTemplate(n, c, t)
			return
		}
		if n.CloseTag != nil {
			c.Inner = template.HTML(s.innerText(n, c))
		}
		if out, ok := s.exec(t, c, n.Start); ok {
			s.placeholder(htmlResult(n.Name, out, n.Start))
		} else {
			s.placeholder(&result{name: n.Name, failed: true, block: true, off: n.Start, ref: -1})
		}
		return
	}
	if b, ok := builtinFor(n.Name); ok {
		res := s.runBuiltin(b, n, c)
		switch {
		case res == nil:
			s.placeholder(&result{name: n.Name, failed: true, block: true, off: n.Start, ref: -1})
		case res.markdown:
			s.write(res.text, n.Start)
		default:
			s.placeholder(&res.result)
		}
		return
	}
	s.errorAt(n.Start, unknown(n.Name))
}

// innerText returns the inner content of a {{< >}} call as Hugo passes
// it: the text as written, nested calls replaced by their output.
func (s *state) innerText(n *shortcode.Node, c *shortcode.Call) string {
	start, end := n.Inner()
	var b strings.Builder
	pos := start
	for _, ch := range n.Children {
		b.WriteString(s.sourceText(pos, ch.Start))
		b.WriteString(s.output(ch, c))
		pos = ch.End()
	}
	b.WriteString(s.sourceText(pos, end))
	return b.String()
}

// output runs a call nested in a {{< >}} call's inner content.
func (s *state) output(n *shortcode.Node, parent *shortcode.Call) string {
	switch {
	case n.Err != nil:
		return ""
	case n.Escaped:
		return n.Literal
	}
	if inner, _ := s.paired(n.Name); inner && n.CloseTag == nil && !n.SelfClose {
		return "" // not closed, which Parse reported
	}
	c := s.newCall(n, parent)
	if t, ok := s.template(n.Name); ok {
		if n.CloseTag != nil {
			c.Inner = template.HTML(s.innerText(n, c))
		}
		out, _ := s.exec(t, c, n.Start)
		return out
	}
	if b, ok := builtinFor(n.Name); ok {
		res := s.runBuiltin(b, n, c)
		switch {
		case res == nil:
			return ""
		case res.markdown:
			return res.text
		}
		return res.html
	}
	s.errorAt(n.Start, unknown(n.Name))
	return ""
}

func (s *state) newCall(n *shortcode.Node, parent *shortcode.Call) *shortcode.Call {
	c := &shortcode.Call{Name: n.Name, Params: n.Params, Ordinal: n.Ordinal, Parent: parent, Page: s.scPage, Line: s.srcLine(n.Start), Indent: n.Indent}
	_, c.IsNamedParams = n.Params.(map[string]any)
	return c
}

// exec runs a site shortcode.
func (s *state) exec(t shortcode.Template, c *shortcode.Call, off int) (string, bool) {
	prev, prevOff := s.call, s.callOff
	s.call, s.callOff = c, off
	defer func() { s.call, s.callOff = prev, prevOff }()
	before := len(s.links)
	var b strings.Builder
	if err := t.Execute(&b, c); err != nil {
		s.errorAt(off, fmt.Errorf("shortcode %q: %w", c.Name, err))
		return "", false
	}
	s.templateLinks(b.String(), c, before)
	return b.String(), true
}

var (
	tagRE  = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9-]*)(\s[^>]*)>`)
	attrRE = regexp.MustCompile(`([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')`)
)

// htmlTags calls fn for each start tag in h with its name and quoted
// attributes, names in lower case, values unescaped. It reads HTML that
// templates write, well formed, not any HTML.
func htmlTags(h string, fn func(tag string, attrs map[string]string)) {
	for _, m := range tagRE.FindAllStringSubmatch(h, -1) {
		attrs := map[string]string{}
		for _, a := range attrRE.FindAllStringSubmatch(m[2], -1) {
			v := a[2]
			if v == "" {
				v = a[3]
			}
			attrs[strings.ToLower(a[1])] = html.UnescapeString(v)
		}
		fn(strings.ToLower(m[1]), attrs)
	}
}

// htmlIDs adds the id attributes in h to ids.
func htmlIDs(h string, ids map[string]bool) {
	htmlTags(h, func(_ string, attrs map[string]string) {
		if id := attrs["id"]; id != "" {
			ids[id] = true
		}
	})
}

// templateLinks reports the links and images in a site shortcode's
// output, so the build checks them too. The inner content is left out
// (its calls reported their own), as are the links the call reported
// already (by ref, or in markdown it rendered) since links[before].
func (s *state) templateLinks(out string, c *shortcode.Call, before int) {
	if c.Inner != "" {
		out = strings.ReplaceAll(out, string(c.Inner), "")
	}
	report := func(dest string, image bool, alt string) {
		if dest == "" {
			return
		}
		for _, l := range s.links[before:] {
			if l.Dest == dest {
				return
			}
		}
		s.links = append(s.links, &linkAt{off: s.callOff, Link: Link{Dest: dest, Image: image, Alt: alt, Shortcode: c.Name}})
	}
	htmlTags(out, func(tag string, attrs map[string]string) {
		if tag == "img" {
			report(attrs["src"], true, attrs["alt"])
			return
		}
		report(attrs["href"], false, "")
		report(attrs["src"], false, "")
	})
}

// emitMarkdownTemplate copies the output of a {{% %}} site shortcode
// into s.out, with the inner content where the template prints .Inner.
func (s *state) emitMarkdownTemplate(n *shortcode.Node, c *shortcode.Call, t shortcode.Template) {
	cont, alone := s.lineContext(n.Start, n.Tag.End)
	if n.CloseTag != nil {
		marker := s.prefix + "inner"
		c.Inner = template.HTML(marker)
		out, ok := s.exec(t, c, n.Start)
		if !ok {
			return
		}
		if pre, suf, ok := splitAtMarker(out, marker); ok {
			block := alone || isBlock(pre)
			start, end := n.Inner()
			s.splice(pre, n.Start, cont, block, false, true)
			s.emitRange(start, end, n.Children, c)
			s.splice(suf, n.CloseTag.Start, cont, block, true, true)
			return
		}
		// The template prints .Inner more than once, in a tag, or not as
		// it is: give it the text, as Hugo does.
		c.Inner = template.HTML(s.innerText(n, c))
		if out, ok = s.exec(t, c, n.Start); !ok {
			return
		}
		s.splice(out, n.Start, cont, alone || isBlock(out), true, true)
		return
	}
	if out, ok := s.exec(t, c, n.Start); ok {
		s.splice(out, n.Start, cont, alone || isBlock(out), true, true)
	}
}

// splitAtMarker splits out around the one marker outside any tag.
func splitAtMarker(out, marker string) (pre, suf string, ok bool) {
	if strings.Count(out, marker) != 1 {
		return "", "", false
	}
	pre, suf, _ = strings.Cut(out, marker)
	if strings.LastIndexByte(pre, '<') > strings.LastIndexByte(pre, '>') {
		return "", "", false
	}
	return pre, suf, true
}

// splice adds template output. As a block it stands between blank lines
// (before is a blank line first, after one last), each of its lines
// continuing the container (list item, quote) the call is in.
func (s *state) splice(out string, at int, cont string, block, before, after bool) {
	if !block {
		if after {
			out = strings.TrimRight(out, "\r\n")
		}
		s.writeTrusted(indentLines(out, cont), at)
		return
	}
	out = strings.TrimSpace(out)
	if out == "" {
		return
	}
	blank := "\n" + strings.TrimRight(cont, " \t") + "\n" + cont
	if before {
		s.write(blank, at)
	} else {
		s.write("\n"+cont, at)
	}
	s.writeTrusted(indentLines(out, cont), at)
	if after {
		s.write(blank, at)
	}
}

func indentLines(s, cont string) string {
	if cont == "" {
		return s
	}
	return strings.ReplaceAll(s, "\n", "\n"+cont)
}

// lineContext looks at the line of a tag src[start:end]: alone says
// that nothing but containers (spaces, > of quotes, list markers)
// precede the tag and nothing but space follows it; cont is what
// continues those containers on a new line.
func (s *state) lineContext(start, end int) (cont string, alone bool) {
	ls := bytes.LastIndexByte(s.src[:start], '\n') + 1
	le := bytes.IndexByte(s.src[end:], '\n')
	if le < 0 {
		le = len(s.src)
	} else {
		le += end
	}
	rest := bytes.TrimSpace(s.src[end:le])
	prefix := s.src[ls:start]
	var b strings.Builder
	containers := true
	for i := 0; i < len(prefix); {
		c := prefix[i]
		switch {
		case c == ' ' || c == '\t' || c == '>':
			b.WriteByte(c)
			i++
			continue
		case (c == '-' || c == '*' || c == '+') && i+1 < len(prefix) && (prefix[i+1] == ' ' || prefix[i+1] == '\t'):
			b.WriteByte(' ')
			i++
			continue
		case c >= '0' && c <= '9':
			j := i
			for j < len(prefix) && prefix[j] >= '0' && prefix[j] <= '9' {
				j++
			}
			if j < len(prefix)-1 && (prefix[j] == '.' || prefix[j] == ')') && (prefix[j+1] == ' ' || prefix[j+1] == '\t') {
				b.WriteString(strings.Repeat(" ", j+1-i))
				i = j + 1
				continue
			}
		}
		containers = false
		break
	}
	if !containers {
		// Mid-line: new lines keep the line's indentation.
		return string(prefix[:len(prefix)-len(bytes.TrimLeft(prefix, " \t"))]), false
	}
	return b.String(), len(rest) == 0
}

// placeholder leaves a placeholder for res in s.out.
func (s *state) placeholder(res *result) {
	id := len(s.results)
	s.results = append(s.results, res)
	s.write(s.prefix+strconv.Itoa(id)+"x", res.off)
}

// htmlResult is the result of a site shortcode that wrote out.
func htmlResult(name, out string, off int) *result {
	// A template file's last newline is no part of an inline result.
	out = strings.TrimRight(out, "\r\n")
	plain := html.UnescapeString(shortcode.StripTags(out))
	return &result{name: name, html: out, text: strings.TrimSpace(plain), words: plain, block: isBlock(out), off: off, ref: -1}
}

// blockTags start HTML that does not belong in a paragraph: CommonMark's
// HTML block tags and a few more.
var blockTags = map[string]bool{}

func init() {
	for t := range strings.FieldsSeq(`address article aside base basefont blockquote body caption center col colgroup dd
		details dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6
		head header hgroup hr html iframe legend li link main menu menuitem nav noframes ol optgroup option p
		param pre script search section style summary table tbody td textarea tfoot th thead title tr track ul video audio`) {
		blockTags[t] = true
	}
}

// isBlock reports whether html starts with a block-level tag.
func isBlock(h string) bool {
	h = strings.TrimLeft(h, " \t\r\n")
	if !strings.HasPrefix(h, "<") {
		return false
	}
	h = strings.TrimPrefix(h[1:], "/")
	i := 0
	for i < len(h) && (isLetterByte(h[i]) || (i > 0 && h[i] >= '0' && h[i] <= '9')) {
		i++
	}
	return blockTags[strings.ToLower(h[:i])]
}

func isLetterByte(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// placeholderAt returns the result whose placeholder starts v[i:], and
// the placeholder's length.
func (s *state) placeholderAt(v string, i int) (*result, int) {
	id, n := s.placeholderID(v, i)
	if id < 0 {
		return nil, 0
	}
	return s.results[id], n
}

// placeholderID returns the index of the result whose placeholder starts
// v[i:], or -1, and the placeholder's length.
func (s *state) placeholderID(v string, i int) (int, int) {
	if !strings.HasPrefix(v[i:], s.prefix) {
		return -1, 0
	}
	j := i + len(s.prefix)
	k := j
	for k < len(v) && v[k] >= '0' && v[k] <= '9' {
		k++
	}
	if k == j || k >= len(v) || v[k] != 'x' {
		return -1, 0
	}
	id, err := strconv.Atoi(v[j:k])
	if err != nil || id >= len(s.results) {
		return -1, 0
	}
	return id, k + 1 - i
}

func (s *state) hasPlaceholder(v string) bool {
	return len(s.results) > 0 && strings.Contains(v, s.prefix)
}

func (s *state) eachPlaceholder(v string, fn func(*result)) {
	for i := 0; i < len(v); {
		k := strings.Index(v[i:], s.prefix)
		if k < 0 {
			return
		}
		i += k
		if res, n := s.placeholderAt(v, i); res != nil {
			fn(res)
			i += n
		} else {
			i += len(s.prefix)
		}
	}
}

func textOf(r *result) string  { return r.text }
func wordsOf(r *result) string { return " " + r.words + " " }

// substText replaces placeholders in v by what field returns.
func (s *state) substText(v string, field func(*result) string) string {
	if !s.hasPlaceholder(v) {
		return v
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(v); {
		k := strings.Index(v[i:], s.prefix)
		if k < 0 {
			break
		}
		i += k
		res, n := s.placeholderAt(v, i)
		if res == nil {
			i += len(s.prefix)
			continue
		}
		b.WriteString(v[last:i])
		b.WriteString(field(res))
		i += n
		last = i
	}
	b.WriteString(v[last:])
	return b.String()
}

// substitute replaces the placeholders in goldmark's HTML: by the call's
// HTML in content, by its escaped plain text inside a tag.
func (s *state) substitute(h []byte) string {
	if len(s.results) == 0 || !bytes.Contains(h, []byte(s.prefix)) {
		return string(h)
	}
	v := string(h)
	var b bytes.Buffer
	inTag := false
	last := 0
	scan := func(a, c int) {
		for i := a; i < c; i++ {
			switch v[i] {
			case '<':
				if i+1 < len(v) && (isLetterByte(v[i+1]) || v[i+1] == '/') {
					inTag = true
				}
			case '>':
				inTag = false
			}
		}
	}
	for i := 0; i < len(v); {
		k := strings.Index(v[i:], s.prefix)
		if k < 0 {
			break
		}
		scan(i, i+k)
		i += k
		res, n := s.placeholderAt(v, i)
		if res == nil {
			scan(i, i+len(s.prefix))
			i += len(s.prefix)
			continue
		}
		b.WriteString(v[last:i])
		if inTag {
			b.WriteString(escape(res.text))
		} else {
			b.WriteString(res.html)
		}
		i += n
		last = i
	}
	b.WriteString(v[last:])
	return b.String()
}

// nested renders markdown for a shortcode (markdownify, RenderString,
// a figure caption); what it finds is reported at the call's line.
func (s *state) nested(md string, block bool) (template.HTML, error) {
	if s.depth >= maxDepth {
		return "", errors.New("markdown within shortcodes nests too deeply")
	}
	c := s.r.newState([]byte(md), s.page, s.depth+1)
	d, err := c.run()
	if err != nil {
		return "", err
	}
	at := s.callOff
	for _, e := range c.errs {
		s.errorAt(at, e.err)
	}
	for _, w := range d.Warnings {
		s.warnAt(at, w.Message)
	}
	for _, l := range d.Links {
		s.links = append(s.links, &linkAt{off: at, Link: l})
	}
	h := d.HTML
	if !block {
		h = unwrapParagraph(h)
	}
	return template.HTML(h), nil
}

// unwrapParagraph returns the content of h when h is one paragraph.
func unwrapParagraph(h string) string {
	t := strings.TrimSpace(h)
	if strings.HasPrefix(t, "<p>") && strings.HasSuffix(t, "</p>") && strings.Count(t, "<p>") == 1 {
		return t[3 : len(t)-4]
	}
	return t
}

// ref resolves the path of a ref or relref and reports the link.
func (s *state) ref(arg, name string) (string, error) {
	url, _, err := s.refLink(arg, name)
	return url, err
}

func (s *state) refLink(arg, name string) (string, int, error) {
	p, frag, _ := strings.Cut(arg, "#")
	var url string
	if p != "" {
		if s.page.Resolve == nil {
			return "", -1, fmt.Errorf("%s %q: content paths cannot be resolved here", name, arg)
		}
		u, err := s.page.Resolve(p)
		if err != nil {
			return "", -1, fmt.Errorf("%s %q: %w", name, arg, err)
		}
		url = u
	}
	if frag != "" {
		url += "#" + frag
	}
	if url == "" {
		return "", -1, fmt.Errorf("%s: the path is empty", name)
	}
	if s.call != nil && name == "ref" && s.call.Name != "ref" {
		name = s.call.Name // ref called by a site shortcode
	}
	s.links = append(s.links, &linkAt{off: s.callOff, Link: Link{Dest: url, Ref: arg, Shortcode: name}})
	return url, len(s.links) - 1, nil
}

// escape escapes text for HTML as goldmark does.
func escape(s string) string { return string(util.EscapeHTML([]byte(s))) }
