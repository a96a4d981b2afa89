package theme

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/quiz"
)

// BaseLayout is the document shell every layout is rendered inside.
const BaseLayout = "base.html"

// Layouts holds one parsed template set per layout file: base.html and the
// partials, plus that layout's "main". It is safe for concurrent use.
type Layouts struct {
	dir      string // display prefix, e.g. "layouts"
	set      map[string]*template.Template
	partials *template.Template // base and partials alone, for partialCached
}

// partialKey identifies one cached partial rendering: the template and
// the value it ran with (compared by identity for pointers), or the
// variants it was cached by.
type partialKey struct {
	name     string
	variants int // how many of v are variants, 0: v[0] is the value
	v        [maxVariants]any
}

// maxVariants is how many variant keys partialCached takes.
const maxVariants = 3

// LoadLayouts parses every layout under fsys (the layouts folder, shown as
// dir in messages) with the template functions of site. All parse errors
// are returned together, each naming the file and line.
func LoadLayouts(fsys fs.FS, dir string, site *Site) (*Layouts, error) {
	l := &Layouts{dir: dir, set: map[string]*template.Template{}}
	fm := site.funcs(&l)
	root := template.New(BaseLayout).Funcs(fm)
	var errs content.ErrorList
	base, err := fs.ReadFile(fsys, BaseLayout)
	if err != nil {
		return nil, content.Errorf(path.Join(dir, BaseLayout), 0, "missing: every site needs a base layout")
	}
	if _, err := root.Parse(string(base)); err != nil {
		errs.Add(TemplateError(dir, err))
	}
	partials, _ := fs.Glob(fsys, "partials/*.html")
	for _, p := range partials {
		src, err := fs.ReadFile(fsys, p)
		if err == nil {
			_, err = root.New(p).Parse(string(src))
		}
		errs.Add(TemplateError(dir, err))
	}
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	if l.partials, err = root.Clone(); err != nil {
		return nil, err
	}
	names, _ := fs.Glob(fsys, "*.html")
	for _, name := range names {
		if name == BaseLayout {
			continue
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs.Add(err)
			continue
		}
		t, err := root.Clone()
		if err == nil {
			_, err = t.New(name).Parse(string(src))
		}
		if err != nil {
			errs.Add(TemplateError(dir, err))
			continue
		}
		l.set[strings.TrimSuffix(name, ".html")] = t
	}
	return l, errs.Err()
}

// Has reports whether there is a layout of that name ("article").
func (l *Layouts) Has(name string) bool {
	_, ok := l.set[name]
	return ok
}

// Execute renders d through the named layout inside base.html. Template
// errors name the layout file and line.
func (l *Layouts) Execute(w io.Writer, layout string, d Data) error {
	t, ok := l.set[layout]
	if !ok {
		return fmt.Errorf("render: no layout %q (layouts: %s)", layout, l.Names())
	}
	return TemplateError(l.dir, t.ExecuteTemplate(w, BaseLayout, d))
}

// Partial renders one partial ("partials/quiz-result.html") with v.
func (l *Layouts) Partial(w io.Writer, name string, v any) error {
	t := l.partials.Lookup(name)
	if t == nil {
		return fmt.Errorf("render: no partial %q", name)
	}
	return TemplateError(l.dir, t.Execute(w, v))
}

// Names lists the layouts, for messages.
func (l *Layouts) Names() string {
	return strings.Join(slices.Sorted(maps.Keys(l.set)), ", ")
}

var templateErrRE = regexp.MustCompile(`^(?:html/)?template: ([^:]+):(\d+):(?:\d+:)? ?(.*)$`)

// TemplateError rewrites text/template's "template: name:line:col: msg"
// as a file:line error under the layouts folder.
func TemplateError(dir string, err error) error {
	if err == nil {
		return nil
	}
	var te *content.Error
	if errors.As(err, &te) {
		return err
	}
	msg := err.Error()
	if m := templateErrRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[2])
		return content.Errorf(path.Join(dir, m[1]), line, "%s", m[3])
	}
	return fmt.Errorf("%s: %w", dir, err)
}

// funcs returns the template functions (documented in the package doc).
// partialCached needs the layouts, which need the functions, so it finds
// them through l once loading is done.
func (s *Site) funcs(l **Layouts) template.FuncMap {
	var cache sync.Map // partialKey → template.HTML
	return template.FuncMap{
		// partialCached renders a partial once for each value it is given,
		// or, given variants, once for each set of variants, as Hugo's
		// does: {{partialCached "partials/header.html" . (navKey .Page)}}
		// renders the header with the first page of each navKey.
		"partialCached": func(name string, v any, variants ...any) (template.HTML, error) {
			key := partialKey{name: name, variants: len(variants)}
			keys := variants
			if len(variants) == 0 {
				keys = []any{v}
			}
			if len(keys) > maxVariants {
				return "", fmt.Errorf("partialCached: %d variants, at most %d", len(keys), maxVariants)
			}
			for i, k := range keys {
				if k != nil && !reflect.TypeOf(k).Comparable() {
					return "", fmt.Errorf("partialCached: cannot cache by a %T; pass a page or another comparable value", k)
				}
				key.v[i] = k
			}
			if h, ok := cache.Load(key); ok {
				return h.(template.HTML), nil
			}
			t := (*l).partials.Lookup(name)
			if t == nil {
				return "", fmt.Errorf("partialCached: no template %q", name)
			}
			var b strings.Builder
			if err := t.Execute(&b, v); err != nil {
				return "", err
			}
			h := template.HTML(b.String())
			cache.Store(key, h)
			return h, nil
		},
		"asset":   s.assetURL,
		"absURL":  s.AbsURL,
		"date":    func(layout string, t time.Time) string { return t.In(s.Location).Format(layout) },
		"isoDate": func(t time.Time) string { return t.Format(time.RFC3339) },
		"limit":   limit,
		"jsonLD":  s.jsonLD,
		"tagURL":  TagURL,
		// categoryURL is the URL of a category's page.
		"categoryURL": CategoryURL,
		// dict builds a map from key, value pairs, to pass several values
		// to a partial: {{template "partials/field.html" (dict "Name" "email")}}.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: want key, value pairs, got %d arguments", len(kv))
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not text", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		// pageTitle is the title of the page at a site path.
		"pageTitle": s.PageTitle,
		// chart draws a quiz result as an accessible SVG bar chart.
		"chart": quiz.Chart,
		// socialImage is the image the page shares (Open Graph, Twitter
		// cards), a *SocialImage: .URL (absolute), .Width, .Height, .Type
		// (0 and "" when unknown) and .Alt; nil when there is none.
		"socialImage": func(p *Page) *SocialImage { return p.SocialImage(s) },
		// current says how a nav link relates to the page: "page" when it
		// is the page, "true" when the page is inside its section, or "".
		"current": current,
		// navKey is what the header shows of a page: whether it is the
		// home page and how each nav link relates to it (current). Pages
		// with the same key have the same header, which layouts/base.html
		// renders once per key with partialCached.
		"navKey": s.navKey,
	}
}

// current says how a nav link relates to a page: "page" when it is the
// page, "true" when the page is inside its section, or "".
func current(navURL string, p *Page) string {
	switch {
	case navURL == p.URL:
		return "page"
	case navURL != "/" && strings.HasPrefix(p.URL, navURL):
		return "true"
	}
	return ""
}

// navKey returns the page's navKey: "h" or "-" for the home page or
// another, then for each nav link "p", "t" or "-" for current's "page",
// "true" or "".
func (s *Site) navKey(p *Page) string {
	b := make([]byte, 0, 1+len(s.Nav))
	if p.Kind == content.KindHome {
		b = append(b, 'h')
	} else {
		b = append(b, '-')
	}
	for _, n := range s.Nav {
		switch current(n.URL, p) {
		case "page":
			b = append(b, 'p')
		case "true":
			b = append(b, 't')
		default:
			b = append(b, '-')
		}
	}
	return string(b)
}

// limit returns the first n elements of a slice (all of it if shorter).
func limit(n int, list any) (any, error) {
	v := reflect.ValueOf(list)
	if v.Kind() != reflect.Slice {
		return nil, fmt.Errorf("limit: want a list, got %T", list)
	}
	if v.Len() > n {
		v = v.Slice(0, n)
	}
	return v.Interface(), nil
}

// jsonLD returns schema.org data for a page: Article for articles, the
// practice as a ProfessionalService on the home page, WebPage otherwise,
// as JSON for <script type="application/ld+json">. It is encoded here,
// from structs whose fields are in the order of their names (as
// html/template would write a map's), rather than by html/template from
// maps: a quarter of the cost of a page's head.
func (s *Site) jsonLD(d Data) (template.JS, error) {
	p := d.Page
	var v any
	switch p.Kind {
	case content.KindHome:
		v = ldOrganization{
			Context:     "https://schema.org",
			Type:        "ProfessionalService",
			Description: s.Description,
			Email:       s.Email,
			Image:       p.ImageURL(s),
			Name:        s.Title,
			URL:         s.BaseURL,
		}
	case content.KindArticle:
		var author any = ldThing{Type: "Person", Name: s.Author}
		if s.Author == "" || s.Author == s.Title {
			author = ldThing{Type: "Organization", Name: s.Title}
		}
		if len(p.Authors) > 0 {
			people := make([]ldThing, len(p.Authors))
			for i, name := range p.Authors {
				people[i] = ldThing{Type: "Person", Name: name}
			}
			author = people
			if len(people) == 1 {
				author = people[0]
			}
		}
		a := ldArticle{
			Context:          "https://schema.org",
			Type:             "Article",
			Author:           author,
			DateModified:     p.Lastmod.Format(time.RFC3339),
			DatePublished:    p.Date.Format(time.RFC3339),
			Description:      p.Description,
			Headline:         p.Title,
			Image:            p.ImageURL(s),
			MainEntityOfPage: p.Permalink,
			Publisher:        ldThing{Type: "Organization", Name: s.Title, URL: s.BaseURL},
			URL:              p.Permalink,
			WordCount:        p.WordCount,
		}
		if kw := p.Keywords; len(kw) > 0 {
			a.Keywords = new(strings.Join(kw, ", "))
		} else if len(p.Tags) > 0 {
			a.Keywords = new(strings.Join(p.Tags, ", "))
		}
		v = a
	default:
		v = ldWebPage{
			Context:     "https://schema.org",
			Type:        "WebPage",
			Description: p.Description,
			Name:        p.Title,
			URL:         p.Permalink,
		}
	}
	// json.Marshal escapes <, >, & and U+2028/9 as html/template's JS
	// escaper needs; it passes a template.JS as it is.
	b, err := json.Marshal(v)
	return template.JS(b), err
}

// The schema.org objects of jsonLD, their fields in the order of their
// JSON names.
type (
	ldOrganization struct {
		Context     string `json:"@context"`
		Type        string `json:"@type"`
		Description string `json:"description,omitempty"`
		Email       string `json:"email,omitempty"`
		Image       string `json:"image,omitempty"`
		Name        string `json:"name"`
		URL         string `json:"url"`
	}
	ldArticle struct {
		Context          string  `json:"@context"`
		Type             string  `json:"@type"`
		Author           any     `json:"author"` // an ldThing or a list of them
		DateModified     string  `json:"dateModified"`
		DatePublished    string  `json:"datePublished"`
		Description      string  `json:"description"`
		Headline         string  `json:"headline"`
		Image            string  `json:"image,omitempty"`
		Keywords         *string `json:"keywords,omitempty"`
		MainEntityOfPage string  `json:"mainEntityOfPage"`
		Publisher        ldThing `json:"publisher"`
		URL              string  `json:"url"`
		WordCount        int     `json:"wordCount"`
	}
	ldWebPage struct {
		Context     string `json:"@context"`
		Type        string `json:"@type"`
		Description string `json:"description"`
		Name        string `json:"name"`
		URL         string `json:"url"`
	}
	// ldThing is a person or an organization.
	ldThing struct {
		Type string `json:"@type"`
		Name string `json:"name"`
		URL  string `json:"url,omitempty"`
	}
)

// assetURL is the fingerprinted URL of a static CSS or JS file, given by
// its path under static/ ("css/site.css").
func (s *Site) assetURL(name string) (string, error) {
	u, ok := s.AssetURLs[strings.TrimPrefix(name, "/")]
	if !ok {
		return "", fmt.Errorf("asset %q not found: fingerprinted assets are the .css and .js files under static/", name)
	}
	return u, nil
}
