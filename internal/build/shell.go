package build

import (
	"bytes"
	"fmt"
	"io"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/quiz"
)

// Shell renders single pages outside a build, in the site's own look: the
// function's result and form pages use it, so they share the layouts and
// the fingerprinted stylesheet of the static site. It reads site.toml,
// layouts and static files, but no articles. It is safe for concurrent use.
type Shell struct {
	b     *builder
	rules *booking.Rules
}

// NewShell loads what Render needs from o's folders; titles maps site
// paths to page titles (the build's Site.Titles), for pageTitle.
func NewShell(o Options, titles map[string]string) (*Shell, error) {
	b := newBuilder(o.withDefaults())
	if err := b.loadSettings(); err != nil {
		return nil, err
	}
	b.loadAssets()
	b.loadLayouts()
	var errs content.ErrorList
	errs.Add(b.assetErr)
	errs.Add(b.layoutErr)
	errs.Add(b.quizErr)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	b.site.assets = b.assets
	b.site.titles = titles
	rules, err := booking.FromSite(b.site.Site)
	if err != nil {
		return nil, err
	}
	return &Shell{b: b, rules: rules}, nil
}

// Rules returns the consultant's availability, or nil when site.toml has
// no [booking] table.
func (s *Shell) Rules() *booking.Rules { return s.rules }

// Quiz returns the site's quiz and its version, or nil.
func (s *Shell) Quiz() (*quiz.Quiz, string) { return s.b.quiz, s.b.quizVer }

// RenderPartial writes one partial ("partials/quiz-result.html") with
// .Site and .Data set, unminified: the function returns it inside JSON for
// the page's script to insert.
func (s *Shell) RenderPartial(w io.Writer, name string, v any) error {
	t := s.b.layouts.partials.Lookup(name)
	if t == nil {
		return fmt.Errorf("render: no partial %q", name)
	}
	if err := t.Execute(w, data{Site: s.b.site, Data: v}); err != nil {
		return templateError(s.b.o.LayoutsDir, err)
	}
	return nil
}

// ShellPage describes one page the function renders.
type ShellPage struct {
	Layout      string // the layout, e.g. "quiz-result"
	Title       string
	Description string
	URL         string // the page's own path, for canonical links
	Data        any    // what the layout shows, as .Data
}

// Render writes the page to w. Unlike built pages it is not minified: the
// minifier turns escaped "&lt;" in attribute values back into "<", and
// these pages echo what visitors typed.
func (s *Shell) Render(w io.Writer, sp ShellPage) error {
	b := s.b
	t, ok := b.layouts.lookup(sp.Layout)
	if !ok {
		return fmt.Errorf("render: no layout %q", sp.Layout)
	}
	cp := &content.Page{Kind: content.KindPage, File: b.o.LayoutsDir, Title: sp.Title, Description: sp.Description, URL: sp.URL, Layout: sp.Layout}
	p := &Page{Page: cp, Permalink: b.site.absURL(sp.URL)}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, BaseLayout, data{Site: b.site, Page: p, Data: sp.Data}); err != nil {
		return templateError(b.o.LayoutsDir, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Site returns the site's settings and helpers, as layouts see them.
func (s *Shell) Site() *Site { return s.b.site }
