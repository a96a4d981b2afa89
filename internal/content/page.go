package content

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"
)

// Kind says what a content file is; it picks the default layout and URL.
type Kind string

// The kinds of content file.
const (
	KindHome    Kind = "home"    // content/_index.md
	KindPage    Kind = "page"    // content/<name>.md
	KindArticle Kind = "article" // content/articles/<name>.md
	KindSection Kind = "section" // content/articles/_index.md

	// Kinds of generated pages, which have no content file.
	KindList     Kind = "list" // /articles/ and its later pages
	KindTag      Kind = "tag"  // /tags/<tag>/
	KindTags     Kind = "tags" // /tags/
	KindNotFound Kind = "404"  // /404.html
)

// Page is one content file, parsed but not yet rendered.
type Page struct {
	Kind        Kind
	File        string // path for messages, e.g. "content/articles/x.md"
	Title       string
	Description string
	Date        time.Time // zero for pages without a date
	Lastmod     time.Time // Date when not set
	Tags        []string
	Draft       bool
	Slug        string
	Aliases     []string
	Image       string
	Layout      string
	TOC         *bool          // nil: the layout decides
	Params      map[string]any // front-matter keys not listed above
	URL         string         // site-relative, e.g. "/articles/x/"

	// Body is the markdown after the front matter; BodyLine is the line of
	// File on which it starts, so markdown problems can name their line.
	Body     []byte
	BodyLine int

	keyLines map[string]int
}

// KeyLine returns the line of File where front-matter key is set, or the
// first line when it is absent, so checks can point at the problem.
func (p *Page) KeyLine(key string) int {
	if l, ok := p.keyLines[key]; ok {
		return l
	}
	return 1
}

// IsFuture reports whether the page is dated after now (scheduled).
func (p *Page) IsFuture(now time.Time) bool { return !p.Date.IsZero() && p.Date.After(now) }

// Parse reads one content file. file is the path used in messages, rel
// its path inside the content folder (which decides Kind and URL), and loc
// the zone for dates written without an offset. When the front matter has
// problems, Parse returns the page (with at least its URL) along with the
// errors, so a build can still tell links to it from broken links.
func Parse(file, rel string, src []byte, loc *time.Location) (*Page, error) {
	p := &Page{File: file, keyLines: map[string]int{}}
	name := strings.TrimSuffix(path.Base(rel), ".md")
	switch {
	case rel == "_index.md":
		p.Kind = KindHome
	case rel == "articles/_index.md":
		p.Kind = KindSection
	case strings.HasPrefix(rel, "articles/"):
		p.Kind = KindArticle
	default:
		p.Kind = KindPage
	}

	p.Slug = Slugify(name)
	p.setURL()
	fields, err := splitFrontMatter(p, src)
	if err != nil {
		// Unreadable front matter: the page still has its URL from the
		// file name, so a build can tell links to it from broken links.
		return p, err
	}
	p.Slug = ""
	var errs ErrorList
	bad := map[string]bool{} // keys present but invalid, already reported
	for _, f := range fields {
		if err := p.set(f, loc); err != nil {
			errs.Add(err)
			bad[f.key] = true
		}
	}

	// A key that is present but wrong was reported above; "required" is
	// for keys that are missing or empty.
	required := func(key, val string) {
		if strings.TrimSpace(val) == "" && !bad[key] {
			what := ""
			if p.Kind == KindArticle && key != "title" {
				what = " for articles"
			}
			errs.Add(Errorf(file, p.KeyLine(key), "front matter: %s is required%s", key, what))
		}
	}
	required("title", p.Title)
	if p.Kind == KindArticle {
		if p.Date.IsZero() && !bad["date"] {
			errs.Add(Errorf(file, 1, "front matter: date is required for articles"))
		}
		if !p.Draft { // a draft may be unfinished; site check -drafts still asks
			required("description", p.Description)
		}
	}
	if p.Lastmod.IsZero() {
		p.Lastmod = p.Date
	}

	if p.Slug == "" {
		p.Slug = Slugify(name)
	} else if p.Slug != Slugify(p.Slug) {
		errs.Add(Errorf(file, p.KeyLine("slug"), "front matter: slug %q may only hold lower-case letters, digits and dashes (try %q)", p.Slug, Slugify(p.Slug)))
	}
	p.setURL()
	for _, a := range p.Aliases {
		if !strings.HasPrefix(a, "/") || strings.ContainsAny(a, " \t\r\n") {
			errs.Add(Errorf(file, p.KeyLine("aliases"), "front matter: alias %q must be a site path starting with /", a))
		}
	}
	return p, errs.Err()
}

// setURL derives the page's URL from its kind and slug.
func (p *Page) setURL() {
	switch p.Kind {
	case KindHome:
		p.URL = "/"
	case KindSection:
		p.URL = "/articles/"
	case KindArticle:
		p.URL = "/articles/" + p.Slug + "/"
	default:
		p.URL = "/" + p.Slug + "/"
	}
}

// field is one front-matter key with its value and line.
type field struct {
	key  string
	line int
	val  any        // for TOML
	node *yaml.Node // for YAML
}

// splitFrontMatter separates front matter from the body and decodes it
// into fields in source order.
func splitFrontMatter(p *Page, src []byte) ([]field, error) {
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	var delim string
	switch {
	case hasLine(src, "---"):
		delim = "---"
	case hasLine(src, "+++"):
		delim = "+++"
	default:
		return nil, Errorf(p.File, 1, "front matter: missing; start the file with a line of --- (YAML) or +++ (TOML)")
	}
	// Find the closing delimiter on a line of its own.
	rest := bytes.TrimLeft(src[len(delim):], " \t") // hasLine allows trailing blanks
	rest = bytes.TrimPrefix(bytes.TrimPrefix(rest, []byte("\r")), []byte("\n"))
	fmStart := len(src) - len(rest)
	var fm []byte
	end := -1
	for off := 0; off <= len(rest); {
		nl := bytes.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if nl >= 0 {
			line = rest[off : off+nl]
		}
		if string(bytes.TrimRight(line, " \t\r")) == delim {
			fm = rest[:off]
			end = off + len(line)
			if nl >= 0 {
				end++
			}
			break
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	if end < 0 {
		return nil, Errorf(p.File, 1, "front matter: no closing %s line", delim)
	}
	p.Body = rest[end:]
	p.BodyLine = 1 + bytes.Count(src[:fmStart+end], []byte("\n"))
	if fmStart+end == len(src) && !bytes.HasSuffix(src, []byte("\n")) {
		p.BodyLine = 1 + bytes.Count(src, []byte("\n")) + 1
	}
	if delim == "+++" {
		return tomlFields(p.File, fm)
	}
	return yamlFields(p.File, fm)
}

func hasLine(src []byte, delim string) bool {
	if !bytes.HasPrefix(src, []byte(delim)) {
		return false
	}
	r := src[len(delim):]
	r = bytes.TrimLeft(r, " \t")
	return len(r) == 0 || r[0] == '\n' || r[0] == '\r'
}

// yamlFields decodes YAML front matter; line numbers are those of the file
// (the YAML starts on line 2).
func yamlFields(file string, fm []byte) ([]field, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		return nil, yamlError(file, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, Errorf(file, 1+m.Line, "front matter: want key: value pairs, got a %s", kindName(m))
	}
	var fields []field
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		fields = append(fields, field{key: k.Value, line: 1 + k.Line, node: v})
	}
	return fields, nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "single value"
	}
	return "different structure"
}

// yamlError extracts "line N" from yaml.v3's messages so the error can
// name the file's line.
func yamlError(file string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	var line int
	if i := strings.Index(msg, "line "); i >= 0 {
		if _, e := fmt.Sscanf(msg[i:], "line %d", &line); e == nil {
			rest := msg[i+len(fmt.Sprintf("line %d", line)):]
			rest = strings.TrimPrefix(rest, ":")
			msg = strings.TrimSpace(msg[:i] + strings.TrimSpace(rest))
		}
	}
	if line > 0 && yamlParserProblems[msg] {
		line++ // yaml.v3 counts these from 0, its scanner's problems from 1
	}
	return Errorf(file, 1+max(line, 1), "front matter: invalid YAML: %s", msg)
}

// yamlParserProblems are the messages of yaml.v3's parser (parserc.go), as
// opposed to its scanner: it reports their line numbers 0-based.
var yamlParserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found undefined tag handle":             true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// tomlFields decodes TOML front matter (which starts on line 2).
func tomlFields(file string, fm []byte) ([]field, error) {
	var m map[string]any
	if err := toml.Unmarshal(fm, &m); err != nil {
		return nil, tomlError(file, 1, err)
	}
	fields := make([]field, 0, len(m))
	for k, v := range m {
		fields = append(fields, field{key: k, line: 1 + TOMLKeyLine(fm, k), val: v})
	}
	return fields, nil
}

// set stores one front-matter field in p, checking its type.
func (p *Page) set(f field, loc *time.Location) error {
	p.keyLines[f.key] = f.line
	bad := func(want string) error {
		return Errorf(p.File, f.line, "front matter: %s must be %s", f.key, want)
	}
	var err error
	switch f.key {
	case "title":
		p.Title, err = f.str()
	case "description":
		p.Description, err = f.str()
	case "slug":
		p.Slug, err = f.str()
	case "image":
		p.Image, err = f.str()
	case "layout":
		p.Layout, err = f.str()
	case "date", "lastmod":
		var t time.Time
		t, err = f.time(loc)
		if err != nil {
			return Errorf(p.File, f.line, "front matter: %s: %v", f.key, err)
		}
		if f.key == "date" {
			p.Date = t
		} else {
			p.Lastmod = t
		}
		return nil
	case "tags":
		p.Tags, err = f.strs()
	case "aliases":
		p.Aliases, err = f.strs()
	case "draft":
		var b bool
		if b, err = f.bool(); err == nil {
			p.Draft = b
		}
		if err != nil {
			return bad("true or false")
		}
	case "toc":
		var b bool
		if b, err = f.bool(); err != nil {
			return bad("true or false")
		}
		p.TOC = &b
	default:
		var v any
		if f.node != nil {
			if err := f.node.Decode(&v); err != nil {
				return Errorf(p.File, f.line, "front matter: %s: %v", f.key, err)
			}
		} else {
			v = f.val
		}
		if p.Params == nil {
			p.Params = map[string]any{}
		}
		p.Params[f.key] = v
		return nil
	}
	if err != nil {
		return Errorf(p.File, f.line, "front matter: %s must be %v", f.key, err)
	}
	return nil
}

var errText = errors.New("text")

func (f field) str() (string, error) {
	if f.node != nil {
		if f.node.Kind != yaml.ScalarNode || f.node.Tag == "!!null" {
			return "", errText
		}
		return f.node.Value, nil
	}
	s, ok := f.val.(string)
	if !ok {
		return "", errText
	}
	return s, nil
}

func (f field) strs() ([]string, error) {
	errList := errors.New("a list of text, e.g. [a, b]")
	if f.node != nil {
		switch f.node.Kind {
		case yaml.ScalarNode:
			if f.node.Tag == "!!null" {
				return nil, nil
			}
			if f.node.Tag != "!!str" { // tags: 5 is a mistake, as in TOML
				return nil, errList
			}
			return []string{f.node.Value}, nil
		case yaml.SequenceNode:
			out := make([]string, 0, len(f.node.Content))
			for _, n := range f.node.Content {
				if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
					return nil, errList
				}
				out = append(out, n.Value)
			}
			return out, nil
		}
		return nil, errList
	}
	switch v := f.val.(type) {
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, errList
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errList
}

func (f field) bool() (bool, error) {
	if f.node != nil {
		var b bool
		err := f.node.Decode(&b)
		return b, err
	}
	b, ok := f.val.(bool)
	if !ok {
		return false, errors.New("not a bool")
	}
	return b, nil
}

// dateLayouts are the date forms accepted in front matter, as Hugo does.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
}

func (f field) time(loc *time.Location) (time.Time, error) {
	if f.node == nil {
		switch v := f.val.(type) {
		case time.Time:
			return v, nil
		case toml.LocalDate:
			return time.Date(v.Year, time.Month(v.Month), v.Day, 0, 0, 0, 0, loc), nil
		case toml.LocalDateTime:
			return time.Date(v.Year, time.Month(v.Month), v.Day, v.Hour, v.Minute, v.Second, v.Nanosecond, loc), nil
		}
	}
	s, err := f.str()
	if err != nil {
		return time.Time{}, errors.New("want a date such as 2026-11-02 or 2026-11-02T09:00:00-05:00")
	}
	return ParseDate(s, loc)
}

// ParseDate parses a front-matter date; a value without an offset is in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date; want a date such as 2026-11-02 or 2026-11-02T09:00:00-05:00", s)
}

// Slugify turns a title or file name into a URL segment: lower case ASCII
// letters and digits separated by single dashes.
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r == '\'' || r == '’':
			// "What's" → "whats", not "what-s".
		default:
			dash = true
		}
	}
	return b.String()
}
