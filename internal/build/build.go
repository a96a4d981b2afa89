package build

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tdewolff/minify/v2"

	"github.com/cassidine/site/internal/assets"
	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/markdown"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/theme"
)

// Options says what to build and where.
type Options struct {
	theme.Sources // the content, layouts and static folders

	Out     string    // output folder, replaced whole on success
	Drafts  bool      // include drafts
	Future  bool      // include articles dated after Now
	BaseURL string    // overrides site.toml's baseURL when set
	Now     time.Time // the build's clock; default time.Now()
	Dev     bool      // site serve: draft badges and the live-reload hook
	Strict  bool      // site check: also report missing descriptions and alt text
	Workers int       // parallel workers; default GOMAXPROCS
}

// Result describes a finished build.
type Result struct {
	Pages    int // HTML pages written
	Assets   int // files copied or fingerprinted from static/
	Files    int // every file written
	Elapsed  time.Duration
	Site     *Site
	External []ExternalLink // http(s) links written in the content
}

// ExternalLink is a link to another site, for site check -external.
type ExternalLink struct {
	URL  string
	File string
	Line int
}

// Summary is the one line printed after a build.
func (r *Result) Summary(out string) string {
	return fmt.Sprintf("built %d pages, %d assets in %d ms → %s", r.Pages, r.Assets, r.Elapsed.Milliseconds(), out)
}

// Build renders the whole site into o.Out. It builds into a fresh sibling
// folder and swaps it into place only when every step succeeded; on error
// o.Out is left exactly as it was and every problem found is returned.
func Build(ctx context.Context, o Options) (*Result, error) {
	start := time.Now()
	o = o.withDefaults()
	if o.Out == "" {
		return nil, errors.New("build: no output folder")
	}
	out := filepath.Clean(o.Out)
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".tmp-")
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	res, err := generate(ctx, o, newDirWriter(tmp))
	if err != nil {
		return nil, err
	}
	if err := swapDir(tmp, out); err != nil {
		return nil, fmt.Errorf("build: replacing %s: %w", out, err)
	}
	ok = true
	res.Elapsed = time.Since(start)
	return res, nil
}

// Check runs every step and validation of a build without writing anything.
func Check(ctx context.Context, o Options) (*Result, error) {
	start := time.Now()
	b := newBuilder(o.withDefaults())
	if err := b.load(ctx); err != nil {
		return nil, err
	}
	res, err := b.render(ctx, discard{}, b.jobs())
	if err != nil {
		return nil, err
	}
	res.External = b.externalLinks()
	res.Elapsed = time.Since(start)
	return res, nil
}

func (o Options) withDefaults() Options {
	o.Sources = o.Sources.WithDefaults()
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// writer receives the build's output files.
type writer interface {
	write(name string, data []byte) error
}

// discard is the writer of site check.
type discard struct{}

func (discard) write(string, []byte) error { return nil }

// dirWriter writes files under a folder, creating parents once each.
type dirWriter struct {
	root string
	mu   sync.Mutex
	dirs map[string]bool
}

func newDirWriter(root string) *dirWriter {
	return &dirWriter{root: root, dirs: map[string]bool{".": true}}
}

func (w *dirWriter) write(name string, data []byte) error {
	dir := path.Dir(name)
	w.mu.Lock()
	made := w.dirs[dir]
	w.mu.Unlock()
	if !made {
		if err := os.MkdirAll(filepath.Join(w.root, filepath.FromSlash(dir)), 0o755); err != nil {
			return err
		}
		w.mu.Lock()
		w.dirs[dir] = true
		w.mu.Unlock()
	}
	return os.WriteFile(filepath.Join(w.root, filepath.FromSlash(name)), data, 0o644)
}

// builder holds one build's state. A Session keeps it between builds and
// updates it after edits.
type builder struct {
	o         Options
	site      *Site
	min       *minify.M
	layouts   *theme.Layouts
	layoutErr error
	assets    *assets.Set
	assetErr  error
	sources   map[string]source       // content file (relative path) → parsed page
	docs      map[*Page]*markdown.Doc // the rendered markdown of each page in sources
	pages     []*Page                 // every content page that is published, in file order
	section   *Page                   // content/articles/_index.md, if any
	skipped   map[string]string       // URL → why it is left out ("a draft", ...)
	broken    map[string]*Page        // URL → page whose own errors were reported
	scheduled []time.Time             // dates of articles left out as future-dated
	quiz      *quiz.Quiz              // content/quiz.toml, if the site has one
	quizErr   error
	quizVer   string
}

// source is one content file as last read.
type source struct {
	page *Page         // nil when unreadable
	doc  *markdown.Doc // nil when not rendered (left out, or with errors)
	err  error
}

func newBuilder(o Options) *builder {
	return &builder{o: o, min: assets.NewMinifier()}
}

// generate loads, validates and renders the site into w.
func generate(ctx context.Context, o Options, w writer) (*Result, error) {
	b := newBuilder(o)
	if err := b.load(ctx); err != nil {
		return nil, err
	}
	return b.render(ctx, w, b.jobs())
}

// load reads settings, content, layouts and static files, renders the
// markdown and checks everything that can be checked before writing.
func (b *builder) load(ctx context.Context) error {
	if err := b.loadSettings(); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Go(b.loadAssets)
	wg.Go(b.loadLayouts)
	err := b.loadPages(ctx)
	wg.Wait()
	if err != nil {
		return err
	}
	return b.validate()
}

// loadSettings reads site.toml (or the defaults' copy) and the quiz.
func (b *builder) loadSettings() error {
	settings, err := theme.LoadSettings(b.o.Sources, b.o.BaseURL)
	if err != nil {
		return err
	}
	b.site = &Site{Site: settings, Now: b.o.Now, Dev: b.o.Dev}
	// Unlike site.toml, the quiz is content: a -content folder without one
	// builds without a quiz (its advice links to that folder's pages). Its
	// problems are reported with the build's others.
	b.quiz, b.quizVer, b.quizErr = theme.LoadQuiz(b.o.Sources)
	b.site.Quiz, b.site.QuizVer = b.quiz, b.quizVer
	return nil
}

func (b *builder) loadAssets() {
	b.assets, b.assetErr = assets.Load(b.o.Static, b.min)
}

func (b *builder) loadLayouts() {
	b.layouts, b.layoutErr = theme.LoadLayouts(b.o.Layouts, b.o.LayoutsDir, b.site)
	// The email layout is the function's, not a page's; a mistake in it
	// fails the build here rather than the function once deployed.
	if err := theme.CheckEmailLayout(b.o.Layouts, b.o.LayoutsDir); err != nil {
		var errs content.ErrorList
		errs.Add(b.layoutErr)
		errs.Add(err)
		b.layoutErr = errs.Err()
	}
}

// validate sorts the published pages and runs every check, collecting
// all problems so one run lists them together.
func (b *builder) validate() error { return b.validateLinksOf(nil) }

// validateLinksOf is validate checking the links of only the given pages
// (all when nil): after an edit that changed no URL, only the edited
// pages' links can have broken.
func (b *builder) validateLinksOf(only map[string]bool) error {
	var errs content.ErrorList
	errs.Add(b.classify())
	errs.Add(b.assetErr)
	errs.Add(b.layoutErr)
	if b.assets != nil {
		b.site.AssetURLs = b.assets.URLs()
	}
	b.organize()
	errs.Add(b.checkURLs())
	if b.layoutErr == nil {
		errs.Add(b.checkLayouts())
	}
	var targets map[string]target
	if b.assetErr == nil {
		targets = b.targets()
		errs.Add(b.checkLinks(targets, only))
	}
	if b.o.Strict {
		errs.Add(b.checkStrict())
	}
	errs.Add(b.quizErr)
	if _, err := booking.FromSite(b.site.Site); err != nil {
		errs.Add(err) // the availability in site.toml, with its lines
	}
	if b.quiz != nil && targets != nil {
		errs.Add(b.quiz.CheckLinks(func(p string) bool { _, ok := targets[p]; return ok }))
	}
	return errs.Err()
}

// loadPages parses every content file and renders its markdown, in parallel.
func (b *builder) loadPages(ctx context.Context) error {
	files, err := content.Files(b.o.Content)
	if err != nil {
		return fmt.Errorf("%s: %w", b.o.ContentDir, err)
	}
	srcs := make([]source, len(files))
	work := make(chan int)
	var wg sync.WaitGroup
	for range b.o.Workers {
		wg.Go(func() {
			md := markdown.New()
			for i := range work {
				srcs[i] = b.loadPage(md, files[i])
			}
		})
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	b.sources = make(map[string]source, len(files))
	for i, f := range files {
		b.sources[f] = srcs[i]
	}
	return nil
}

// classify sorts the content files into published pages, the articles
// section, pages left out and pages with problems, in file order.
func (b *builder) classify() error {
	b.pages, b.section = nil, nil
	b.skipped, b.broken, b.scheduled = map[string]string{}, map[string]*Page{}, nil
	b.docs = make(map[*Page]*markdown.Doc, len(b.sources))
	files := slices.Sorted(maps.Keys(b.sources))
	var all content.ErrorList
	for _, f := range files {
		src := b.sources[f]
		p := src.page
		all.Add(src.err)
		if src.doc != nil {
			b.docs[p] = src.doc
		}
		switch {
		case p == nil:
		case src.err != nil:
			b.broken[p.URL] = p // reported; links to it are not errors too
		case b.leftOut(p) != "":
			b.skipped[p.URL] = b.leftOut(p)
			if !p.Draft {
				b.scheduled = append(b.scheduled, p.Date)
			}
		case p.Kind == content.KindSection:
			b.section = p
		default:
			b.pages = append(b.pages, p)
		}
	}
	return all.Err()
}

func (b *builder) loadPage(md *markdown.Renderer, rel string) source {
	file := path.Join(b.o.ContentDir, rel)
	src, err := fs.ReadFile(b.o.Content, rel)
	if err != nil {
		return source{err: content.Errorf(file, 0, "%w", err)}
	}
	cp, err := content.Parse(file, rel, src, b.site.Location)
	p := &Page{Page: cp, Permalink: b.site.AbsURL(cp.URL), Scheduled: cp.IsFuture(b.o.Now)}
	if err != nil || b.leftOut(p) != "" {
		return source{page: p, err: err} // not rendered: kept only to check and explain links to it
	}
	doc, err := md.Render(cp.Body)
	if err != nil {
		return source{err: content.Errorf(file, cp.BodyLine, "markdown: %v", err)}
	}
	p.Content = htmlOf(doc.HTML)
	for _, h := range doc.TOC() {
		p.TOC = append(p.TOC, theme.Heading(h))
	}
	p.ReadingTime = doc.ReadingTime()
	p.WordCount = doc.Words
	return source{page: p, doc: doc}
}

// leftOut says why a page is not published in this build, or "".
func (b *builder) leftOut(p *Page) string {
	switch {
	case p.Draft && !b.o.Drafts:
		return "a draft (build with -drafts to include it)"
	case p.Kind == content.KindArticle && p.Scheduled && !b.o.Future:
		return fmt.Sprintf("scheduled for %s (build with -future to include it)", p.Date.Format(time.RFC3339))
	}
	return ""
}

// organize sorts articles newest first and gathers tags.
func (b *builder) organize() {
	s := b.site
	s.Articles, s.Pages, s.Tags = nil, nil, nil
	tags := map[string]*Tag{}
	for _, p := range b.pages {
		switch p.Kind {
		case content.KindArticle:
			s.Articles = append(s.Articles, p)
		default:
			s.Pages = append(s.Pages, p)
		}
	}
	slices.SortStableFunc(s.Articles, func(a, b *Page) int {
		return cmp.Or(b.Date.Compare(a.Date), strings.Compare(a.URL, b.URL))
	})
	slices.SortFunc(s.Pages, func(a, b *Page) int { return strings.Compare(a.URL, b.URL) })
	for _, p := range s.Articles {
		for _, name := range p.Tags {
			slug := content.Slugify(name)
			t := tags[slug]
			if t == nil {
				t = &Tag{Name: name, Slug: slug, URL: theme.TagURL(name)}
				tags[slug] = t
				s.Tags = append(s.Tags, t)
			}
			if len(t.Articles) == 0 || t.Articles[len(t.Articles)-1] != p {
				t.Articles = append(t.Articles, p)
			}
		}
	}
	slices.SortFunc(s.Tags, func(a, b *Tag) int { return strings.Compare(a.Slug, b.Slug) })
	s.Titles = make(map[string]string, len(b.pages)+2)
	for _, p := range b.pages {
		s.Titles[p.URL] = p.Title
	}
	theme.AddGeneratedTitles(s.Titles, s)
}

// checkURLs reports two sources claiming one URL, including aliases.
func (b *builder) checkURLs() error {
	var errs content.ErrorList
	owner := map[string]*Page{}
	claim := func(u string, p *Page, line int, what string) {
		if o, ok := owner[u]; ok {
			errs.Add(content.Errorf(p.File, line, "duplicate URL %s: %s also claimed by %s", u, what, o.File))
			return
		}
		owner[u] = p
	}
	for _, p := range b.pages {
		claim(p.URL, p, p.KeyLine("slug"), "page")
	}
	if b.section != nil {
		claim(b.section.URL, b.section, 1, "section")
	}
	for _, p := range b.pages {
		for _, a := range p.Aliases {
			claim(normalizePath(a), p, p.KeyLine("aliases"), "alias")
		}
	}
	for _, p := range b.pages {
		if p.Kind == content.KindPage && (strings.HasPrefix(p.URL, "/tags/") || p.URL == "/articles/" || p.URL == "/assets/") {
			errs.Add(content.Errorf(p.File, p.KeyLine("slug"), "URL %s is reserved for generated pages", p.URL))
		}
	}
	return errs.Err()
}

// layoutFor returns the layout a page renders with.
func (b *builder) layoutFor(p *Page) string {
	if p.Layout != "" {
		return p.Layout
	}
	switch p.Kind {
	case content.KindHome:
		return "home"
	case content.KindArticle:
		return "article"
	case content.KindSection, content.KindList:
		return "list"
	case content.KindTag:
		if b.layouts.Has("tag") {
			return "tag"
		}
		return "list"
	case content.KindTags:
		return "tags"
	case content.KindNotFound:
		return "404"
	}
	return "page"
}

// checkLayouts reports pages whose layout does not exist.
func (b *builder) checkLayouts() error {
	var errs content.ErrorList
	for _, p := range b.pages {
		name := b.layoutFor(p)
		if !b.layouts.Has(name) {
			line := 0
			if p.Layout != "" {
				line = p.KeyLine("layout")
			}
			errs.Add(content.Errorf(p.File, line, "unknown layout %q: no %s/%s.html (layouts: %s)", name, b.o.LayoutsDir, name, b.layouts.Names()))
		}
	}
	for _, name := range []string{"list", "tags", "404"} {
		if !b.layouts.Has(name) {
			errs.Add(content.Errorf(path.Join(b.o.LayoutsDir, name+".html"), 0, "missing: needed for the generated %s page", name))
		}
	}
	return errs.Err()
}

// normalizePath gives directory-style site paths a trailing slash.
func normalizePath(p string) string {
	if !strings.HasSuffix(p, "/") && path.Ext(p) == "" {
		return p + "/"
	}
	return p
}

// outputPath maps a URL to the file that serves it: "/x/" → "x/index.html".
func outputPath(u string) string {
	u = strings.TrimPrefix(u, "/")
	if u == "" || strings.HasSuffix(u, "/") {
		return u + "index.html"
	}
	return u
}

// execute renders a page through its layout, minified.
func (b *builder) execute(buf *bytes.Buffer, p *Page, list *List, extra any) ([]byte, error) {
	name := b.layoutFor(p)
	if !b.layouts.Has(name) {
		return nil, content.Errorf(p.File, 0, "unknown layout %q", name)
	}
	buf.Reset()
	if err := b.layouts.Execute(buf, name, theme.Data{Site: b.site, Page: p, List: list, Data: extra}); err != nil {
		return nil, err
	}
	return b.minify(assets.HTML, buf.Bytes())
}

func (b *builder) minify(mediaType string, data []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(data))
	if err := b.min.Minify(mediaType, &out, bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("minify %s: %w", mediaType, err)
	}
	return out.Bytes(), nil
}
