package shortcode

import (
	"fmt"
	"html/template"
	"io"
	"strings"
)

// Site gives a renderer the site's own shortcodes, the templates in
// layouts/shortcodes. LoadTemplates returns one; tests may use a fake.
type Site interface {
	// Shortcode returns the template of the named shortcode, or false.
	Shortcode(name string) (Template, bool)
}

// Template is one site shortcode.
type Template interface {
	// Inner reports whether the template uses .Inner or .InnerDeindent:
	// then a call must be paired or self-closing, as in Hugo.
	Inner() bool
	// Execute writes the shortcode's output for one call.
	Execute(w io.Writer, c *Call) error
}

// Call is what a shortcode template sees as its dot: the arguments and
// inner content of one call and the page it is on. It mirrors the parts
// of Hugo's ShortcodeWithPage that shortcodes commonly use.
type Call struct {
	Name string
	// Params holds the arguments: []any when positional, map[string]any
	// when named, nil without any (see Tag.Params).
	Params        any
	IsNamedParams bool
	// Inner is the content between the opening and closing tag. For a
	// {{< >}} call it is the text as written, with nested shortcodes
	// already rendered. It is template.HTML, as in Hugo, so {{ .Inner }}
	// prints it as it is; {{ .Inner | markdownify }} or
	// {{ .Page.RenderString .Inner }} render it as markdown.
	Inner   template.HTML
	Ordinal int   // position among the parent's (or the page's) calls
	Parent  *Call // the enclosing call, nil at the top level
	Page    *Page
	// Line is the call's line in the markdown source; Indent is the
	// whitespace before its opening tag when only whitespace precedes it.
	Line   int
	Indent string
}

// Get returns an argument by position (.Get 0) or by name (.Get "src"),
// as Hugo does: nil when the call has no arguments of that kind, "" when
// it has but not this one.
func (c *Call) Get(key any) any {
	switch p := c.Params.(type) {
	case []any:
		i, ok := toInt(key)
		if !ok {
			return nil
		}
		if i < 0 || i >= len(p) {
			return ""
		}
		return p[i]
	case map[string]any:
		k, ok := key.(string)
		if !ok {
			return nil
		}
		v, ok := p[k]
		if !ok {
			return ""
		}
		return v
	}
	return nil
}

func toInt(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case int32:
		return int(v), true
	}
	return 0, false
}

// InnerDeindent returns Inner with the opening tag's indentation removed
// from the start of each line, so an indented call (in a list, say) can
// hold code or markdown written at that indentation.
func (c *Call) InnerDeindent() template.HTML {
	if c.Indent == "" {
		return c.Inner
	}
	lines := strings.SplitAfter(string(c.Inner), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, c.Indent)
	}
	return template.HTML(strings.Join(lines, ""))
}

// Position returns where the call is, for messages: "line 12".
func (c *Call) Position() string { return fmt.Sprintf("line %d", c.Line) }

// Site returns the site the page belongs to (Hugo's .Site).
func (c *Call) Site() *SiteData {
	if c.Page == nil {
		return &SiteData{}
	}
	return &c.Page.Site
}

// Page is the page a shortcode is called from, as templates see it.
type Page struct {
	Title  string
	Params map[string]any // front matter, keys as written
	Site   SiteData
	// Render renders markdown for .Page.RenderString and markdownify;
	// the markdown renderer sets it. Nil makes both fail.
	Render func(markdown string, block bool) (template.HTML, error)
}

// SiteData is what templates see of the site: .Site.Title, .Site.Params.
type SiteData struct {
	Title  string
	Params map[string]any
}

// Param returns a front matter parameter, else a site parameter, else
// nil, as Hugo's .Page.Param does. Keys match case-insensitively and
// may be dotted ("author.name") to reach into tables.
func (p *Page) Param(key string) any {
	if v, ok := lookup(p.Params, key); ok {
		return v
	}
	if v, ok := lookup(p.Site.Params, key); ok {
		return v
	}
	return nil
}

// lookup finds a dotted, case-insensitive key in nested maps.
func lookup(m map[string]any, key string) (any, bool) {
	var cur any = m
	for part := range strings.SplitSeq(key, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		v, ok := mm[part]
		if !ok {
			found := false
			for k, vv := range mm {
				if strings.EqualFold(k, part) {
					v, found = vv, true
					break
				}
			}
			if !found {
				return nil, false
			}
		}
		cur = v
	}
	return cur, true
}

// RenderString renders markdown: inline by default, as blocks with
// (dict "display" "block") first, as Hugo's .Page.RenderString does.
func (p *Page) RenderString(args ...any) (template.HTML, error) {
	if p.Render == nil {
		return "", fmt.Errorf("RenderString: no markdown renderer here")
	}
	var opts map[string]any
	var md any
	switch len(args) {
	case 1:
		md = args[0]
	case 2:
		m, ok := args[0].(map[string]any)
		if !ok {
			return "", fmt.Errorf("RenderString: options must be a dict, got %T", args[0])
		}
		opts, md = m, args[1]
	default:
		return "", fmt.Errorf("RenderString: want markdown and optionally options first, got %d arguments", len(args))
	}
	block := false
	if d, ok := opts["display"]; ok {
		switch d {
		case "block":
			block = true
		case "inline":
		default:
			return "", fmt.Errorf("RenderString: display must be \"inline\" or \"block\", got %v", d)
		}
	}
	return p.Render(toString(md), block)
}

// toString prints an argument as templates do.
func toString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case template.HTML:
		return string(v)
	}
	return fmt.Sprint(v)
}
