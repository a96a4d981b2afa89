package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"
)

// The decision for every front-matter key Hugo or a popular Hugo theme
// reads is in the package doc; these tables carry it out.

// keyAliases maps Hugo's other names for a key to the one read here.
var keyAliases = map[string]string{
	"pubdate":       "publishdate",
	"published":     "publishdate", // or, as a bool, the opposite of draft
	"modified":      "lastmod",
	"unpublishdate": "expirydate",
	"showtoc":       "toc", // PaperMod's name
}

// ignoredKeys are keys that change a Hugo site's output (through Hugo or
// its theme) but, unless a layout reads them, not this one's: the
// builder's warning about an unused key says why (see UnusedKeyReason).
var ignoredKeys = map[string]string{
	"linktitle":      "lists and the navigation show the title",
	"type":           "this site picks a layout by the page's kind, or by layout:",
	"menu":           "the header navigation is the [[nav]] list of site.toml",
	"menus":          "the header navigation is the [[nav]] list of site.toml",
	"translationkey": "the site has one language",
	"iscjklanguage":  "word counts and reading times count words between spaces",
	"tocopen":        "the table of contents is always open",
	"cover":          "no layout shows a cover image: put the image in the body, or name it in image: for the social card",
	"featured_image": "no layout shows a featured image: put the image in the body, or name it in image: for the social card",
	"featuredimage":  "no layout shows a featured image: put the image in the body, or name it in image: for the social card",
	"thumbnail":      "no layout shows a thumbnail: name the image in image: for the social card",
}

// UnusedKeyReason explains why a front-matter key that Hugo or its themes
// read changes nothing on this site when no layout reads it ("" for keys
// without an explanation).
func UnusedKeyReason(key string) string { return ignoredKeys[strings.ToLower(key)] }

// refusedKeys are keys whose Hugo meaning changes what is published or
// where, which this builder cannot do: each is an error unless its value
// is what Hugo does anyway (see refused).
var refusedKeys = map[string]string{
	"cascade":   "front matter for the pages below a section is not applied: set the keys on each page",
	"resources": "metadata for a bundle's files (names, titles, params) is not applied: rename the files, and write titles in the markdown",
	"headless":  "headless bundles (pages that publish only their files) are not supported: set draft: true to keep the page out",
	"outputs":   "only the HTML page is written (and articles appear in the site's feeds)",
	"build":     "build options are not supported: set draft: true to keep a page out",
	"_build":    "build options are not supported: set draft: true to keep a page out",
	"markup":    "content is markdown",
}

// field is one front-matter key with its value and line.
type field struct {
	key  string // as written
	line int
	val  any        // for TOML and JSON
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
	case len(src) > 0 && src[0] == '{':
		return jsonFields(p, src)
	default:
		return nil, Errorf(p.File, 1, "front matter: missing; start the file with a line of --- (YAML) or +++ (TOML), or a { (JSON)")
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
	p.setBody(src, fmStart+end)
	if delim == "+++" {
		return tomlFields(p.File, fm)
	}
	return yamlFields(p.File, fm)
}

// setBody sets Body to src from offset off, and BodyLine to its line.
func (p *Page) setBody(src []byte, off int) {
	p.Body = src[off:]
	p.BodyLine = 1 + bytes.Count(src[:off], []byte("\n"))
	if off == len(src) && !bytes.HasSuffix(src, []byte("\n")) {
		p.BodyLine = 1 + bytes.Count(src, []byte("\n")) + 1
	}
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
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fields = append(fields, field{key: k, line: 1 + TOMLKeyLine(fm, k), val: m[k]})
	}
	slices.SortStableFunc(fields, func(a, b field) int { return a.line - b.line })
	return fields, nil
}

// jsonFields decodes JSON front matter: an object at the very start of the
// file, as Hugo accepts; the body follows the line of its closing brace.
func jsonFields(p *Page, src []byte) ([]field, error) {
	lineAt := func(off int64) int { return 1 + bytes.Count(src[:min(int(off), len(src))], []byte("\n")) }
	jsonErr := func(off int64, err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = se.Offset
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return Errorf(p.File, 1, "front matter: invalid JSON: no closing } of the object that starts the file")
		}
		return Errorf(p.File, lineAt(off), "front matter: invalid JSON: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	if _, err := dec.Token(); err != nil { // the opening {
		return nil, jsonErr(0, err)
	}
	var fields []field
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonErr(dec.InputOffset(), err)
		}
		key, _ := tok.(string)
		line := lineAt(dec.InputOffset())
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, jsonErr(dec.InputOffset(), err)
		}
		if seen[key] {
			return nil, Errorf(p.File, line, "front matter: invalid JSON: %q is set twice", key)
		}
		seen[key] = true
		fields = append(fields, field{key: key, line: line, val: v})
	}
	if _, err := dec.Token(); err != nil { // the closing }
		return nil, jsonErr(dec.InputOffset(), err)
	}
	end := int(dec.InputOffset())
	if nl := bytes.IndexByte(src[end:], '\n'); nl >= 0 {
		if rest := bytes.TrimSpace(src[end : end+nl]); len(rest) > 0 {
			return nil, Errorf(p.File, lineAt(int64(end)), "front matter: text after the JSON object's closing }: start the body on the next line")
		}
		end += nl + 1
	} else {
		end = len(src)
	}
	p.setBody(src, end)
	return fields, nil
}

// frontMatter applies fields to a page.
type frontMatter struct {
	p      *Page
	loc    *time.Location
	bad    map[string]bool      // keys present but invalid, already reported
	dates  map[string]time.Time // date keys as written, by canonical name
	images []string
	image  string
	url    string // the url key, made a site path
}

// set stores one front-matter field in p, checking its type. Keys are
// case-insensitive, as in Hugo.
func (m *frontMatter) set(f field) error {
	p := m.p
	key := strings.ToLower(f.key)
	if key == "published" {
		if b, err := f.bool(); err == nil { // Hugo's published: false is a draft
			key, f.val, f.node = "draft", !b, nil
		}
	}
	if canon, ok := keyAliases[key]; ok {
		key = canon
	}
	if line, dup := p.keyLines[key]; dup {
		m.bad[key] = true
		return Errorf(p.File, f.line, "front matter: %s is set twice (also on line %d); keys are case-insensitive", f.key, line)
	}
	p.keyLines[key] = f.line
	if v, err := f.value(); err == nil {
		if p.FrontMatter == nil {
			p.FrontMatter = map[string]any{}
		}
		p.FrontMatter[key] = v
	}
	err := m.apply(key, f)
	if err != nil {
		m.bad[key] = true
	}
	return err
}

func (m *frontMatter) apply(key string, f field) error {
	p := m.p
	bad := func(want any) error {
		return Errorf(p.File, f.line, "front matter: %s must be %v", f.key, want)
	}
	var err error
	switch key {
	case "title":
		p.Title, err = f.str()
	case "description":
		p.Description, err = f.str()
	case "summary":
		p.Summary, err = f.str()
	case "slug":
		p.Slug, err = f.str()
	case "url":
		var u string
		if u, err = f.str(); err == nil {
			return m.setURLKey(f, u)
		}
	case "image":
		m.image, err = f.str()
	case "images":
		m.images, err = f.strs()
	case "layout":
		p.Layout, err = f.str()
	case "date", "publishdate", "lastmod", "expirydate":
		t, err := f.time(m.loc)
		if err != nil {
			return Errorf(p.File, f.line, "front matter: %s: %v", f.key, err)
		}
		m.dates[key] = t
		return nil
	case "tags":
		p.Tags, err = f.strs()
	case "categories":
		p.Categories, err = f.strs()
	case "keywords":
		p.Keywords, err = f.strs()
	case "author", "authors":
		// Text, a list of text, or (as some themes write it) a table
		// with a name.
		v, _ := f.value()
		if m, ok := v.(map[string]any); ok {
			name, ok := m["name"].(string)
			if !ok {
				return bad("a name, a list of names, or a table with a name")
			}
			p.Authors = append(p.Authors, name)
			return nil
		}
		var names []string
		if names, err = f.strs(); err != nil {
			return bad("a name, a list of names, or a table with a name")
		}
		p.Authors = append(p.Authors, names...)
	case "aliases":
		p.Aliases, err = f.strs()
	case "draft":
		if p.Draft, err = f.bool(); err != nil {
			return bad("true or false")
		}
	case "toc":
		var b bool
		if b, err = f.bool(); err != nil {
			return bad("true or false")
		}
		p.TOC = &b
	case "weight":
		if p.Weight, err = f.int(); err != nil {
			return bad("a whole number")
		}
	case "sitemap":
		return m.sitemap(f)
	case "params":
		v, err := f.value()
		params, ok := v.(map[string]any)
		if err != nil || !ok {
			return bad("a table of key: value pairs")
		}
		for k, v := range params {
			k = strings.ToLower(k)
			if _, ok := p.keyLines[k]; !ok {
				p.keyLines[k] = f.line // for messages about it
			}
			m.param(k, v)
		}
		return nil
	default:
		if why, ok := refusedKeys[key]; ok {
			if v, _ := f.value(); !refused(key, v) {
				return nil // what Hugo does anyway: nothing to keep
			}
			return Errorf(p.File, f.line, "front matter: %s is not supported: %s", f.key, why)
		}
		v, err := f.value()
		if err != nil {
			return Errorf(p.File, f.line, "front matter: %s: %v", f.key, err)
		}
		return m.param(key, v) // the builder warns when no layout reads it
	}
	if err != nil {
		return bad(err)
	}
	return nil
}

// param keeps a key the layouts may use, in lower case as Hugo does.
func (m *frontMatter) param(key string, v any) error {
	if m.p.Params == nil {
		m.p.Params = map[string]any{}
	}
	m.p.Params[key] = v
	return nil
}

// refused reports whether a refused key's value asks for something this
// builder does not do; values that ask for what Hugo does by default
// (headless: false, outputs: [html], markup: md, ...) are accepted.
func refused(key string, v any) bool {
	switch key {
	case "headless":
		b, ok := v.(bool)
		return !ok || b
	case "outputs":
		list, ok := v.([]any)
		if !ok {
			return true
		}
		for _, o := range list {
			if s, ok := o.(string); !ok || !strings.EqualFold(s, "html") {
				return true
			}
		}
		return false
	case "markup":
		s, ok := v.(string)
		return !ok || !slices.Contains([]string{"md", "markdown", "goldmark"}, strings.ToLower(s))
	case "build", "_build":
		opts, ok := v.(map[string]any)
		if !ok {
			return true
		}
		for k, o := range opts {
			switch strings.ToLower(k) {
			case "list", "render":
				if s, ok := o.(string); !ok || !strings.EqualFold(s, "always") {
					return true
				}
			case "publishresources":
				if b, ok := o.(bool); !ok || !b {
					return true
				}
			default:
				return true
			}
		}
		return false
	}
	return true
}

// sitemap reads Hugo's sitemap table: disable is supported; changefreq and
// priority are accepted with a warning.
func (m *frontMatter) sitemap(f field) error {
	p := m.p
	v, err := f.value()
	opts, ok := v.(map[string]any)
	if err != nil || !ok {
		return Errorf(p.File, f.line, "front matter: %s must be a table such as {disable: true}", f.key)
	}
	for k, o := range opts {
		switch strings.ToLower(k) {
		case "disable":
			b, ok := o.(bool)
			if !ok {
				return Errorf(p.File, f.line, "front matter: %s.disable must be true or false", f.key)
			}
			p.NoSitemap = b
		case "changefreq", "priority":
			p.Warnings = append(p.Warnings, Warnf(p.File, f.line, "front matter: %s.%s is not used: the sitemap lists each page's lastmod only (search engines ignore the others)", f.key, k))
		default:
			return Errorf(p.File, f.line, "front matter: %s.%s is not supported: the sitemap reads disable only", f.key, k)
		}
	}
	return nil
}

// setURLKey reads url, a page's exact path as in Hugo: "/about-us/",
// "about-us" (from the site's root too) or "/about.html" (a file).
func (m *frontMatter) setURLKey(f field, u string) error {
	p := m.p
	u = strings.TrimSpace(u)
	switch {
	case u == "":
		return nil
	case strings.Contains(u, "://") || strings.HasPrefix(u, "//"):
		return Errorf(p.File, f.line, "front matter: url %q must be a path on this site, such as /about-us/", u)
	case strings.ContainsAny(u, " \t\r\n?#\\") || slices.Contains(strings.Split(u, "/"), ".."):
		return Errorf(p.File, f.line, "front matter: url %q must be a path without spaces, ?, # or .. (such as /about-us/)", u)
	}
	u = "/" + strings.TrimPrefix(u, "/")
	if !strings.HasSuffix(u, "/") && path.Ext(u) == "" {
		u += "/"
	}
	if p.Kind == KindHome {
		p.Warnings = append(p.Warnings, Warnf(p.File, f.line, "front matter: %s is not used: the home page is always /", f.key))
		return nil
	}
	m.url = u
	return nil
}

// finish checks what the fields say together, and derives the dates, the
// URL and the aliases; name is where the URL's last segment comes from.
func (m *frontMatter) finish(name string) error {
	p := m.p
	var errs ErrorList
	if strings.TrimSpace(p.Title) == "" && !m.bad["title"] {
		errs.Add(Errorf(p.File, p.KeyLine("title"), "front matter: title is required"))
	}

	// Dates as Hugo's defaults read them: date falls back to publishDate,
	// then lastmod; publishDate to date; lastmod to date, then publishDate.
	d := m.dates
	p.Date = firstTime(d["date"], d["publishdate"], d["lastmod"])
	p.PublishDate = firstTime(d["publishdate"], d["date"])
	p.Lastmod = firstTime(d["lastmod"], d["date"], d["publishdate"])
	p.ExpiryDate = d["expirydate"]
	if p.Kind == KindHome || p.Kind == KindSection {
		// Lists are always published: a list's schedule would hide the
		// articles it lists, so these keys change nothing.
		for _, k := range [][2]string{{"publishdate", "pubdate"}, {"expirydate", "unpublishdate"}} {
			key, alias := k[0], k[1]
			if _, ok := d[key]; !ok {
				continue
			}
			written := key
			if !p.Has(key) {
				written = alias
			}
			p.Warnings = append(p.Warnings, Warnf(p.File, p.KeyLine(written), "front matter: %s is not used: the home page and section lists are always published (schedule their articles instead)", written))
		}
		p.PublishDate, p.ExpiryDate = firstTime(d["date"]), time.Time{}
	}
	if p.Kind == KindArticle && p.Date.IsZero() && !m.bad["date"] && !m.bad["publishdate"] && !m.bad["lastmod"] {
		errs.Add(Errorf(p.File, 1, "front matter: date is required for articles"))
	}
	if strings.TrimSpace(p.Description) == "" && strings.TrimSpace(p.Summary) != "" {
		p.Description, p.DescriptionFrom = strings.TrimSpace(p.Summary), "summary key"
	}

	p.Image = m.image
	if p.Image == "" && len(m.images) > 0 {
		p.Image = m.images[0]
	}
	if n := len(m.images); n > 1 || (n > 0 && m.image != "") {
		p.Warnings = append(p.Warnings, Warnf(p.File, p.KeyLine("images"), "front matter: images: only %q is used, as the social card's image", p.Image))
	}

	for _, key := range []string{"tags", "categories"} {
		terms := p.Tags
		if key == "categories" {
			terms = p.Categories
		}
		for _, t := range terms {
			if URLize(t) == "" {
				errs.Add(Errorf(p.File, p.KeyLine(key), "front matter: %s: %q has no letter or digit to make its page's URL from", key, t))
			}
		}
	}

	switch {
	case p.Slug == "":
		p.Slug = URLize(name)
	case p.Kind == KindHome || p.Kind == KindSection:
		p.Warnings = append(p.Warnings, Warnf(p.File, p.KeyLine("slug"), "front matter: slug is not used: a section's URL is its folder's (set url to change it)"))
		p.Slug = ""
	case p.Slug != URLize(p.Slug) || strings.Trim(p.Slug, "-") != p.Slug || strings.Contains(p.Slug, "/"):
		errs.Add(Errorf(p.File, p.KeyLine("slug"), "front matter: slug %q is not a URL segment: use lower-case letters, digits and dashes (try %q)", p.Slug, strings.Trim(URLize(strings.ReplaceAll(p.Slug, "/", "-")), "-")))
		p.Slug = URLize(name)
	}
	p.setURL(m.url)

	// Aliases: site paths, or relative to the page's parent folder as in
	// Hugo ("old-name" on /articles/new-name/ is /articles/old-name/).
	for i, a := range p.Aliases {
		switch {
		case strings.Contains(a, "://") || strings.HasPrefix(a, "//"):
			errs.Add(Errorf(p.File, p.KeyLine("aliases"), "front matter: alias %q must be a path on this site, such as /old-name/", a))
		case a == "" || strings.ContainsAny(a, " \t\r\n?#\\"):
			errs.Add(Errorf(p.File, p.KeyLine("aliases"), "front matter: alias %q must be a path without spaces, ? or #, such as /old-name/", a))
		case !strings.HasPrefix(a, "/"):
			a = path.Join(path.Dir(strings.TrimSuffix(p.URL, "/")), a)
			if !strings.HasSuffix(a, "/") && path.Ext(a) == "" {
				a += "/"
			}
			p.Aliases[i] = a
		}
	}
	return errs.Err()
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

var errText = errors.New("text")

// value decodes any field into plain Go values; YAML mappings have string
// keys, as TOML's and JSON's do.
func (f field) value() (any, error) {
	if f.node == nil {
		return f.val, nil
	}
	var v any
	if err := f.node.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

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
	case nil:
		return nil, nil
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

func (f field) int() (int, error) {
	if f.node != nil {
		var n int
		err := f.node.Decode(&n)
		return n, err
	}
	switch v := f.val.(type) {
	case int64:
		return int(v), nil
	case float64: // JSON
		if v == math.Trunc(v) && math.Abs(v) < 1<<31 {
			return int(v), nil
		}
	}
	return 0, errors.New("not a whole number")
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
