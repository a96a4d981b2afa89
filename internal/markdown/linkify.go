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

func (q quickLinkify) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
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
	i := 0
	for i < len(line) && i < 64 && emailLocal[line[i]] {
		i++
	}
	if i == len(line) || line[i] != '@' {
		return nil
	}
	return q.InlineParser.Parse(parent, block, pc)
}
