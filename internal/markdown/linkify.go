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
// paragraph: a tenth of the time of a page's markdown, though few words
// can start a link. It answers no at once where goldmark's would, after
// the same first steps: the text must start with "http:", "https:",
// "ftp:" or "www.", or hold an '@' within the 64 characters an e-mail
// address's local part may have.
type quickLinkify struct{ parser.InlineParser }

var (
	protoHTTP  = []byte("http:")
	protoHTTPS = []byte("https:")
	protoFTP   = []byte("ftp:")
	domainWWW  = []byte("www.")
)

func (q quickLinkify) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if len(line) > 0 {
		switch line[0] {
		case ' ', '*', '_', '~', '(':
			line = line[1:] // goldmark's skips the trigger
		}
	}
	if !bytes.HasPrefix(line, protoHTTP) && !bytes.HasPrefix(line, protoHTTPS) && !bytes.HasPrefix(line, protoFTP) && !bytes.HasPrefix(line, domainWWW) {
		if len(line) == 0 || util.IsPunct(line[0]) {
			return nil
		}
		// util.FindEmailIndex: up to 64 characters, then '@'.
		if bytes.IndexByte(line[:min(len(line), 65)], '@') < 0 {
			return nil
		}
	}
	return q.InlineParser.Parse(parent, block, pc)
}
