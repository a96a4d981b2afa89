package quiz

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// lines maps a key path to the 1-based line it is written on, so that
// checks made after decoding can name the line they reject. A path names
// the Nth array table and the Nth array element by 0-based index:
//
//	"scale"               the line of the key scale
//	"scale.2"             the line of its third element
//	"questions.3"         the fourth [[questions]] header
//	"questions.3.id"      the id key in that table
//	"bands.1.articles.0"  the first article of the second band
//
// Strings that may span lines also record where their content starts, as
// path + "#", for markdown fields whose own line numbers are relative.
type lines map[string]int

// line returns the line of path, or of its closest enclosing path that
// has one (a missing key points at its table's header), or 1.
func (ls lines) line(path string) int {
	for {
		if n, ok := ls[path]; ok {
			return n
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			return 1
		}
		path = path[:i]
	}
}

// contentLine returns the line on which the text of the string at path
// starts: the line after a """ that ends its line, as TOML drops that
// newline.
func (ls lines) contentLine(path string) int {
	if n, ok := ls[path+"#"]; ok {
		return n
	}
	return ls.line(path)
}

// locate indexes the keys of src with go-toml's parser, which keeps the
// position of every key and value. It returns what it found before a
// syntax error; the decoder reports the error itself.
func locate(src []byte) lines {
	ls := lines{}
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	lineAt := func(r unstable.Range) int {
		i, found := slices.BinarySearch(starts, int(r.Offset))
		if found {
			return i + 1
		}
		return i
	}
	var p unstable.Parser
	p.Reset(src)
	table := ""               // the path of the current table
	count := map[string]int{} // array tables seen so far, by name
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			name, first := keyPath(e.Key())
			table = name
			if e.Kind == unstable.ArrayTable {
				table = name + "." + strconv.Itoa(count[name])
				count[name]++
			}
			if first != nil {
				ls.set(table, lineAt(first.Raw))
			}
		case unstable.KeyValue:
			name, first := keyPath(e.Key())
			path := name
			if table != "" {
				path = table + "." + name
			}
			if first != nil {
				ls.set(path, lineAt(first.Raw))
			}
			v := e.Value()
			switch v.Kind {
			case unstable.String:
				n, raw := lineAt(v.Raw), p.Raw(v.Raw)
				if len(raw) > 3 && (raw[0] == '"' || raw[0] == '\'') && raw[1] == raw[0] && raw[2] == raw[0] &&
					(raw[3] == '\n' || raw[3] == '\r') {
					n++
				}
				ls.set(path+"#", n)
			case unstable.Array:
				i := 0
				for it := v.Children(); it.Next(); {
					c := it.Node()
					if c.Kind == unstable.Comment {
						continue
					}
					if c.Raw.Length > 0 { // nested arrays have no position
						ls.set(path+"."+strconv.Itoa(i), lineAt(c.Raw))
					}
					i++
				}
			}
		}
	}
	return ls
}

// set records the first line of path: a key written twice is a syntax
// error, and the decoder names the second.
func (ls lines) set(path string, line int) {
	if _, ok := ls[path]; !ok {
		ls[path] = line
	}
}

// keyPath joins a dotted key's parts and returns its first part, whose
// position is the key's.
func keyPath(it unstable.Iterator) (string, *unstable.Node) {
	var parts []string
	var first *unstable.Node
	for it.Next() {
		n := it.Node()
		if first == nil {
			first = n
		}
		parts = append(parts, string(n.Data))
	}
	return strings.Join(parts, "."), first
}
