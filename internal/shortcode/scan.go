package shortcode

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tag is one shortcode tag as written in a source: {{< name args >}},
// {{% name args %}}, a closing {{< /name >}}, a self-closing
// {{< name />}}, or an escaped {{</* ... */>}}.
type Tag struct {
	Start, End int    // src[Start:End] is the whole tag, delimiters included
	Markdown   bool   // {{% %}} rather than {{< >}}
	Escaped    bool   // {{</* ... */>}}: text to show, not a call
	Close      bool   // {{< /name >}}
	SelfClose  bool   // {{< name />}}
	Name       string // empty for an escaped tag
	// Params holds the arguments as Hugo passes them to templates: nil
	// without arguments, []any for positional ones and map[string]any for
	// named ones. Quoted values are strings; bare ones that read as a
	// bool, integer or decimal number are bool, int or float64.
	Params any
	// Indent is the spaces and tabs before the tag when only they precede
	// it on its line (Hugo's .InnerDeindent removes it from inner lines).
	Indent string
	// Literal is the text an escaped tag stands for: the tag without its
	// /* */ markers, as Hugo prints it.
	Literal string
	// Err says why the tag is malformed; Start:End covers what was read.
	Err error
}

const (
	leftAngle  = "{{<"
	leftPct    = "{{%"
	rightAngle = ">}}"
	rightPct   = "%}}"
)

// Scan returns the shortcode tags in src, in order. It knows nothing of
// markdown: tags in code blocks and code spans are returned too, and the
// caller decides what they are.
func Scan(src []byte) []Tag {
	var tags []Tag
	for i := 0; i < len(src); {
		j := bytes.Index(src[i:], []byte("{{"))
		if j < 0 {
			break
		}
		j += i
		if j+2 < len(src) && (src[j+2] == '<' || src[j+2] == '%') {
			t := scanTag(src, j)
			tags = append(tags, t)
			i = t.End
			continue
		}
		i = j + 1
	}
	return tags
}

// scanner reads one tag.
type scanner struct {
	src   []byte
	pos   int
	right string
}

func (s *scanner) has(p string) bool { return bytes.HasPrefix(s.src[s.pos:], []byte(p)) }

func (s *scanner) skipSpace() {
	for s.pos < len(s.src) && isSpace(s.src[s.pos]) {
		s.pos++
	}
}

func (s *scanner) peekRune() rune {
	if s.pos >= len(s.src) {
		return -1
	}
	r, _ := utf8.DecodeRune(s.src[s.pos:])
	return r
}

// word reads runes while ok holds.
func (s *scanner) word(ok func(rune) bool) string {
	start := s.pos
	for s.pos < len(s.src) {
		r, size := utf8.DecodeRune(s.src[s.pos:])
		if !ok(r) {
			break
		}
		s.pos += size
	}
	return string(s.src[start:s.pos])
}

func scanTag(src []byte, start int) Tag {
	t := Tag{Start: start, Markdown: src[start+2] == '%', Indent: indentBefore(src, start)}
	left, right := leftAngle, rightAngle
	if t.Markdown {
		left, right = leftPct, rightPct
	}
	s := &scanner{src: src, pos: start + 3, right: right}
	fail := func(format string, args ...any) Tag {
		t.Err = fmt.Errorf(format, args...)
		if t.Name != "" {
			t.Err = fmt.Errorf("shortcode %q: %w", t.Name, t.Err)
		}
		// Resume after the next closing delimiter, where the tag most
		// likely ends, so one mistake gives one error.
		if k := bytes.Index(src[start+3:], []byte(right)); k >= 0 {
			t.End = start + 3 + k + len(right)
		} else {
			t.End = start + 3
		}
		return t
	}

	if s.has("/*") {
		// {{</* name */>}}: Hugo shows it as {{< name >}}, which is how
		// its documentation writes shortcodes.
		k := bytes.Index(src[s.pos+2:], []byte("*/"+right))
		if k < 0 {
			t.Err = fmt.Errorf("escaped shortcode %s/* is not closed with */%s", left, right)
			t.End = start + 3
			return t
		}
		t.Escaped = true
		t.Literal = left + string(src[s.pos+2:s.pos+2+k]) + right
		t.End = s.pos + 2 + k + 2 + len(right)
		return t
	}

	var positional []any
	var named map[string]any
	for {
		s.skipSpace()
		if s.pos >= len(src) {
			return fail("shortcode is not closed with %s", right)
		}
		if s.has(right) {
			s.pos += len(right)
			break
		}
		if t.SelfClose {
			return fail("unexpected %q after / in a self-closing shortcode", s.peekRune())
		}
		r := s.peekRune()
		switch {
		case r == '/' && t.Name == "" && !t.Close:
			t.Close = true
			s.pos++
		case r == '/' && t.Name != "" && !t.Close:
			t.SelfClose = true
			s.pos++
		case t.Name == "":
			if !isAlphaNumeric(r) {
				return fail("shortcode name expected, found %q", r)
			}
			t.Name = s.word(func(r rune) bool { return isAlphaNumeric(r) || r == '-' || r == '/' })
			if s.has(".") {
				if bytes.HasPrefix(src[s.pos:], []byte(".inline")) {
					name := t.Name
					t.Name = ""
					return fail("inline shortcodes ({{< %s.inline >}}) are not supported: put the template in layouts/shortcodes/%s.html", name, name)
				}
				return fail("unexpected . in shortcode name %q", t.Name)
			}
		case t.Close:
			return fail("unexpected %q in a closing tag", r)
		case r == '"' || r == '`':
			v, err := s.quoted()
			if err != nil {
				return fail("%v", err)
			}
			if named != nil {
				return fail("positional argument %q after named ones: use one kind", v)
			}
			positional = append(positional, v)
		case isAlphaNumeric(r) || r == '-':
			w := s.word(func(r rune) bool { return isAlphaNumeric(r) || r == '-' || r == '.' })
			s.skipSpace()
			if !s.has("=") {
				if named != nil {
					return fail("positional argument %q after named ones: use one kind", w)
				}
				positional = append(positional, typed(w))
				continue
			}
			s.pos++
			s.skipSpace()
			var v any
			if s.has(`"`) || s.has("`") {
				q, err := s.quoted()
				if err != nil {
					return fail("%s: %v", w, err)
				}
				v = q
			} else {
				// A bare value runs to the next space, as in Hugo, or to
				// the end of the tag.
				start := s.pos
				for s.pos < len(src) && !isSpace(src[s.pos]) && !s.has(right) {
					s.pos++
				}
				if s.pos == start {
					return fail("argument %s= has no value", w)
				}
				v = typed(string(src[start:s.pos]))
			}
			if positional != nil {
				return fail("named argument %s after positional ones: use one kind", w)
			}
			if named == nil {
				named = map[string]any{}
			}
			if _, dup := named[w]; dup {
				return fail("argument %s is given twice", w)
			}
			named[w] = v
		default:
			return fail("unexpected %q: quote arguments that hold other characters than letters, digits, - and .", r)
		}
	}
	t.End = s.pos
	if t.Name == "" {
		if t.Close {
			return fail("closing tag has no shortcode name")
		}
		return fail("shortcode has no name")
	}
	switch {
	case named != nil:
		t.Params = named
	case positional != nil:
		t.Params = positional
	}
	return t
}

var errUnterminated = errors.New("quoted argument is not closed")

// quoted reads a "double-quoted" argument, in which \" stands for ", or
// a `raw` one, which may span lines.
func (s *scanner) quoted() (string, error) {
	q := s.src[s.pos]
	s.pos++
	var b []byte
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == q:
			s.pos++
			return string(b), nil
		case q == '"' && c == '\n':
			return "", errUnterminated
		case q == '"' && c == '\\' && s.pos+1 < len(s.src) && s.src[s.pos+1] == '"':
			b = append(b, '"')
			s.pos += 2
			continue
		}
		b = append(b, c)
		s.pos++
	}
	return "", errUnterminated
}

// typed returns a bare argument as Hugo types it.
func typed(s string) any {
	switch s {
	case "true":
		return true
	case "false":
		return false
	}
	digits := func(s string) bool {
		for _, c := range []byte(s) {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	num := s
	if len(num) > 0 && (num[0] == '-' || num[0] == '+') {
		num = num[1:]
	}
	if num != "" && digits(num) {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
		return s
	}
	if i := strings.IndexByte(num, '.'); i >= 0 && digits(num[:i]) && i+1 < len(num) && digits(num[i+1:]) {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	}
	return s
}

// indentBefore returns the spaces and tabs between the start of the line
// and off, or "" when anything else precedes off on its line.
func indentBefore(src []byte, off int) string {
	i := off
	for i > 0 && (src[i-1] == ' ' || src[i-1] == '\t') {
		i--
	}
	if i > 0 && src[i-1] != '\n' {
		return ""
	}
	return string(src[i:off])
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isAlphaNumeric(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}
