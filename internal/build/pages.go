package build

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/markdown"
	"github.com/cassidine/site/internal/shortcode"
	"github.com/cassidine/site/internal/theme"
)

// loadPages scans the content folder, parses every content file, then
// renders their markdown, each step in parallel: a ref or relref
// shortcode needs the URL of the page it names, which its front matter
// decides (slug, url).
func (b *builder) loadPages(ctx context.Context) error {
	tree, err := content.Scan(b.o.Content, b.o.ContentDir)
	if err != nil {
		return fmt.Errorf("%s: %w", b.o.ContentDir, err)
	}
	b.tree = tree
	files := tree.Pages
	srcs := make([]source, len(files))
	err = b.parallel(ctx, len(files), func() func(int) {
		return func(i int) { srcs[i] = b.parsePage(files[i]) }
	})
	if err != nil {
		return err
	}
	b.sources = make(map[string]source, len(files))
	for i, f := range files {
		b.sources[f] = srcs[i]
	}
	b.indexRefs()
	err = b.parallel(ctx, len(files), func() func(int) {
		md := b.renderer()
		return func(i int) { srcs[i] = b.renderPage(md, files[i], srcs[i]) }
	})
	if err != nil {
		return err
	}
	for i, f := range files {
		b.sources[f] = srcs[i]
	}
	return nil
}

// parallel runs n pieces of work on the build's workers, in order of
// index; newWorker makes each worker's function (with its own renderer,
// say). Workers take the next index themselves: no goroutine hands them
// work, so none waits on another between pieces.
func (b *builder) parallel(ctx context.Context, n int, newWorker func() func(int)) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(b.o.Workers, n) {
		wg.Go(func() {
			do := newWorker()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				do(i)
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// loadShortcodes reads the site's shortcode templates, layouts/shortcodes.
func (b *builder) loadShortcodes() {
	ts, err := shortcode.LoadTemplatesAs(b.o.Layouts, "shortcodes", path.Join(b.o.LayoutsDir, "shortcodes"))
	b.shortcodes, b.shortcodeErr = ts, nil
	var fe shortcode.FileErrors
	switch {
	case errors.As(err, &fe):
		var errs content.ErrorList
		for _, e := range fe {
			errs.Add(content.Errorf(e.File, e.Line, "%v", e.Err))
		}
		b.shortcodeErr = errs.Err()
	case err != nil:
		b.shortcodeErr = fmt.Errorf("%s: %w", path.Join(b.o.LayoutsDir, "shortcodes"), err)
	}
}

// renderer returns a markdown renderer with the site's options: one per
// worker, as a renderer serves one goroutine.
func (b *builder) renderer() *markdown.Renderer {
	o := markdown.Options{Unsafe: b.site.Markup.Unsafe}
	if b.shortcodes != nil {
		o.Shortcodes = b.shortcodes
	}
	return markdown.NewWith(o)
}

// parsePage reads one content file's front matter.
func (b *builder) parsePage(rel string) source {
	file := path.Join(b.o.ContentDir, rel)
	src, err := fs.ReadFile(b.o.Content, rel)
	if err != nil {
		return source{err: content.Errorf(file, 0, "%w", err)}
	}
	cp, err := content.Parse(file, rel, src, b.site.Location)
	p := &Page{Page: cp, Permalink: b.site.AbsURL(cp.URL), Scheduled: cp.IsFuture(b.o.Now)}
	return source{page: p, err: err}
}

// renderPage renders a parsed page's markdown, unless the page is left
// out of this build or its front matter has problems.
func (b *builder) renderPage(md *markdown.Renderer, rel string, src source) source {
	p := src.page
	if p == nil || b.leftOut(p) != "" {
		return src // not rendered: kept only to check and explain links to it
	}
	if src.err != nil {
		// Not rendered either; but a missing description is reported now
		// too, rather than on the next run.
		read := p.Has("title") || p.Has("date") // the front matter was decoded
		if doc, derr := md.RenderPage(p.Body, b.markdownPage(rel, p)); derr == nil && read && p.Kind == content.KindArticle {
			var errs content.ErrorList
			errs.Add(src.err)
			errs.Add(b.describe(p, doc))
			src.err = errs.Err()
		}
		return src
	}
	doc, err := b.rendered.render(md, b.site.Markup.Unsafe, p.Body, b.markdownPage(rel, p))
	if err != nil {
		return source{page: p, err: b.markdownError(p, err)}
	}
	for _, w := range doc.Warnings {
		p.Warnings = append(p.Warnings, content.Warnf(p.File, p.BodyLine+w.Line-1, "%s", w.Message))
	}
	if err := b.describe(p, doc); err != nil {
		return source{page: p, err: err}
	}
	p.Content = template.HTML(doc.HTML)
	for _, h := range doc.TOC() {
		p.TOC = append(p.TOC, theme.Heading(h))
	}
	p.ReadingTime = doc.ReadingTime()
	p.WordCount = doc.Words
	return source{page: p, doc: doc}
}

// markdownError names the file's line of each problem the markdown
// renderer reports at a line of the body.
func (b *builder) markdownError(p *Page, err error) error {
	var list markdown.Errors
	if !errors.As(err, &list) {
		return content.Errorf(p.File, p.BodyLine, "markdown: %v", err)
	}
	var errs content.ErrorList
	for _, e := range list {
		errs.Add(content.Errorf(p.File, p.BodyLine+e.Line-1, "%v", e.Err))
	}
	return errs.Err()
}

// markdownPage is what a page's shortcodes see of it: its title and front
// matter (param, site shortcodes' .Page), and how content paths resolve
// (ref, relref).
func (b *builder) markdownPage(rel string, p *Page) markdown.Page {
	return markdown.Page{
		Page: shortcode.Page{
			Title:  p.Title,
			Params: p.FrontMatter,
			Site:   shortcode.SiteData{Title: b.site.Title},
		},
		Resolve: func(ref string) (string, error) { return b.resolveRef(p.Section, ref) },
	}
}

// describe gives a page without a description the summary Hugo would
// show in its place: the summary key (set by package content), else the
// text before <!--more-->, else the first paragraph. An article must end
// up with one: lists, feeds and search results show it.
func (b *builder) describe(p *Page, doc *markdown.Doc) error {
	if strings.TrimSpace(p.Description) != "" || (p.Kind != content.KindArticle && p.Kind != content.KindPage) {
		return nil
	}
	switch {
	case doc.Summary != "":
		p.Description, p.DescriptionFrom = doc.Summary, "text before <!--more-->"
	default:
		p.Description, p.DescriptionFrom = firstParagraph(doc.HTML), "first paragraph"
	}
	if p.Description == "" {
		p.DescriptionFrom = ""
		if p.Kind == content.KindArticle && !p.Draft { // a draft may be unfinished; site check still asks
			return content.Errorf(p.File, p.KeyLine("description"), "front matter: description is required for articles (or a summary, or a first paragraph to stand in for it)")
		}
	}
	return nil
}

// refIndex finds content files for ref and relref.
type refIndex struct {
	urls  map[string]string   // content file → URL
	names map[string][]string // a file's name, or a bundle's folder name → content files
}

// indexRefs indexes every parsed content file, published or not: a ref
// to a draft resolves, and the link check then says it is a draft.
func (b *builder) indexRefs() {
	b.refs = refIndex{urls: map[string]string{}, names: map[string][]string{}}
	for rel, src := range b.sources {
		if src.page == nil {
			continue
		}
		b.refs.urls[rel] = src.page.URL
		name := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
		switch name {
		case "_index":
			continue
		case "index":
			name = path.Base(path.Dir(rel))
		}
		b.refs.names[name] = append(b.refs.names[name], rel)
	}
	for _, rels := range b.refs.names {
		slices.Sort(rels)
	}
}

// resolveRef finds the URL of the content file a ref or relref names, as
// Hugo does: a path from the content folder ("articles/x.md",
// "/articles/x") or from the page's folder ("x.md", "../about.md"), with
// or without its extension; a bundle or section by its folder; else the
// one file (or bundle) of that name anywhere.
func (b *builder) resolveRef(fromDir, ref string) (string, error) {
	var candidates []string
	if !strings.HasPrefix(ref, "/") {
		candidates = append(candidates, path.Join(fromDir, ref))
	}
	candidates = append(candidates, strings.TrimPrefix(path.Clean("/"+ref), "/"))
	for _, c := range candidates {
		c = strings.TrimPrefix(path.Clean(c), "./")
		if c == "." || c == "" {
			c = "_index"
		}
		stem := strings.TrimSuffix(c, path.Ext(c))
		for _, f := range []string{c, stem + ".md", stem + ".markdown", stem + ".mdown", c + "/index.md", c + "/_index.md", c + ".md"} {
			if u, ok := b.refs.urls[f]; ok {
				return u, nil
			}
		}
	}
	name := strings.TrimSuffix(path.Base(ref), path.Ext(ref))
	switch matches := b.refs.names[name]; len(matches) {
	case 0:
		return "", errors.New("no such content file")
	case 1:
		return b.refs.urls[matches[0]], nil
	default:
		return "", fmt.Errorf("ambiguous: %s are all named so; write the path from the content folder", strings.Join(matches, ", "))
	}
}
