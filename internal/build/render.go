package build

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
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
	name  string // output path, e.g. "articles/x/index.html"
	html  bool   // counts as a page
	page  *Page  // the page an HTML output renders
	group group  // what else the output depends on
	make  func(buf *bytes.Buffer) ([]byte, error)
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
)

// render writes the given outputs through w, in parallel.
func (b *builder) render(ctx context.Context, w writer, jobs []*job) (*Result, error) {
	var pages, files atomic.Int64
	var mu sync.Mutex
	var errs content.ErrorList
	work := make(chan *job)
	var wg sync.WaitGroup
	for range b.o.Workers {
		wg.Go(func() {
			var buf bytes.Buffer
			for j := range work {
				data, err := j.make(&buf)
				if err == nil {
					err = w.write(j.name, data)
				}
				if err != nil {
					mu.Lock()
					errs.Add(err)
					mu.Unlock()
					continue
				}
				files.Add(1)
				if j.html {
					pages.Add(1)
				}
			}
		})
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		work <- j
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return &Result{
		Pages:  int(pages.Load()),
		Assets: len(b.assets.Files),
		Files:  int(files.Load()),
		Site:   b.site,
	}, nil
}

// jobs lists every output of the site.
func (b *builder) jobs() []*job {
	s := b.site
	var jobs []*job
	addData := func(g group, p *Page, list *List, extra any) {
		jobs = append(jobs, &job{name: outputPath(p.URL), html: true, page: p, group: g, make: func(buf *bytes.Buffer) ([]byte, error) {
			return b.execute(buf, p, list, extra)
		}})
	}
	add := func(g group, p *Page, list *List) { addData(g, p, list, nil) }
	page := func(p *Page, list *List) { add(groupList, p, list) }
	// Articles first: they are the bulk of the work and start at once.
	for _, p := range s.Articles {
		add(groupPage, p, nil)
	}
	for _, p := range s.Pages {
		g := groupPage
		if p.Kind == content.KindHome {
			g = groupList // it lists the newest articles
		}
		add(g, p, nil)
	}

	// /articles/ and its later pages.
	section := b.section
	if section == nil {
		cp := &content.Page{Kind: content.KindSection, File: b.o.ContentDir, Title: "Articles", URL: "/articles/",
			Description: "Articles from " + s.Title + "."}
		section = &Page{Page: cp, Permalink: s.AbsURL(cp.URL)}
	}
	for _, pl := range b.paginate(section, s.Articles, "/articles/", nil) {
		page(pl.page, pl.list)
	}

	// /tags/ and each tag.
	tagsPage := b.generated(content.KindTags, "Tags", "/tags/", "Every topic "+s.Title+" writes about.")
	page(tagsPage, nil)
	for _, t := range s.Tags {
		tp := b.generated(content.KindTag, "Tagged “"+t.Name+"”", t.URL, fmt.Sprintf("Articles about %s from %s.", t.Name, s.Title))
		for _, pl := range b.paginate(tp, t.Articles, t.URL, t) {
			page(pl.page, pl.list)
		}
	}

	// The readiness quiz: a real form, rendered from content/quiz.toml.
	if b.quiz != nil {
		qp := b.generated(content.KindPage, b.quiz.Title, QuizURL, "Score your company against the warning signs that it has outgrown its operating model.")
		qp.Layout = "quiz"
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
	jobs = append(jobs,
		&job{name: "feed.xml", group: groupFeed, make: func(*bytes.Buffer) ([]byte, error) { return b.atom() }},
		&job{name: "feed.json", group: groupFeed, make: func(*bytes.Buffer) ([]byte, error) { return b.jsonFeed() }},
		&job{name: "sitemap.xml", group: groupSite, make: func(*bytes.Buffer) ([]byte, error) { return b.sitemap() }},
		&job{name: "robots.txt", group: groupSite, make: func(*bytes.Buffer) ([]byte, error) { return b.robots(), nil }},
		&job{name: "_headers", group: groupSite, make: func(*bytes.Buffer) ([]byte, error) { return headers.File(), nil }},
		&job{name: "_redirects", group: groupSite, make: func(*bytes.Buffer) ([]byte, error) { return b.redirects(), nil }},
		&job{name: publish.File, group: groupSite, make: func(*bytes.Buffer) ([]byte, error) {
			return publish.Marshal(publish.Schedule{Built: b.o.Now.UTC().Truncate(time.Second), Scheduled: b.scheduled})
		}},
	)
	for _, f := range b.assets.Files {
		jobs = append(jobs, &job{name: f.Path, group: groupStatic, make: func(*bytes.Buffer) ([]byte, error) { return f.Data, nil }})
	}
	return jobs
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
