package build

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/markdown"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/theme"
)

// Session keeps a built site in memory and updates it after edits,
// re-rendering only the outputs an edit affects. It is the engine of site
// serve; Build and Check are one-shot runs of the same pipeline.
type Session struct {
	o        Options
	fixedNow bool       // o.Now was given: tests' clock
	applyMu  sync.Mutex // one Build or Apply at a time

	mu    sync.RWMutex
	b     *builder          // the last good build
	files map[string][]byte // output path → content
}

// Change names one edited, created or deleted source file.
type Change struct {
	Root string // "content", "layouts" or "static"
	Path string // slash-separated, relative to Root
}

// Roots of changes.
const (
	RootContent = "content"
	RootLayouts = "layouts"
	RootStatic  = "static"
)

// Update reports what a build or update of a Session did.
type Update struct {
	Written  []string // outputs (re)written
	Removed  []string // outputs that no longer exist
	Pages    int      // HTML pages among Written
	CSSOnly  bool     // only stylesheets changed: a browser can swap them in place
	CSS      []string // URLs of the current stylesheets, when CSSOnly
	Full     bool     // everything was rebuilt
	Warnings []error  // the site's warnings now (see Result.Warnings)
	Elapsed  time.Duration
}

// NewSession returns a Session; call Build before anything else.
func NewSession(o Options) *Session {
	fixed := !o.Now.IsZero()
	return &Session{o: o.withDefaults(), fixedNow: fixed, files: map[string][]byte{}}
}

// now is the time of a build: the Options' clock if one was given, else
// the current time (a long-running serve must not freeze it at startup).
func (s *Session) now() time.Time {
	if s.fixedNow {
		return s.o.Now
	}
	return time.Now()
}

// File returns the content of an output ("articles/x/index.html").
func (s *Session) File(name string) ([]byte, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	data, ok := s.files[name]
	return data, ok
}

// Titles returns the titles of the site's pages by URL, as last built
// (nil before the first build), for the function's theme.
func (s *Session) Titles() map[string]string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.b == nil || s.b.site == nil {
		return nil
	}
	return maps.Clone(s.b.site.Titles)
}

// Warnings returns the warnings of the site as last built.
func (s *Session) Warnings() []error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.b == nil {
		return nil
	}
	return s.b.warnings
}

// Build builds everything from scratch. On error the previous outputs stay.
func (s *Session) Build(ctx context.Context) (*Update, error) {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	return s.build(ctx)
}

func (s *Session) build(ctx context.Context) (*Update, error) {
	start := time.Now()
	o := s.o
	o.Now = s.now()
	b := newBuilder(o)
	if err := b.load(ctx); err != nil {
		return nil, err
	}
	jobs := b.jobs()
	s.reuseCards(jobs)
	return s.commit(ctx, b, jobs, jobs, nil, start)
}

// Apply updates the site after the given source files changed. Outputs
// are re-rendered only where the change shows: a body edit re-renders its
// page (and the feeds, which carry content); a change to what lists show
// (title, date, tags, description, ...) also re-renders the lists, tag
// pages, home, feeds and sitemap, and a new title or reading time draws
// that page's share card (no other); a layout change re-renders the pages
// using it; a CSS change re-renders pages (their stylesheet URL changed)
// and tells the browser it may swap the stylesheet in place. Changes to
// the content folder's shape (a page added or removed, a bundle's image,
// a page bundle's URL) or to an image, and site.toml changes, rebuild
// everything. On error nothing changes.
func (s *Session) Apply(ctx context.Context, changes []Change) (*Update, error) {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	start := time.Now()
	s.mu.RLock()
	old := s.b
	s.mu.RUnlock()
	if old == nil {
		return s.build(ctx)
	}
	nb := old.clone()
	nb.o.Now = s.now()
	nb.site.Now = nb.o.Now
	var sel selection
	md := nb.renderer()
	reloaded := map[string]bool{}
	for _, c := range changes {
		switch c.Root {
		case RootContent:
			if c.Path == content.SiteFile || c.Path == quiz.File {
				return s.build(ctx)
			}
			if !content.IsContentFile(c.Path) {
				continue
			}
			if _, known := nb.sources[c.Path]; !known || !content.IsMarkdown(c.Path) {
				return s.build(ctx) // a new or deleted page, or a bundle's file
			}
			full, err := nb.reloadSource(md, c.Path, &sel)
			if err != nil {
				return nil, err
			}
			if full {
				return s.build(ctx)
			}
			reloaded[c.Path] = true
		case RootLayouts:
			if strings.HasPrefix(c.Path, "shortcodes/") {
				return s.build(ctx) // pages show what shortcodes write
			}
			sel.layouts = true
			if c.Path == BaseLayout || strings.HasPrefix(c.Path, "partials/") {
				sel.allHTML = true
			} else {
				sel.layoutNames = append(sel.layoutNames, strings.TrimSuffix(c.Path, ".html"))
			}
		case RootStatic:
			if !theme.Fingerprinted(c.Path) {
				return s.build(ctx) // an image pages may show, sized and resized
			}
			sel.static = true
		}
	}
	if err := nb.finishPages(ctx, reloaded); err != nil {
		return nil, err
	}
	if sel.layouts {
		nb.loadLayouts()
	}
	if sel.static {
		oldURLs := nb.assets.URLs()
		nb.loadAssets()
		if nb.assetErr == nil && !maps.Equal(oldURLs, nb.assets.URLs()) {
			sel.allHTML = true // pages name the new fingerprinted URLs
			sel.cssOnly = onlyCSS(changes)
		}
	}
	var only map[string]bool // whose links to check: all, unless no URL changed
	if !sel.lists && !sel.layouts && !sel.static && !sel.anchors {
		only = sel.pages
		if only == nil {
			only = map[string]bool{}
		}
	}
	if err := nb.validateLinksOf(only); err != nil {
		return nil, err
	}
	all := nb.jobs()
	var jobs []*job
	for _, j := range all {
		if sel.wants(nb, j) || s.newCard(j) {
			jobs = append(jobs, j)
		}
	}
	return s.commit(ctx, nb, jobs, all, &sel, start)
}

// commit renders jobs (a subset of every output, all) into a staging map
// and, if all succeed, makes them and nb current, removing outputs that the
// new build does not produce. A full build (sel nil) replaces everything.
func (s *Session) commit(ctx context.Context, nb *builder, jobs, every []*job, sel *selection, start time.Time) (*Update, error) {
	full := sel == nil
	stage := &memWriter{files: map[string][]byte{}}
	res, err := nb.render(ctx, stage, jobs)
	if err != nil {
		return nil, err
	}
	all := make(map[string]bool, len(every))
	for _, j := range every {
		all[j.name] = true
	}
	u := &Update{Pages: res.Pages, Full: full, Warnings: res.Warnings}
	s.mu.Lock()
	if full {
		for name := range s.files {
			if !stage.has(name) {
				u.Removed = append(u.Removed, name)
			}
		}
		s.files = stage.files
	} else {
		for name := range s.files {
			if !all[name] {
				delete(s.files, name)
				u.Removed = append(u.Removed, name)
			}
		}
		maps.Copy(s.files, stage.files)
	}
	s.b = nb
	s.mu.Unlock()
	u.Written = slices.Sorted(maps.Keys(stage.files))
	slices.Sort(u.Removed)
	if sel != nil && sel.cssOnly {
		u.CSSOnly = true
		for _, f := range nb.assets.Files {
			if path.Ext(f.Path) == ".css" {
				u.CSS = append(u.CSS, "/"+f.Path)
			}
		}
	}
	u.Elapsed = time.Since(start)
	return u, nil
}

// selection is what an update re-renders.
type selection struct {
	pages       map[string]bool // URLs of content pages whose body changed
	lists       bool            // what lists show changed (or pages came and went)
	feeds       bool            // content of a feed article changed
	layouts     bool            // reload layouts
	layoutNames []string        // layouts whose pages to re-render
	allHTML     bool            // every page
	static      bool            // reload static files
	anchors     bool            // a page's heading ids changed
	cssOnly     bool
}

func (sel *selection) wants(b *builder, j *job) bool {
	switch {
	case j.group == groupCard:
		return false // a changed card has a new name: Apply adds it (newCard)
	case j.group == groupStatic:
		return sel.static
	case j.html && sel.allHTML:
		return true
	case j.html && slices.Contains(sel.layoutNames, b.layoutFor(j.page)):
		return true
	case sel.lists && j.group != groupPage:
		return true
	case j.group == groupFeed:
		return sel.feeds
	case j.group == groupPage:
		return sel.pages[j.page.URL]
	}
	return false
}

// clone copies the builder's state so an update can change it without
// touching the last good build.
func (b *builder) clone() *builder {
	nb := *b
	nb.sources = maps.Clone(b.sources)
	// The Site is shared: the layouts' functions are bound to it, and
	// validate recomputes all of its derived fields before any render.
	nb.pages, nb.sections, nb.skipped, nb.broken = nil, nil, nil, nil
	return &nb
}

// reloadSource re-reads one known content file and notes in sel what the
// change affects. It reports full when the whole site must be rebuilt
// instead: the file is gone, or its URL changed (its bundle's files and
// the refs to it with it).
func (b *builder) reloadSource(md *markdown.Renderer, rel string, sel *selection) (full bool, err error) {
	prev := b.sources[rel]
	old := prev.page
	src := b.parsePage(rel)
	if errors.Is(src.err, fs.ErrNotExist) {
		return true, nil
	}
	if p := src.page; p == nil || old == nil || old.URL != p.URL {
		return true, nil // its bundle's files, and refs to it, move with it
	}
	src = b.renderPage(md, rel, src)
	b.sources[rel] = src
	p := src.page
	if p == nil || old == nil || summary(old) != summary(p) {
		sel.lists = true
	}
	if p == nil || old == nil || src.doc == nil || prev.doc == nil || !slices.Equal(src.doc.IDs, prev.doc.IDs) {
		sel.anchors = true // links elsewhere to its #anchors need checking again
	}
	if p != nil {
		if sel.pages == nil {
			sel.pages = map[string]bool{}
		}
		sel.pages[p.URL] = true
		sel.feeds = sel.feeds || p.Kind == content.KindArticle
		sel.lists = sel.lists || p.Kind == content.KindSection // its list shows its body
	}
	return false, nil
}

// summary is what lists, tag pages, feeds' metadata and the sitemap show
// of a page; a change to anything else re-renders the page alone.
func summary(p *Page) string {
	return strings.Join([]string{
		p.Title, p.Description, p.Date.String(), p.Lastmod.String(), p.PublishDate.String(), p.ExpiryDate.String(),
		p.URL, p.Image, p.Layout, strconv.Itoa(p.Weight), strconv.FormatBool(p.NoSitemap),
		strings.Join(p.Tags, "\x00"), strings.Join(p.Categories, "\x00"), strings.Join(p.Aliases, "\x00"),
		strings.Join(p.Authors, "\x00"), strconv.FormatBool(p.Draft), strconv.FormatBool(p.Scheduled), string(rune('0' + min(p.ReadingTime, 40))),
	}, "\x01")
}

func onlyCSS(changes []Change) bool {
	for _, c := range changes {
		if c.Root != RootStatic || path.Ext(c.Path) != ".css" {
			return false
		}
	}
	return true
}

// memWriter keeps outputs in memory.
type memWriter struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (w *memWriter) write(name string, data []byte) error {
	data = bytes.Clone(data) // it may be a worker's buffer (see job.make)
	w.mu.Lock()
	w.files[name] = data
	w.mu.Unlock()
	return nil
}

func (w *memWriter) has(name string) bool {
	_, ok := w.files[name]
	return ok
}
