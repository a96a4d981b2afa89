// Package theme is the site's look: its layouts (html/template files under
// layouts/), the fingerprinted URLs of its CSS and JavaScript, and what
// layouts see (.Site, .Page, .List, .Data) with their functions.
//
// The builder (package build) renders every page of the site through it,
// and the function (package api) renders its own pages (quiz results,
// booking forms and messages) through Theme, so both share one look
// without the function linking the build pipeline or the minifier.
// The layouts and template functions are documented in package build.
package theme

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/quiz"
)

// Sources are the site's source folders.
type Sources struct {
	Content    fs.FS  // site.toml, quiz.toml and the markdown
	ContentDir string // its path, for messages (default "content")
	Layouts    fs.FS
	LayoutsDir string // default "layouts"
	Static     fs.FS
	StaticDir  string // default "static"

	// Defaults, when set, supplies site.toml if Content has none: a
	// -content folder of articles alone builds with the site's settings.
	Defaults    fs.FS
	DefaultsDir string

	// Titles, when set, are the pages' titles by URL as a build already
	// read them (site serve passes its session's), so Load need not read
	// every content file's front matter again; nil: Load reads them.
	Titles map[string]string
}

// FromRoot returns the sources of a folder laid out like the repository
// (content/, layouts/, static/): the embedded site or os.DirFS(".").
func FromRoot(root fs.FS) Sources {
	sub := func(dir string) fs.FS {
		s, err := fs.Sub(root, dir)
		if err != nil {
			panic(err) // only for an invalid path, and these are constants
		}
		return s
	}
	return Sources{Content: sub("content"), Layouts: sub("layouts"), Static: sub("static")}.WithDefaults()
}

// WithDefaults fills in the folder names used in messages.
func (s Sources) WithDefaults() Sources {
	s.ContentDir = cmp.Or(s.ContentDir, "content")
	s.LayoutsDir = cmp.Or(s.LayoutsDir, "layouts")
	s.StaticDir = cmp.Or(s.StaticDir, "static")
	return s
}

// LoadSettings reads site.toml (or the defaults' copy); a non-empty
// baseURL replaces the file's, as site build -baseurl does.
func LoadSettings(src Sources, baseURL string) (*content.Site, error) {
	src = src.WithDefaults()
	file := path.Join(src.ContentDir, content.SiteFile)
	data, err := fs.ReadFile(src.Content, content.SiteFile)
	if errors.Is(err, fs.ErrNotExist) && src.Defaults != nil {
		file = path.Join(src.DefaultsDir, content.SiteFile)
		data, err = fs.ReadFile(src.Defaults, content.SiteFile)
	}
	if err != nil {
		return nil, content.Errorf(file, 0, "missing: the site's settings (title, baseURL, ...) live here")
	}
	settings, err := content.ParseSite(file, data)
	if err != nil {
		return nil, err
	}
	if baseURL != "" {
		settings.BaseURL = strings.TrimSuffix(baseURL, "/") + "/"
	}
	return settings, nil
}

// LoadQuiz reads content/quiz.toml. A content folder without one has no
// quiz: it returns nil and no error.
func LoadQuiz(src Sources) (q *quiz.Quiz, version string, err error) {
	src = src.WithDefaults()
	file := path.Join(src.ContentDir, quiz.File)
	data, err := fs.ReadFile(src.Content, quiz.File)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", content.Errorf(file, 0, "%v", err)
	}
	q, err = quiz.Parse(file, data)
	return q, quiz.Version(data), err
}

// Theme renders single pages outside a build, in the site's own look: the
// function's result, form and message pages, and the HTML of its emails
// (RenderEmail). It reads site.toml, quiz.toml,
// the layouts, the static CSS and JS (for their URLs) and the titles of the
// content pages (to name the pages a quiz result recommends). It is safe
// for concurrent use.
type Theme struct {
	site    *Site
	layouts *Layouts
	email   *emailLayout // nil: the site's emails are plain text
	rules   *booking.Rules
}

// Load reads the theme from src; a non-empty baseURL replaces site.toml's.
// Every problem is returned together, each naming its file and line.
func Load(src Sources, baseURL string) (*Theme, error) {
	src = src.WithDefaults()
	settings, err := LoadSettings(src, baseURL)
	if err != nil {
		return nil, err
	}
	s := &Site{Site: settings, Now: time.Now()}
	var errs content.ErrorList
	s.Quiz, s.QuizVer, err = LoadQuiz(src)
	errs.Add(err)
	s.AssetURLs, err = AssetURLs(src.Static)
	if err != nil {
		errs.Add(fmt.Errorf("%s: %w", src.StaticDir, err))
	}
	if src.Titles != nil {
		s.Titles = src.Titles
	} else {
		s.Titles, err = titles(src, s)
		errs.Add(err)
	}
	l, err := LoadLayouts(src.Layouts, src.LayoutsDir, s)
	errs.Add(err)
	email, err := loadEmailLayout(src.Layouts, src.LayoutsDir)
	errs.Add(err)
	rules, err := booking.FromSite(settings)
	errs.Add(err)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return &Theme{site: s, layouts: l, email: email, rules: rules}, nil
}

// titles maps the URL of each content page, the quiz and the booking page
// to its title, read from the front matter. Pages whose front matter has
// problems are left out (the build reports them).
func titles(src Sources, s *Site) (map[string]string, error) {
	files, err := content.Files(src.Content)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.ContentDir, err)
	}
	t := make(map[string]string, len(files)+2)
	for _, rel := range files {
		data, err := fs.ReadFile(src.Content, rel)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path.Join(src.ContentDir, rel), err)
		}
		p, err := content.Parse(path.Join(src.ContentDir, rel), rel, data, s.Location)
		if err == nil && p.Title != "" {
			t[p.URL] = p.Title
		}
	}
	AddGeneratedTitles(t, s)
	return t, nil
}

// AddGeneratedTitles adds the titles of the pages that have no content
// file: the quiz and the booking page.
func AddGeneratedTitles(t map[string]string, s *Site) {
	if s.Quiz != nil {
		t[QuizURL] = s.Quiz.Title
	}
	if s.Booking != nil {
		t[BookURL] = BookTitle
	}
}

// Rules returns the consultant's availability, or nil when site.toml has
// no [booking] table.
func (t *Theme) Rules() *booking.Rules { return t.rules }

// Site returns the site's settings and helpers, as layouts see them.
func (t *Theme) Site() *Site { return t.site }

// PageSpec describes one page the function renders.
type PageSpec struct {
	Layout      string // the layout, e.g. "quiz-result"
	Title       string
	Description string
	URL         string // the page's own path, for canonical links
	Data        any    // what the layout shows, as .Data
}

// Render writes the page to w. Unlike built pages it is not minified: the
// minifier turns escaped "&lt;" in attribute values back into "<", and
// these pages echo what visitors typed. They are personal (a visitor's
// result, form or booking), so they carry noindex and no canonical link.
func (t *Theme) Render(w io.Writer, spec PageSpec) error {
	cp := &content.Page{Kind: content.KindPage, File: t.layouts.dir, Title: spec.Title, Description: spec.Description, URL: spec.URL, Layout: spec.Layout}
	p := &Page{Page: cp, Permalink: t.site.AbsURL(spec.URL), NoIndex: true}
	return t.layouts.Execute(w, spec.Layout, Data{Site: t.site, Page: p, Data: spec.Data})
}

// RenderPartial writes one partial ("partials/quiz-result.html") with
// .Site and .Data set, unminified: the function returns it inside JSON for
// the page's script to insert.
func (t *Theme) RenderPartial(w io.Writer, name string, v any) error {
	return t.layouts.Partial(w, name, Data{Site: t.site, Data: v})
}
