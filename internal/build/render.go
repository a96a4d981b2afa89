package build

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"path"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/headers"
	"github.com/cassidine/site/internal/publish"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/theme"
)

// job produces one output file.
type job struct {
	name    string // output path, e.g. "articles/x/index.html"
	src     string // what writes it, for messages: a source file, or "the generated /tags/"
	html    bool   // counts as a page
	page    *Page  // the page an HTML output renders
	variant bool   // a resized copy of an image
	group   group  // what else the output depends on
	// make produces the output. What it returns may live in the worker's
	// scratch buffers, so it is valid only until the worker's next job: a
	// writer that keeps it copies it.
	make func(s *scratch) ([]byte, error)
	// file, when set, is another way to produce the output, for writers
	// that can link a file (dirWriter): it returns a file on disk to
	// publish as it is (a share card in the cache folder), or "" and the
	// output's bytes.
	file func() (string, []byte, error)
}

// linker is a writer that can publish a file already on disk without
// copying it (a hard link).
type linker interface {
	link(name, file string) error
}

// output produces j and hands it to w.
func output(s *scratch, w writer, j *job) error {
	if l, ok := w.(linker); ok && j.file != nil {
		file, data, err := j.file()
		if err != nil {
			return err
		}
		if file != "" {
			return l.link(j.name, file)
		}
		return w.write(j.name, data)
	}
	data, err := j.make(s)
	if err != nil {
		return err
	}
	return w.write(j.name, data)
}

// scratch holds one worker's buffers, reused from page to page: the
// template's output and the minified page.
type scratch struct {
	page bytes.Buffer
	min  []byte
}

// group says what an output depends on besides layouts, so a Session can
// tell which outputs an edit affects.
type group int

const (
	groupPage   group = iota // one content page
	groupList                // lists of articles: /articles/, tags, home
	groupFeed                // feeds: the newest articles with their content
	groupSite                // sitemap, _redirects, robots, _headers, 404
	groupStatic              // a file from static/
	groupCard                // a share card: named by what it shows (see Session.newCard)
)

// render writes the given outputs through w, in parallel.
func (b *builder) render(ctx context.Context, w writer, jobs []*job) (*Result, error) {
	if dw, ok := w.(*dirWriter); ok {
		names := make([]string, len(jobs))
		for i, j := range jobs {
			names[i] = j.name
		}
		dw.plan(names)
	}
	var pages, files atomic.Int64
	var mu sync.Mutex
	var errs content.ErrorList
	b.parallel(ctx, len(jobs), func() func(int) {
		var s scratch
		return func(i int) {
			j := jobs[i]
			if err := output(&s, w, j); err != nil {
				mu.Lock()
				errs.Add(err)
				mu.Unlock()
				return
			}
			files.Add(1)
			if j.html {
				pages.Add(1)
			}
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return &Result{
		Pages:    int(pages.Load()),
		Assets:   len(b.assets.Files),
		Files:    int(files.Load()),
		Images:   b.resizer.Stats(),
		Cards:    b.cards.Stats(),
		Rendered: int(b.rendered.hits.Load()),
		Site:     b.site,
		Warnings: b.warnings,
	}, nil
}

// jobs lists every output of the site.
func (b *builder) jobs() []*job {
	s := b.site
	var jobs []*job
	addData := func(g group, p *Page, list *List, extra any) {
		src := p.File
		if !b.isContentPage(p) {
			src = "the generated " + p.URL
		}
		jobs = append(jobs, &job{name: outputPath(p.URL), src: src, html: true, page: p, group: g, make: func(s *scratch) ([]byte, error) {
			return b.execute(s, p, list, extra)
		}})
	}
	add := func(g group, p *Page, list *List) { addData(g, p, list, nil) }
	page := func(p *Page, list *List) { add(groupList, p, list) }
	// Articles first: they are the bulk of the work and start at once.
	for _, p := range s.Articles {
		add(groupPage, p, nil)
	}
	jobs = append(jobs, b.cardJobs()...)
	for _, p := range s.Pages {
		g := groupPage
		if p.Kind == content.KindHome {
			g = groupList // it lists the newest articles
		}
		add(g, p, nil)
	}

	// Each section's list: /articles/ and its later pages, and the other
	// folders' (see section).
	for _, sec := range b.sections {
		for _, pl := range b.paginate(sec.page, sec.pages, sec.page.URL, nil) {
			page(pl.page, pl.list)
		}
	}

	// /tags/ and each tag; /categories/ and each category, when there are any.
	terms := func(kind, termKind content.Kind, title, url, desc string, all []*Tag, termTitle func(*Tag) string) {
		tp := b.generated(kind, title, url, desc)
		page(tp, &List{Number: 1, Total: 1, Terms: all, All: len(all)})
		for _, t := range all {
			p := b.generated(termKind, termTitle(t), t.URL, fmt.Sprintf("Articles about %s from %s.", t.Name, s.Title))
			for _, pl := range b.paginate(p, t.Articles, t.URL, t) {
				page(pl.page, pl.list)
			}
		}
	}
	terms(content.KindTags, content.KindTag, "Tags", "/tags/", "Every topic "+s.Title+" writes about.", s.Tags,
		func(t *Tag) string { return "Tagged “" + t.Name + "”" })
	if len(s.Categories) > 0 {
		terms(content.KindCategories, content.KindCategory, "Categories", "/categories/", "Every category of "+s.Title+"’s articles.", s.Categories,
			func(t *Tag) string { return "Category “" + t.Name + "”" })
	}

	// The readiness quiz: a real form, rendered from content/quiz.toml.
	if b.quiz != nil {
		qp := b.generated(content.KindPage, b.quiz.Title, QuizURL, "Score your company against the warning signs that it has outgrown its operating model.")
		qp.Layout = "quiz"
		qp.Social = b.quizSocial
		addData(groupSite, qp, nil, quiz.Form{Quiz: b.quiz, Version: b.quizVer})
	}

	// The booking page: the form, whose times the page's script (or, without
	// script, the function) supplies.
	if bk := s.Booking; bk != nil {
		bp := b.generated(content.KindPage, theme.BookTitle, BookURL, "Schedule a complimentary advisory session to identify where execution is breaking down and what it will take to fix it.")
		bp.Layout = "book"
		addData(groupSite, bp, nil, booking.Form{Action: "/api/book", Static: true, Challenges: bk.Challenges, Sizes: bk.CompanySizes, Zone: bk.TimeZone})
	}

	// 404.
	nf := b.generated(content.KindNotFound, "Page not found", "/404.html", "The page you asked for is not here.")
	add(groupSite, nf, nil)

	// Feeds and files for crawlers and Netlify.
	gen := func(name string, g group, make func() ([]byte, error)) {
		jobs = append(jobs, &job{name: name, src: "the generated /" + name, group: g, make: func(*scratch) ([]byte, error) { return make() }})
	}
	gen("feed.xml", groupFeed, b.atom)
	gen("feed.json", groupFeed, b.jsonFeed)
	gen("sitemap.xml", groupSite, b.sitemap)
	gen("robots.txt", groupSite, func() ([]byte, error) { return b.robots(), nil })
	gen("_headers", groupSite, func() ([]byte, error) { return headers.File(), nil })
	gen("_redirects", groupSite, func() ([]byte, error) { return b.redirects(), nil })
	gen(publish.File, groupSite, func() ([]byte, error) {
		return publish.Marshal(publish.Schedule{Built: b.o.Now.UTC().Truncate(time.Second), Scheduled: b.scheduled})
	})
	if b.assets != nil {
		for _, f := range b.assets.Files {
			jobs = append(jobs, &job{name: f.Path, src: path.Join(b.o.StaticDir, f.Path), group: groupStatic, make: func(*scratch) ([]byte, error) { return f.Data, nil }})
		}
	}
	return append(jobs, b.fileJobs()...)
}

// generated makes the Page of an output that has no content file.
func (b *builder) generated(kind content.Kind, title, url, description string) *Page {
	cp := &content.Page{Kind: kind, File: b.o.LayoutsDir, Title: title, URL: url, Description: description}
	return &Page{Page: cp, Permalink: b.site.AbsURL(url)}
}

type listPage struct {
	page *Page
	list *List
}

// paginate splits articles into pages of site.toml's paginate: base for
// the first, base + "page/N/" for the rest, as Hugo does.
func (b *builder) paginate(p *Page, articles []*Page, base string, tag *Tag) []listPage {
	per := b.site.Paginate
	total := max(1, (len(articles)+per-1)/per)
	url := func(n int) string {
		if n == 1 {
			return base
		}
		return fmt.Sprintf("%spage/%d/", base, n)
	}
	out := make([]listPage, 0, total)
	for n := 1; n <= total; n++ {
		lo, hi := (n-1)*per, min(n*per, len(articles))
		l := &List{Pages: articles[lo:hi], Number: n, Total: total, Tag: tag, All: len(articles)}
		if n > 1 {
			l.Prev = url(n - 1)
		}
		if n < total {
			l.Next = url(n + 1)
		}
		pp := p
		if n > 1 {
			cp := *p.Page
			cp.URL = url(n)
			cp.Title = fmt.Sprintf("%s (page %d of %d)", p.Title, n, total)
			pp = &Page{Page: &cp, Content: p.Content, Permalink: b.site.AbsURL(cp.URL)}
		}
		pp.Number = n
		out = append(out, listPage{page: pp, list: l})
	}
	return out
}

func htmlOf(b []byte) template.HTML { return template.HTML(b) }
