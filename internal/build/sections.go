package build

import (
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cassidine/site/internal/content"
)

// section is the list page of a content folder, as Hugo makes them:
// articles/ always, every top-level folder of pages, and every folder with
// an _index.md (articles/2024/_index.md lists /articles/2024/). It lists
// the published pages in its folder and below, weighted first, then newest
// first.
type section struct {
	dir   string // content folder, e.g. "articles"
	page  *Page  // its _index.md, or a generated page
	own   bool   // page is an _index.md (whose body and links are the site's)
	pages []*Page
}

// organizeSections makes b.sections from the published pages.
func (b *builder) organizeSections() {
	byDir := map[string]*section{}
	for _, p := range b.pages {
		if p.Kind == content.KindSection {
			byDir[p.Section] = &section{dir: p.Section, page: p, own: true}
		}
	}
	generate := func(dir string) {
		if byDir[dir] != nil {
			return
		}
		title := titleCase(path.Base(dir))
		desc := ""
		if dir == content.ArticlesDir {
			title, desc = "Articles", "Articles from "+b.site.Title+"."
		}
		cp := &content.Page{Kind: content.KindSection, File: b.o.ContentDir, Title: title, Description: desc,
			URL: "/" + urlizeDir(dir) + "/", Section: dir}
		byDir[dir] = &section{dir: dir, page: &Page{Page: cp, Permalink: b.site.AbsURL(cp.URL)}}
	}
	generate(content.ArticlesDir)
	for _, p := range b.pages {
		if p.Kind != content.KindSection && p.Section != "" {
			top, _, _ := strings.Cut(p.Section, "/")
			generate(top)
		}
	}
	b.sections = b.sections[:0]
	for _, s := range byDir {
		for _, p := range b.pages {
			if p.Kind != content.KindSection && (p.Section == s.dir || strings.HasPrefix(p.Section, s.dir+"/")) {
				s.pages = append(s.pages, p)
			}
		}
		slices.SortStableFunc(s.pages, byWeightThenDate)
		b.sections = append(b.sections, s)
	}
	slices.SortFunc(b.sections, func(a, b *section) int { return strings.Compare(a.page.URL, b.page.URL) })
}

// urlizeDir makes a content folder a URL path, as package content does.
func urlizeDir(dir string) string {
	parts := strings.Split(dir, "/")
	for i, p := range parts {
		parts[i] = content.URLize(p)
	}
	return strings.Join(parts, "/")
}

// titleCase is the title Hugo gives a section without an _index.md: its
// folder's name with a capital ("guides" → "Guides").
func titleCase(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + strings.ReplaceAll(s[n:], "-", " ")
}
