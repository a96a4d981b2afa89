package build

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/cassidine/site/internal/content"
)

// target is something a link can point at: a rendered page (whose ids are
// known) or another output.
type target struct {
	page *Page // nil for outputs without markdown
}

// targets lists every URL the build serves.
func (b *builder) targets() map[string]target {
	s := b.site
	t := map[string]target{}
	claim := func(u string, p *Page) { // the first claimant owns a URL, as in checkURLs
		if _, ok := t[u]; !ok {
			t[u] = target{page: p}
		}
	}
	for _, p := range b.pages {
		claim(p.URL, p)
	}
	for _, p := range b.pages {
		for _, a := range p.Aliases {
			claim(normalizePath(a), p)
		}
	}
	paged := func(base string, n int) {
		t[base] = target{}
		for i := 2; i <= (n+s.Paginate-1)/s.Paginate; i++ {
			t[fmt.Sprintf("%spage/%d/", base, i)] = target{}
		}
	}
	for _, sec := range b.sections {
		paged(sec.page.URL, len(sec.pages))
		if sec.own {
			t[sec.page.URL] = target{page: sec.page}
		}
	}
	t["/tags/"] = target{}
	for _, tag := range s.Tags {
		paged(tag.URL, len(tag.Articles))
	}
	if len(s.Categories) > 0 {
		t["/categories/"] = target{}
		for _, c := range s.Categories {
			paged(c.URL, len(c.Articles))
		}
	}
	if b.quiz != nil {
		t[QuizURL] = target{}
	}
	if b.site.Booking != nil {
		t[BookURL] = target{}
	}
	for _, f := range []string{"/404.html", "/feed.xml", "/feed.json", "/sitemap.xml", "/robots.txt"} {
		t[f] = target{}
	}
	for _, f := range b.assets.Files {
		t["/"+f.Path] = target{}
	}
	for u, f := range b.files {
		if b.live(f) {
			t[u] = target{}
		}
	}
	for _, src := range b.sources {
		if src.doc != nil && src.err == nil {
			for _, v := range src.variants {
				t["/"+v.path] = target{}
			}
		}
	}
	return t
}

// checkLinks reports every link or image in markdown that points to an
// internal page, file or #anchor that the build does not produce.
func (b *builder) checkLinks(targets map[string]target, only map[string]bool) error {
	var errs content.ErrorList
	pages := b.pages
	// Social images named in settings and front matter must exist too.
	if img := b.site.Image; img != "" && !strings.Contains(img, "://") && !b.assets.Has(img) {
		errs.Add(content.Errorf(b.site.File, content.TOMLKeyLine(b.site.Source, "image"), "image %q: no such file under %s/", img, b.o.StaticDir))
	}
	for _, p := range pages {
		if img := p.Image; img != "" && !strings.Contains(img, "://") && !b.hasFile("/"+strings.TrimPrefix(img, "/")) {
			key := "image"
			if !p.Has("image") {
				key = "images"
			}
			errs.Add(content.Errorf(p.File, p.KeyLine(key), "image %q: no such file under %s/, nor in the page's bundle", img, b.o.StaticDir))
		}
	}
	for _, p := range pages {
		if b.docs[p] == nil || (only != nil && !only[p.URL]) {
			continue
		}
		base := &url.URL{Path: p.URL}
		for _, l := range b.docs[p].Links {
			line := p.BodyLine + l.Line - 1
			what, written := "link", l.Dest
			if l.Image {
				what = "image"
			}
			if l.Ref != "" { // name the path as written, not the URL it became
				what, written = l.Shortcode, l.Ref
			}
			if problem := b.checkLink(targets, base, p, l.Dest); problem != "" {
				errs.Add(content.Errorf(p.File, line, "broken %s %q: %s", what, written, problem))
			}
		}
	}
	return errs.Err()
}

// checkLink returns what is wrong with one link destination, or "".
func (b *builder) checkLink(targets map[string]target, base *url.URL, from *Page, dest string) string {
	if dest == "" {
		return "empty destination"
	}
	u, err := url.Parse(dest)
	if err != nil {
		return "not a valid URL"
	}
	if u.Scheme != "" || u.Host != "" {
		return "" // external: checked by site check -external
	}
	if u.Path == "" {
		if u.Fragment != "" && !b.docs[from].HasID(u.Fragment) {
			return fmt.Sprintf("no heading or footnote with id %q on this page", u.Fragment)
		}
		return ""
	}
	ref := base.ResolveReference(u)
	p := ref.Path
	t, ok := targets[p]
	if !ok {
		for _, alt := range []string{p + "/", strings.TrimSuffix(p, "index.html")} {
			if t, ok = targets[alt]; ok {
				p = alt
				break
			}
		}
	}
	if !ok {
		if _, broken := b.broken[normalizePath(p)]; broken {
			return "" // the target's own errors are reported
		}
		if why, skipped := b.skipped[normalizePath(p)]; skipped {
			return fmt.Sprintf("%s is %s", p, why)
		}
		return fmt.Sprintf("no page or file at %s", p)
	}
	if u.Fragment != "" && t.page != nil && b.docs[t.page] != nil && !b.docs[t.page].HasID(u.Fragment) {
		return fmt.Sprintf("%s has no heading or footnote with id %q", p, u.Fragment)
	}
	// site check includes drafts and scheduled pages, yet a published page
	// linking to one breaks the production build: say so.
	if b.o.Strict && t.page != nil && b.publishedLater(from) == "" {
		if why := b.publishedLater(t.page); why != "" {
			return fmt.Sprintf("%s is %s; a build without that flag fails on this link", p, why)
		}
	}
	return ""
}

// checkStrict reports what site check adds to a build's checks: pages
// without a description (search results and link previews show it) and
// images without alt text (screen readers announce nothing useful).
func (b *builder) checkStrict() error {
	var errs content.ErrorList
	for _, w := range b.warnings {
		errs.Add(w) // a warning is a problem to fix before publishing
	}
	for _, p := range b.pages {
		switch {
		case strings.TrimSpace(p.Description) == "":
			errs.Add(content.Errorf(p.File, p.KeyLine("description"), "front matter: description is missing; search results and link previews show it"))
		case p.DescriptionFrom != "":
			errs.Add(content.Errorf(p.File, p.KeyLine("description"), "front matter: description is missing (the %s stands in for it); write one: search results and link previews show it", p.DescriptionFrom))
		}
		if b.docs[p] == nil {
			continue
		}
		for _, l := range b.docs[p].Links {
			if l.Image && strings.TrimSpace(l.Alt) == "" {
				errs.Add(content.Errorf(p.File, p.BodyLine+l.Line-1, "image %q has no alt text: write ![what it shows](%s)", l.Dest, l.Dest))
			}
		}
	}
	return errs.Err()
}

// externalLinks lists every http(s) link of the published pages.
func (b *builder) externalLinks() []ExternalLink {
	var out []ExternalLink
	for _, p := range b.pages {
		if b.docs[p] == nil {
			continue
		}
		for _, l := range b.docs[p].Links {
			if u, err := url.Parse(l.Dest); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
				out = append(out, ExternalLink{URL: l.Dest, File: p.File, Line: p.BodyLine + l.Line - 1})
			}
		}
	}
	return out
}
