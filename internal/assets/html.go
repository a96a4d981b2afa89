package assets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"
	"sync"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/buffer"
	parsehtml "github.com/tdewolff/parse/v2/html"
)

// Minifying pages fast
//
// Every page of the site goes through the HTML minifier, and tdewolff's,
// general and careful, cost a sixth of a build. MinifyHTML writes exactly
// what it writes, in half the time, for the HTML the site's layouts and
// markdown produce: it splits
// the page into tokens in one pass, by the rules of tdewolff's lexer, and
// then makes tdewolff's decisions over them (which white space goes
// around block and inline elements, which entities shrink, how each
// attribute is written), through tdewolff's own helpers for each piece
// (entity tables, attribute quoting, media types, and its CSS, JS and
// JSON minifiers for <style>, <script> and event attributes). What it
// does not mirror (inline SVG and MathML, CDATA, bogus comments, a NUL
// byte, unusual tag or attribute names, an unclosed tag, ...) sends the
// whole page to tdewolff's minifier. The tests compare the two on every
// page of the site, the golden sites and fuzzed input.

// htmlOptions are the options of the site's HTML minifier (NewMinifier);
// MinifyHTML mirrors exactly these.
var htmlOptions = html.Minifier{
	KeepDocumentTags:    true, // <html lang>, <head> and <body> stay explicit
	KeepEndTags:         true,
	KeepQuotes:          true,
	KeepDefaultAttrVals: true, // type="submit", type="text": scripts and CSS select by them
}

// MinifyHTML appends the minified HTML of src to dst, as m's HTML
// minifier (NewMinifier's) writes it. src is not modified.
func MinifyHTML(m *minify.M, dst, src []byte) ([]byte, error) {
	z := htmlStates.Get().(*htmlState)
	defer htmlStates.Put(z)
	out, err := z.minify(m, dst, src)
	if errors.Is(err, errNotMirrored) {
		w := appendWriter{dst}
		if err := m.Minify(HTML, &w, bytes.NewReader(src)); err != nil {
			return dst, err
		}
		return w.b, nil
	}
	return out, err
}

// errNotMirrored says the page holds something MinifyHTML leaves to
// tdewolff's minifier.
var errNotMirrored = errors.New("not mirrored")

var htmlStates = sync.Pool{New: func() any { return new(htmlState) }}

// appendWriter is an io.Writer appending to a byte slice.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

type tokKind uint8

// Token kinds, as tdewolff's lexer has them; StartTagClose and
// StartTagVoid are one kind here, as its minifier treats them alike.
const (
	tokEOF tokKind = iota
	tokText
	tokComment
	tokDoctype
	tokStart // "<name", followed by its attributes and a tokClose
	tokAttr
	tokClose // ">" or "/>"
	tokEnd   // "</name>"
)

// htmlTok is one token: offsets into the source, no pointers, so a pooled
// slice of them costs the garbage collector nothing.
type htmlTok struct {
	kind   tokKind
	quote  byte // an attribute's value's quote, or 0
	upper  bool // the name has upper case
	hash   html.Hash
	traits traits
	start  int32 // the token's bytes: src[start:end]
	end    int32
	name   int32 // tags and attributes: the name is src[name:nameE]
	nameE  int32
	val    int32 // attributes: the value (without quotes) is src[val:valE]; -1: none
	valE   int32
}

// htmlState is one minification's scratch, reused from page to page.
type htmlState struct {
	toks    []htmlTok
	out     appendWriter
	attr    []byte       // an attribute value being minified
	attrBuf []byte       // for EscapeAttrVal
	meta    []byte       // a <meta> content value rewritten before its turn
	raw     []byte       // the text of a <script> or <style> being minified
	min     appendWriter // a style or event attribute minified
}

// tokenize splits src into z.toks by the rules of tdewolff's lexer
// (github.com/tdewolff/parse/v2/html), or returns errNotMirrored.
func (z *htmlState) tokenize(src []byte) error {
	if len(src) > 1<<30 || bytes.IndexByte(src, 0) >= 0 {
		return errNotMirrored // the lexer reads NUL as the end of input
	}
	toks := z.toks[:0]
	n := len(src)
	i := 0
	for i < n {
		// Text runs to the next '<' that starts markup.
		text := i
		for i < n {
			j := bytes.IndexByte(src[i:], '<')
			if j < 0 {
				i = n
				break
			}
			i += j
			if i+1 >= n {
				i = n // a '<' at the end is text
				break
			}
			c := src[i+1]
			if c == '/' && i+2 < n && src[i+2] != '>' || isLetter(c) || c == '!' || c == '?' {
				break
			}
			i++ // "</>", "</" at the end, "< ", "<3": text
		}
		if i > text {
			toks = append(toks, htmlTok{kind: tokText, start: int32(text), end: int32(i)})
		}
		if i >= n {
			break
		}
		switch c := src[i+1]; {
		case c == '/':
			if !isLetter(src[i+2]) {
				return errNotMirrored // a bogus comment
			}
			j := bytes.IndexByte(src[i+2:], '>')
			if j < 0 {
				return errNotMirrored
			}
			end := i + 2 + j + 1
			name := i + 2
			nameE := end - 1
			for nameE > name && (src[nameE-1] == ' ' || src[nameE-1] == '\t' || src[nameE-1] == '\n' || src[nameE-1] == '\r') {
				nameE--
			}
			kind := nameKind(src[name:nameE])
			if kind < 0 {
				return errNotMirrored // "</p x>": the whole text is its name
			}
			h := hashOf(src[name:nameE])
			toks = append(toks, htmlTok{kind: tokEnd, upper: kind > 0, hash: h, traits: tagTraits.get(h), start: int32(i), end: int32(end), name: int32(name), nameE: int32(nameE)})
			i = end
		case c == '!':
			switch {
			case bytes.HasPrefix(src[i+2:], []byte("--")):
				end := commentEnd(src, i+4)
				if end < 0 {
					return errNotMirrored
				}
				toks = append(toks, htmlTok{kind: tokComment, start: int32(i), end: int32(end)})
				i = end
			case len(src) >= i+9 && parse.EqualFold(src[i+2:i+9], []byte("doctype")):
				j := bytes.IndexByte(src[i+9:], '>')
				if j < 0 {
					return errNotMirrored
				}
				end := i + 9 + j + 1
				toks = append(toks, htmlTok{kind: tokDoctype, start: int32(i), end: int32(end)})
				i = end
			default:
				return errNotMirrored // CDATA or a bogus comment
			}
		case c == '?':
			return errNotMirrored // a bogus comment
		default:
			var err error
			if toks, i, err = z.startTag(toks, src, i); err != nil {
				return err
			}
		}
	}
	z.toks = append(toks, htmlTok{kind: tokEOF, start: int32(n), end: int32(n)})
	return nil
}

// startTag adds the tokens of the start tag at src[i:] and of the raw
// text after it, if it is <script>, <style>, <title>, ...
func (z *htmlState) startTag(toks []htmlTok, src []byte, i int) ([]htmlTok, int, error) {
	n := len(src)
	j := i + 1
	for j < n && !isSpace(src[j]) && src[j] != '>' && !(src[j] == '/' && j+1 < n && src[j+1] == '>') {
		j++
	}
	kind := nameKind(src[i+1 : j])
	if kind < 0 {
		return nil, 0, errNotMirrored
	}
	h := hashOf(src[i+1 : j])
	switch {
	case h == html.Svg, h == html.Math, h == html.Plaintext, h == 0 && parse.EqualFold(src[i+1:j], []byte("xml")):
		return nil, 0, errNotMirrored // the lexer reads them as XML, or to the end
	}
	tag := len(toks)
	toks = append(toks, htmlTok{kind: tokStart, upper: kind > 0, hash: h, traits: tagTraits.get(h), start: int32(i), end: int32(j), name: int32(i + 1), nameE: int32(j)})
	for {
		for j < n && isSpace(src[j]) {
			j++
		}
		if j >= n {
			return nil, 0, errNotMirrored // unclosed
		}
		if src[j] == '>' {
			toks = append(toks, htmlTok{kind: tokClose, start: int32(j), end: int32(j + 1)})
			j++
			break
		}
		if src[j] == '/' && j+1 < n && src[j+1] == '>' {
			toks = append(toks, htmlTok{kind: tokClose, start: int32(j), end: int32(j + 2)})
			j += 2
			break
		}
		a := htmlTok{kind: tokAttr, start: int32(j), name: int32(j), val: -1, valE: -1}
		for j < n && !isSpace(src[j]) && src[j] != '=' && src[j] != '>' && !(src[j] == '/' && j+1 < n && src[j+1] == '>') {
			j++
		}
		kind := nameKind(src[a.name:j])
		if kind < 0 {
			return nil, 0, errNotMirrored
		}
		a.upper = kind > 0
		a.nameE = int32(j)
		k := j
		for k < n && isSpace(src[k]) {
			k++
		}
		if k < n && src[k] == '=' {
			k++
			for k < n && isSpace(src[k]) {
				k++
			}
			if k >= n {
				return nil, 0, errNotMirrored
			}
			if q := src[k]; q == '"' || q == '\'' {
				e := bytes.IndexByte(src[k+1:], q)
				if e < 0 {
					return nil, 0, errNotMirrored
				}
				a.quote, a.val, a.valE = q, int32(k+1), int32(k+1+e)
				j = k + 1 + e + 1
			} else {
				v := k
				for k < n && !isSpace(src[k]) && src[k] != '>' {
					k++
				}
				if k == v || k >= n || bytes.ContainsAny(src[v:k], "\"'`<=") {
					return nil, 0, errNotMirrored
				}
				a.val, a.valE = int32(v), int32(k)
				j = k
			}
		}
		a.end = int32(j)
		a.hash = hashOf(src[a.name:a.nameE])
		a.traits = attrTraits.get(a.hash)
		switch {
		case h == html.Meta && a.hash == html.Http_Equiv:
			return nil, 0, errNotMirrored // rewrites content-type: not mirrored
		case h == html.Style && a.hash == html.Amp_Boilerplate:
			return nil, 0, errNotMirrored
		}
		toks = append(toks, a)
	}
	switch h {
	case html.Textarea, html.Title, html.Style, html.Xmp, html.Iframe, html.Script: // the lexer's raw text elements
		// Raw text, up to the element's end tag.
		end := rawTextEnd(src, j, src[i+1:toks[tag].nameE])
		if end < 0 {
			return nil, 0, errNotMirrored
		}
		if h == html.Script && bytes.Contains(src[j:end], []byte("<!--")) {
			return nil, 0, errNotMirrored // the lexer's script-comment rules
		}
		if end > j {
			toks = append(toks, htmlTok{kind: tokText, start: int32(j), end: int32(end)})
		}
		j = end
	}
	return toks, j, nil
}

// rawTextEnd returns the offset of the end tag "</name" (in any case,
// followed by a non-letter) at or after src[i:], or -1.
func rawTextEnd(src []byte, i int, name []byte) int {
	for {
		k := bytes.Index(src[i:], []byte("</"))
		if k < 0 {
			return -1
		}
		k += i
		e := k + 2
		for e < len(src) && isLetter(src[e]) {
			e++
		}
		if e < len(src) && parse.EqualFold(src[k+2:e], lower(name)) {
			return k
		}
		i = k + 2
	}
}

// lower returns name lower-cased (copied only when it has upper case).
func lower(name []byte) []byte {
	for _, c := range name {
		if 'A' <= c && c <= 'Z' {
			return parse.ToLower(bytes.Clone(name))
		}
	}
	return name
}

// commentEnd returns the offset after the "-->" or "--!>" that ends the
// comment whose text starts at src[i:], or -1.
func commentEnd(src []byte, i int) int {
	for {
		k := bytes.Index(src[i:], []byte("--"))
		if k < 0 {
			return -1
		}
		k += i
		if k+2 < len(src) && src[k+2] == '>' {
			return k + 3
		}
		if k+3 < len(src) && src[k+2] == '!' && src[k+3] == '>' {
			return k + 4
		}
		i = k + 1
	}
}

// hashOf is tdewolff's hash of a tag or attribute name, which it reads
// lower-cased.
func hashOf(name []byte) html.Hash {
	var b [32]byte
	return html.ToHash(lowerName(name, &b))
}

// lowerName returns name lower-cased, in b if it needs changing; nil if
// it is longer than any name the hashes know.
func lowerName(name []byte, b *[32]byte) []byte {
	for _, c := range name {
		if 'A' <= c && c <= 'Z' {
			if len(name) > len(b) {
				return nil
			}
			return parse.ToLower(append(b[:0], name...))
		}
	}
	return name
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isSpace is white space between attributes, as the lexer has it.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// nameKind says whether b is a tag or attribute name of the plain kind
// MinifyHTML mirrors (letters, digits, '-', '_', ':' and '.'): 0 if it
// is, 1 if it is and has upper case, -1 if it is not.
func nameKind(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	kind := 0
	for _, c := range b {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == ':', c == '.':
		case 'A' <= c && c <= 'Z':
			kind = 1
		default:
			return -1
		}
	}
	return kind
}

// appendName appends a tag or attribute name, lower-cased.
func appendName(dst, name []byte, upper bool) []byte {
	n := len(dst)
	dst = append(dst, name...)
	if upper {
		parse.ToLower(dst[n:])
	}
	return dst
}

// plainValue reports whether the value v of attribute a (named name) of
// tag t is written as it is, between the double quotes it has: no entity
// or white space to rewrite (textUnchanged, and none at its ends), no
// double quote in it, not empty, and not an attribute attributes rewrites
// (a media type, a style or event attribute, a data: URL, an upper-case
// http: scheme).
func plainValue(m *minify.M, t, a *htmlTok, name, v []byte) bool {
	if len(v) == 0 || parse.IsWhitespace(v[0]) || parse.IsWhitespace(v[len(v)-1]) || bytes.IndexByte(v, '"') >= 0 || !textUnchanged(v) {
		return false
	}
	if t.traits == 0 {
		return true
	}
	switch {
	case a.hash == html.Type, a.hash == html.Enctype, a.hash == html.Formenctype, a.hash == html.Accept, a.hash == html.Style:
		return false
	case 2 < len(name) && (name[0] == 'o' || name[0] == 'O') && (name[1] == 'n' || name[1] == 'N'):
		return false // JavaScript
	case a.traits&urlAttr != 0 && len(v) > 5:
		return m.URL == nil && !(parse.EqualFold(v[:4], httpBytes) && (!bytes.Equal(v[:4], httpBytes) || v[4] == 'S')) && !parse.EqualFold(v[:5], dataBytes)
	}
	return true
}

// textUnchanged reports whether parse.ReplaceMultipleWhitespaceAndEntities
// leaves b as it is: no run of white space but single spaces and line
// feeds, and no '&' it would read as an entity (one with three bytes
// after it). Most text is so. It reads eight bytes at a time; it may say
// false of text that would not change, never true of text that would.
func textUnchanged(b []byte) bool {
	const (
		ones = 0x0101010101010101
		lo7  = 0x7f * ones
		hi   = 0x80 * ones
	)
	// eq marks the bytes of x equal to c with their high bit.
	eq := func(x, c uint64) uint64 {
		t := x ^ (c * ones)
		return ^((t & lo7) + lo7 | t) & hi
	}
	prevSpace := false // the byte before b[i] is white space
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		ws := ^((x & lo7) + (0x80-0x21)*ones) & ^x & hi // bytes below '!': white space, controls
		amp := eq(x, '&')
		if ws|amp == 0 {
			prevSpace = false
			continue
		}
		if amp != 0 && i+bits.TrailingZeros64(amp)/8+3 < len(b) {
			return false // the first '&' is the last that could be read
		}
		if ws&^(eq(x, ' ')|eq(x, '\n')) != 0 || ws&(ws>>8) != 0 || prevSpace && ws&0x80 != 0 {
			return false // a tab, CR, FF (or a control), or two in a row
		}
		prevSpace = ws>>56 != 0
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case ' ', '\n':
			if prevSpace {
				return false
			}
			prevSpace = true
		case '\t', '\r', '\f':
			return false
		case '&':
			if i+3 < len(b) {
				return false
			}
			prevSpace = false
		default:
			prevSpace = false
		}
	}
	return true
}

var (
	inlineParams = map[string]string{"inline": "1"}
	httpBytes    = []byte("http")
	dataBytes    = []byte("data:")
	jsBytes      = []byte("javascript:")
	jsMime       = []byte(JS)
	cssMime      = []byte(CSS)
	htmlMime     = []byte(HTML)
)

// minify appends the minified src to dst, making the decisions of
// tdewolff's html.Minifier.Minify (v2.24.25) with htmlOptions, in its
// order; comments say where they differ in form.
func (z *htmlState) minify(m *minify.M, dst, src []byte) ([]byte, error) {
	if err := z.tokenize(src); err != nil {
		return dst, err
	}
	toks := z.toks
	z.out.b = dst
	defer func() { z.out.b = nil }()
	omitSpace := true // if true the next leading space is omitted
	inPre := false
	var rawTagHash html.Hash
	var rawTagMediatype []byte
	for p := 0; p < len(toks); p++ {
		t := &toks[p]
		switch t.kind {
		case tokEOF:
			return z.out.b, nil
		case tokDoctype:
			z.out.b = append(z.out.b, "<!doctype html>"...)
		case tokComment:
			// left out
		case tokText:
			data := src[t.start:t.end]
			if rawTagHash != 0 {
				if rawTagHash == html.Style || rawTagHash == html.Script || rawTagHash == html.Iframe {
					var mimetype []byte
					var params map[string]string
					if rawTagHash == html.Iframe {
						mimetype = htmlMime
					} else if len(rawTagMediatype) > 0 {
						mimetype, params = parse.Mediatype(rawTagMediatype)
					} else if rawTagHash == html.Script {
						mimetype, params = jsMime, map[string]string{"escape-html": "1"}
					} else if rawTagHash == html.Style {
						mimetype = cssMime
					}
					mark := len(z.out.b)
					// (A copy: the minifier may write to what it reads.)
					z.raw = append(z.raw[:0], data...)
					if err := m.MinifyMimetype(mimetype, &z.out, buffer.NewReader(z.raw), params); err != nil {
						if err != minify.ErrNotExist {
							return dst, errNotMirrored // tdewolff reports it, with its position
						}
						z.out.b = append(z.out.b[:mark], data...)
					}
				} else {
					z.out.b = append(z.out.b, data...)
				}
			} else if inPre {
				z.out.b = append(z.out.b, data...)
			} else {
				// Collapsed white space and shorter entities: most text
				// has neither, and the rest is rewritten in a copy.
				mark := len(z.out.b)
				if !textUnchanged(data) {
					z.out.b = append(z.out.b, data...)
					data = parse.ReplaceMultipleWhitespaceAndEntities(z.out.b[mark:], html.EntitiesMap, html.TextRevEntitiesMap)
				}

				// whitespace removal; trim left
				if omitSpace && parse.IsWhitespace(data[0]) {
					data = data[1:]
				}

				// whitespace removal; trim right
				omitSpace = false
				if len(data) == 0 {
					omitSpace = true
				} else if parse.IsWhitespace(data[len(data)-1]) {
					omitSpace = true
					for i := 0; ; i++ {
						next := &toks[min(p+1+i, len(toks)-1)]
						// trim if EOF, text token with leading whitespace or block token
						if 100 < i {
							omitSpace = false
							break
						} else if next.kind == tokEOF {
							data = data[:len(data)-1]
							omitSpace = false
							break
						} else if next.kind == tokText && !parse.IsAllWhitespace(src[next.start:next.end]) {
							break
						} else if next.kind == tokStart || next.kind == tokEnd {
							// remove when followed by a block tag
							if next.traits&blockTag != 0 {
								data = data[:len(data)-1]
								omitSpace = false
								break
							} else if next.kind == tokStart {
								break
							}
						}
					}
				}
				z.out.b = append(z.out.b[:mark], data...) // (it may overlap)
			}
		case tokStart, tokEnd:
			rawTagHash = 0
			hasAttributes := false
			if t.kind == tokStart {
				hasAttributes = toks[p+1].kind == tokAttr
				if t.traits&rawTag != 0 {
					// ignore empty script and style tags
					if !hasAttributes && (t.hash == html.Script || t.hash == html.Style) && toks[p+2].kind == tokEnd {
						p += 2
						break
					}
					rawTagHash = t.hash
					rawTagMediatype = nil
				}
			} else if t.hash == html.Template {
				omitSpace = true
			}
			if t.hash == html.Pre {
				inPre = t.kind == tokStart
			}

			// remove superfluous tags (KeepDocumentTags: only colgroup)
			if !hasAttributes && t.hash == html.Colgroup {
				if t.kind == tokStart {
					p++ // its ">"
				}
				break
			}
			if t.kind == tokEnd {
				// KeepEndTags: no end tag is left out.
				if t.traits&objectTag != 0 {
					omitSpace = false
				} else if t.traits&blockTag != 0 {
					omitSpace = true // omit spaces after block elements
				}
				z.out.b = append(z.out.b, '<', '/')
				z.out.b = appendName(z.out.b, src[t.name:t.nameE], t.upper)
				z.out.b = append(z.out.b, '>')
				// skip text in select and optgroup tags
				if (t.hash == html.Option || t.hash == html.Optgroup) && toks[p+1].kind == tokText {
					p++
				}
				break
			}

			if t.traits&objectTag != 0 {
				omitSpace = false
			} else if t.traits&blockTag != 0 {
				omitSpace = true // omit spaces after block elements
			}
			z.out.b = append(z.out.b, '<')
			z.out.b = appendName(z.out.b, src[t.name:t.nameE], t.upper)
			if hasAttributes {
				var err error
				if p, err = z.attributes(m, src, p, rawTagHash, &rawTagMediatype); err != nil {
					return dst, err
				}
			} else {
				p++ // its ">"
			}
			z.out.b = append(z.out.b, '>')

			// skip text in select and optgroup tags
			if (t.hash == html.Select || t.hash == html.Optgroup) && toks[p+1].kind == tokText {
				p++
			}
			// keep space after phrasing tags (<i>, <span>, ...) FontAwesome etc.
			if t.traits == normalTag {
				if next := &toks[p+1]; next.hash == t.hash && next.kind == tokEnd {
					omitSpace = false
				}
			}
		}
	}
	return z.out.b, nil
}

// attributes writes the attributes of the start tag toks[p] and returns
// the index of its tokClose.
func (z *htmlState) attributes(m *minify.M, src []byte, p int, rawTagHash html.Hash, rawTagMediatype *[]byte) (int, error) {
	toks := z.toks
	t := &toks[p]
	attrs := toks[p+1:]
	for i := range attrs {
		if attrs[i].kind != tokAttr {
			attrs = attrs[:i]
			break
		}
	}
	// last returns the last attribute with the hash, as tdewolff's
	// TokenBuffer.Attributes does, or nil.
	last := func(h html.Hash) *htmlTok {
		var a *htmlTok
		for i := range attrs {
			if attrs[i].hash == h {
				a = &attrs[i]
			}
		}
		return a
	}
	valOf := func(a *htmlTok) []byte {
		if a.val < 0 {
			return nil
		}
		return src[a.val:a.valE]
	}
	removed := func(a *htmlTok) { a.name = -1 } // written no more
	var metaContent *htmlTok                    // its value is z.meta
	switch t.hash {
	case html.Meta:
		// (http-equiv is not mirrored: tokenize refused it.)
		if content := last(html.Content); content != nil {
			if name := last(html.Name); name != nil {
				nameVal := parse.TrimWhitespace(valOf(name))
				if name.val >= 0 { // its value trimmed, as tdewolff leaves it
					for name.val < name.valE && parse.IsWhitespace(src[name.val]) {
						name.val++
					}
					name.valE = name.val + int32(len(nameVal))
				}
				if parse.EqualFold(nameVal, []byte("keywords")) {
					z.meta = bytes.ReplaceAll(valOf(content), []byte(", "), []byte(","))
					metaContent = content
				} else if parse.EqualFold(nameVal, []byte("viewport")) {
					z.meta = bytes.ReplaceAll(valOf(content), []byte(" "), []byte(""))
					for i := 0; i < len(z.meta); i++ {
						if z.meta[i] == '=' && i+2 < len(z.meta) {
							i++
							if n := parse.Number(z.meta[i:]); 0 < n {
								minNum := minify.Number(z.meta[i:i+n], -1)
								if len(minNum) < n {
									copy(z.meta[i:i+len(minNum)], minNum)
									copy(z.meta[i+len(minNum):], z.meta[i+n:])
									z.meta = z.meta[:len(z.meta)+len(minNum)-n]
								}
								i += len(minNum)
							}
							i-- // mitigate for-loop increase
						}
					}
					metaContent = content
				}
			}
		}
	case html.Script:
		if src, charset := last(html.Src), last(html.Charset); src != nil && charset != nil {
			removed(charset)
		}
	case html.Input:
		if typ, value := last(html.Type), last(html.Value); typ != nil && value != nil {
			isRadio := parse.EqualFold(valOf(typ), []byte("radio"))
			if !isRadio && len(valOf(value)) == 0 {
				removed(value)
			} else if isRadio && parse.EqualFold(valOf(value), []byte("on")) {
				removed(value)
			}
		}
	case html.A:
		if id, name := last(html.Id), last(html.Name); id != nil && name != nil && bytes.Equal(valOf(id), valOf(name)) {
			removed(name)
		}
	}

	// write attributes
	for i := range attrs {
		a := &attrs[i]
		if a.name < 0 {
			continue // removed attribute
		}
		name := src[a.name:a.nameE]
		if v := valOf(a); a != metaContent && a.quote == '"' && plainValue(m, t, a, name, v) {
			// What the rest would write, in one step.
			z.out.b = append(z.out.b, ' ')
			z.out.b = appendName(z.out.b, name, a.upper)
			if a.traits&booleanAttr == 0 {
				z.out.b = append(z.out.b, '=', '"')
				z.out.b = append(z.out.b, v...)
				z.out.b = append(z.out.b, '"')
			}
			continue
		}
		if a == metaContent {
			z.attr = append(z.attr[:0], z.meta...)
		} else {
			z.attr = append(z.attr[:0], valOf(a)...)
		}
		val := z.attr
		if a.traits&trimAttr != 0 {
			val = parse.ReplaceMultipleWhitespaceAndEntities(val, html.EntitiesMap, nil)
			val = parse.TrimWhitespace(val)
		} else {
			val = parse.ReplaceEntities(val, html.EntitiesMap, nil)
		}
		if t.traits != 0 {
			if len(val) == 0 && (a.hash == html.Class ||
				a.hash == html.Dir ||
				a.hash == html.Id ||
				a.hash == html.Name ||
				a.hash == html.Action && t.hash == html.Form) {
				continue // omit empty attribute values
			}
			if rawTagHash != 0 && a.hash == html.Type {
				*rawTagMediatype = parse.Copy(val)
			}
			if a.hash == html.Enctype ||
				a.hash == html.Formenctype ||
				a.hash == html.Accept ||
				a.hash == html.Type && (t.hash == html.A || t.hash == html.Link || t.hash == html.Embed || t.hash == html.Object || t.hash == html.Source || t.hash == html.Script) {
				val = minify.Mediatype(val)
			}
			// KeepDefaultAttrVals: no default value is left out.
			if a.hash == html.Style {
				// CSS minifier for attribute inline code
				val = parse.TrimWhitespace(val)
				z.min.b = z.min.b[:0]
				if err := m.MinifyMimetype(cssMime, &z.min, buffer.NewReader(val), inlineParams); err == nil {
					val = z.min.b
				} else if err != minify.ErrNotExist {
					return 0, errNotMirrored
				}
				if len(val) == 0 {
					continue
				}
			} else if 2 < len(name) && (name[0] == 'o' || name[0] == 'O') && (name[1] == 'n' || name[1] == 'N') {
				// JS minifier for attribute inline code
				val = parse.TrimWhitespace(val)
				if 11 <= len(val) && parse.EqualFold(val[:11], jsBytes) {
					val = val[11:]
				}
				z.min.b = z.min.b[:0]
				if err := m.MinifyMimetype(jsMime, &z.min, buffer.NewReader(val), inlineParams); err == nil {
					val = z.min.b
				} else if err != minify.ErrNotExist {
					return 0, errNotMirrored
				}
				if len(val) == 0 {
					continue
				}
			} else if a.traits&urlAttr != 0 {
				val = parse.TrimWhitespace(val)
				if 5 < len(val) {
					if parse.EqualFold(val[:4], httpBytes) {
						if val[4] == ':' {
							if m.URL != nil && m.URL.Scheme == "http" {
								val = val[5:]
							} else {
								parse.ToLower(val[:4])
							}
						} else if (val[4] == 's' || val[4] == 'S') && val[5] == ':' {
							if m.URL != nil && m.URL.Scheme == "https" {
								val = val[6:]
							} else {
								parse.ToLower(val[:5])
							}
						}
					} else if parse.EqualFold(val[:5], dataBytes) {
						val = minify.DataURI(m, val)
					}
				}
			}
		}

		z.out.b = append(z.out.b, ' ')
		z.out.b = appendName(z.out.b, name, a.upper)
		if 0 < len(val) && a.traits&booleanAttr == 0 {
			z.out.b = append(z.out.b, '=')
			// use double quotes for RDFa attributes
			isXML := a.hash == html.Vocab || a.hash == html.Typeof || a.hash == html.Property || a.hash == html.Resource || a.hash == html.Prefix || a.hash == html.Content || a.hash == html.About || a.hash == html.Rev || a.hash == html.Datatype || a.hash == html.Inlist
			val = parsehtml.EscapeAttrVal(&z.attrBuf, val, a.quote, htmlOptions.KeepQuotes || isXML)
			z.out.b = append(z.out.b, val...)
		}
	}
	return p + len(attrs) + 1, nil
}
