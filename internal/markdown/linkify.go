package markdown

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// gfm is goldmark's extension.GFM with its autolinks asked only where a
// link can start (quickLinkify).
var gfm = goldmark.Extender(gfmExtension{})

type gfmExtension struct{}

func (gfmExtension) Extend(m goldmark.Markdown) {
	// As extension.GFM, whose Linkify registers its parser so.
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(quickLinkify{extension.NewLinkifyParser()}, 999),
	))
	extension.Table.Extend(m)
	extension.Strikethrough.Extend(m)
	extension.TaskList.Extend(m)
}

// quickLinkify is goldmark's linkify parser (GFM's autolinks), which
// goldmark asks at every space, every '*', '_', '~' and '(' of every
// paragraph: a sixth of the time of a page's markdown, though few words
// can start a link. It answers no at once where goldmark's would, after
// the same first steps: the text must start with "http:", "https:",
// "ftp:" or "www.", or be an e-mail address's local part (at most 64 of
// its characters) followed by '@', as util.FindEmailIndex reads them.
type quickLinkify struct{ parser.InlineParser }

var (
	protoHTTP  = []byte("http:")
	protoHTTPS = []byte("https:")
	protoFTP   = []byte("ftp:")
	domainWWW  = []byte("www.")
)

// emailLocal are the characters of an address's local part, as goldmark's
// util.FindEmailIndex has them.
var emailLocal = func() (t [256]bool) {
	for _, c := range []byte("!#$%&'*+-./0123456789=?ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz{|}~") {
		t[c] = true
	}
	return t
}()

// atKey is where a document's parse keeps its atCache.
var atKey = parser.NewContextKey()

// atCache is where the next '@' of the line being parsed is: most lines
// have none, and no word of them can be an e-mail address.
type atCache struct {
	stop  int // the line's end (its Segment's Stop), identifying it
	start int // the offset the search started at
	at    int // the offset of the first '@' from start, or -1
}

func (q quickLinkify) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	whole, seg := block.PeekLine()
	line := whole
	if len(line) > 0 {
		switch line[0] {
		case ' ', '*', '_', '~', '(':
			line = line[1:] // goldmark's skips the trigger
		}
	}
	if len(line) == 0 {
		return nil
	}
	switch line[0] {
	case 'h':
		if bytes.HasPrefix(line, protoHTTP) || bytes.HasPrefix(line, protoHTTPS) {
			return q.InlineParser.Parse(parent, block, pc)
		}
	case 'f':
		if bytes.HasPrefix(line, protoFTP) {
			return q.InlineParser.Parse(parent, block, pc)
		}
	case 'w':
		if bytes.HasPrefix(line, domainWWW) {
			return q.InlineParser.Parse(parent, block, pc)
		}
	}
	if util.IsPunct(line[0]) {
		return nil
	}
	if seg.Padding == 0 { // whole is the source from seg.Start
		c, _ := pc.Get(atKey).(*atCache)
		if c == nil {
			c = &atCache{stop: -1}
			pc.Set(atKey, c)
		}
		if c.stop != seg.Stop || seg.Start < c.start || c.at >= 0 && seg.Start > c.at {
			c.stop, c.start, c.at = seg.Stop, seg.Start, -1
			if i := bytes.IndexByte(whole, '@'); i >= 0 {
				c.at = seg.Start + i
			}
		}
		if c.at < 0 {
			return nil
		}
	}
	i := 0
	for i < len(line) && i < 64 && emailLocal[line[i]] {
		i++
	}
	if i == len(line) || line[i] != '@' {
		return nil
	}
	return q.InlineParser.Parse(parent, block, pc)
}
