package content

import (
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
)

// Kind says what a content file is; it picks the default layout and URL.
type Kind string

// The kinds of content file.
const (
	KindHome    Kind = "home"    // content/_index.md
	KindPage    Kind = "page"    // content/<name>.md, content/<folder>/<name>.md
	KindArticle Kind = "article" // content/articles/<name>.md, and below
	KindSection Kind = "section" // content/<folder>/_index.md (articles/_index.md, articles/2024/_index.md)

	// Kinds of generated pages, which have no content file.
	KindList       Kind = "list"       // /articles/ and its later pages
	KindTag        Kind = "tag"        // /tags/<tag>/
	KindTags       Kind = "tags"       // /tags/
	KindCategory   Kind = "category"   // /categories/<category>/
	KindCategories Kind = "categories" // /categories/
	KindNotFound   Kind = "404"        // /404.html
)

// ArticlesDir is the folder of articles; everything below it is one.
const ArticlesDir = "articles"

// Page is one content file, parsed but not yet rendered.
type Page struct {
	Kind        Kind
	File        string // path for messages, e.g. "content/articles/x.md"
	Title       string
	Description string
	// DescriptionFrom is "" when the front matter has a description, or
	// what stands in for it: "summary key", "text before <!--more-->" or
	// "first paragraph". The builder fills in the last two from the
	// rendered markdown (package markdown finds <!--more-->).
	DescriptionFrom string
	Summary         string    // the summary key
	Date            time.Time // zero for pages without a date
	PublishDate     time.Time // when the page goes live: publishDate, else date
	ExpiryDate      time.Time // when it is taken down; zero: never
	Lastmod         time.Time // lastmod, else date, else publishDate
	Tags            []string
	Categories      []string
	Keywords        []string // for search engines; tags when not set
	Authors         []string // the page's authors; none: the site's author
	Draft           bool
	Slug            string
	Aliases         []string // site paths that redirect (301) here, relative ones resolved
	Image           string   // social image: image, else the first of images
	Layout          string
	Weight          int  // lists put weighted pages first, lightest first
	NoSitemap       bool // sitemap: {disable: true}
	TOC             *bool
	Params          map[string]any // front-matter keys not listed above
	// FrontMatter holds every key as decoded, in lower case: what Hugo's
	// .Params holds, for shortcodes (param, a template's .Page.Params).
	FrontMatter map[string]any
	URL         string // site-relative, e.g. "/articles/x/"

	// Section is the folder under content/ whose list the page belongs to
	// ("articles", "articles/2024", "guides"); "" for the home page and
	// top-level pages. A section's own _index.md has its folder.
	Section string
	// Bundle is the folder of a leaf bundle's index.md ("articles/x"):
	// the other files in it are the page's, published beside it.
	Bundle string

	// Body is the markdown after the front matter; BodyLine is the line of
	// File on which it starts, so markdown problems can name their line.
	Body     []byte
	BodyLine int

	// Warnings are front-matter keys accepted but not used, each an *Error
	// marked as a warning.
	Warnings []error

	keyLines map[string]int
}

// KeyLine returns the line of File where front-matter key (in lower case)
// is set, or the first line when it is absent, so checks can point at the
// problem.
func (p *Page) KeyLine(key string) int {
	if l, ok := p.keyLines[strings.ToLower(key)]; ok {
		return l
	}
	return 1
}

// Has reports whether the front matter sets key (in any case).
func (p *Page) Has(key string) bool {
	_, ok := p.keyLines[strings.ToLower(key)]
	return ok
}

// IsFuture reports whether the page goes live after now (scheduled).
func (p *Page) IsFuture(now time.Time) bool {
	return !p.PublishDate.IsZero() && p.PublishDate.After(now)
}

// IsExpired reports whether the page's expiry date has passed by now.
func (p *Page) IsExpired(now time.Time) bool {
	return !p.ExpiryDate.IsZero() && !p.ExpiryDate.After(now)
}

// Parse reads one content file. file is the path used in messages, rel
// its path inside the content folder (which decides Kind and URL), and loc
// the zone for dates written without an offset. When the front matter has
// problems, Parse returns the page (with at least its URL) along with the
// errors, so a build can still tell links to it from broken links.
func Parse(file, rel string, src []byte, loc *time.Location) (*Page, error) {
	p := &Page{File: file, keyLines: map[string]int{}}
	name := p.place(rel)
	p.Slug = URLize(name)
	p.setURL("")
	if rel == "index.md" {
		return p, Errorf(file, 0, "the home page is content/_index.md (a section's list page, not a page bundle): rename index.md to _index.md")
	}
	fields, err := splitFrontMatter(p, src)
	if err != nil {
		// Unreadable front matter: the page still has its URL from the
		// file name, so a build can tell links to it from broken links.
		return p, err
	}
	p.Slug = ""
	var errs ErrorList
	m := &frontMatter{p: p, loc: loc, bad: map[string]bool{}, dates: map[string]time.Time{}}
	for _, f := range fields {
		errs.Add(m.set(f))
	}
	errs.Add(m.finish(name))
	return p, errs.Err()
}

// place sets Kind, Section and Bundle from the file's path in the content
// folder, and returns the name its URL segment comes from: the file name,
// or a bundle's folder name.
func (p *Page) place(rel string) string {
	dir, base := path.Split(rel)
	dir = strings.TrimSuffix(dir, "/")
	stem := strings.TrimSuffix(base, path.Ext(base))
	switch {
	case stem == "_index" && dir == "":
		p.Kind = KindHome
		return ""
	case stem == "_index":
		p.Kind, p.Section = KindSection, dir
		return ""
	case stem == "index" && dir != "":
		p.Bundle = dir
		dir, stem = path.Dir(dir), path.Base(dir)
		if dir == "." {
			dir = ""
		}
	}
	p.Section = dir
	p.Kind = KindPage
	if dir == ArticlesDir || strings.HasPrefix(dir, ArticlesDir+"/") {
		p.Kind = KindArticle
	}
	return stem
}

// setURL derives the page's URL from its place and slug, or sets the url
// of its front matter.
func (p *Page) setURL(url string) {
	switch {
	case url != "":
		p.URL = url
	case p.Kind == KindHome:
		p.URL = "/"
	case p.Kind == KindSection:
		p.URL = "/" + urlizePath(p.Section) + "/"
	case p.Section != "":
		p.URL = "/" + urlizePath(p.Section) + "/" + p.Slug + "/"
	default:
		p.URL = "/" + p.Slug + "/"
	}
}

// dateLayouts are the date forms accepted in front matter: those Hugo
// accepts with a numeric offset or none (a named zone such as "EST" is
// ambiguous, so it is not among them).
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05-0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05.999999999 -0700 MST", // Go's Time.String
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC822Z,
	time.RubyDate,
	"02 Jan 2006",
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
// letters and digits separated by single dashes. site new names files
// with it; URLs of existing files follow URLize, as Hugo's do.
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
