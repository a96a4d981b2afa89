package build

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/cassidine/site/internal/assets"
	"github.com/cassidine/site/internal/content"
)

// contentFile is a file of the content folder published as it is: one of a page
// bundle's files, published beside the page (content/articles/x/chart.png
// at /articles/x/chart.png, following the page's slug or url), or a file
// beside a section's pages, at its own path.
type contentFile struct {
	rel   string // path in the content folder
	url   string // site path
	owner string // the index.md whose bundle holds it, or ""

	once sync.Once
	data []byte
	err  error
}

// placeFiles gives every content file its URL. A bundle's files follow
// their page, so this runs once the pages are parsed.
func (b *builder) placeFiles() {
	b.files = make(map[string]*contentFile, len(b.tree.Files))
	b.fileList = nil
	for _, rel := range b.tree.Files {
		f := &contentFile{rel: rel, owner: b.tree.Owner(rel)}
		if f.owner == "" {
			f.url = "/" + path.Base(rel)
			if dir := path.Dir(rel); dir != "." {
				f.url = "/" + urlizeDir(dir) + f.url
			}
		} else {
			p := b.sources[f.owner].page
			if p == nil {
				continue // unreadable: its error is reported
			}
			f.url = pageDir(p.URL) + strings.TrimPrefix(rel, p.Bundle+"/")
		}
		b.fileList = append(b.fileList, f)
		if _, taken := b.files[f.url]; !taken {
			b.files[f.url] = f // a second claimant is reported by checkOutputs
		}
	}
}

// pageDir is the folder of a page's URL, where its files are published:
// "/articles/x/" for /articles/x/, "/" for /about.html.
func pageDir(u string) string {
	if strings.HasSuffix(u, "/") {
		return u
	}
	return path.Dir(u) + "/"
}

// read returns the file's content, minified if it is a text format the
// site minifies (an SVG, say).
func (f *contentFile) read(b *builder) ([]byte, error) {
	f.once.Do(func() {
		f.data, f.err = fs.ReadFile(b.o.Content, f.rel)
		if f.err != nil {
			f.err = content.Errorf(path.Join(b.o.ContentDir, f.rel), 0, "%w", f.err)
			return
		}
		if mt := assets.TypeByExt(path.Ext(f.rel)); mt != "" {
			data, err := b.minify(mt, f.data)
			if err != nil {
				f.err = content.Errorf(path.Join(b.o.ContentDir, f.rel), 0, "%w", err)
				return
			}
			f.data = data
		}
	})
	return f.data, f.err
}

// live reports whether a content file is published: its page is.
func (b *builder) live(f *contentFile) bool {
	if f.owner == "" {
		return true
	}
	src := b.sources[f.owner]
	return src.page != nil && src.err == nil && b.leftOut(src.page) == ""
}

// filesOf lists the URLs of a page's bundle files.
func (b *builder) filesOf(p *Page) []string {
	if p.Bundle == "" {
		return nil
	}
	var urls []string
	for u, f := range b.files {
		if f.owner != "" && b.sources[f.owner].page == p {
			urls = append(urls, u)
		}
	}
	return urls
}

// fileData returns the content of the file the site publishes at a site
// path from content/ or static/, for sizing images.
func (b *builder) fileData(sitePath string) ([]byte, bool, error) {
	if f, ok := b.files[sitePath]; ok {
		data, err := f.read(b)
		return data, true, err
	}
	if b.assets != nil {
		if data, ok := b.assets.Data(sitePath); ok {
			return data, true, nil
		}
	}
	return nil, false, nil
}

// checkOutputs reports two sources writing one output file: a bundle's
// image and a static file, a page and a generated page (content/quiz.md
// and the quiz), ... Two content pages on one URL are reported by
// checkURLs, with the lines that set their URLs.
func (b *builder) checkOutputs() error {
	var errs content.ErrorList
	seen := map[string]*job{}
	for _, j := range b.jobs() {
		o, ok := seen[j.name]
		if !ok {
			seen[j.name] = j
			continue
		}
		if b.isContentPage(o.page) && b.isContentPage(j.page) {
			continue
		}
		first, second := j, o
		if strings.HasPrefix(o.src, b.o.ContentDir+"/") && !strings.HasPrefix(j.src, b.o.ContentDir+"/") {
			first, second = o, j // name the content file: that is where the fix usually is
		}
		errs.Add(content.Errorf(first.src, 0, "writes /%s, which %s also writes: rename or move one", j.name, second.src))
	}
	return errs.Err()
}

// isContentPage reports whether p is a page of a content file, rather
// than one the build generates.
func (b *builder) isContentPage(p *Page) bool {
	return p != nil && p.File != b.o.ContentDir && p.File != b.o.LayoutsDir
}

// fileJobs lists the outputs of published content files and of the
// resized copies of images.
func (b *builder) fileJobs() []*job {
	var jobs []*job
	for _, f := range b.fileList {
		if !b.live(f) {
			continue
		}
		jobs = append(jobs, &job{name: strings.TrimPrefix(f.url, "/"), src: path.Join(b.o.ContentDir, f.rel), group: groupStatic,
			make: func(*scratch) ([]byte, error) { return f.read(b) }})
	}
	made := map[string]bool{}
	for _, rel := range slices.Sorted(maps.Keys(b.sources)) {
		src := b.sources[rel]
		if src.doc == nil || src.err != nil {
			continue // not published
		}
		for _, v := range src.variants {
			if made[v.path] {
				continue
			}
			made[v.path] = true
			jobs = append(jobs, &job{name: v.path, src: fmt.Sprintf("the resized copy of %s", v.from), variant: true, group: groupStatic,
				make: func(*scratch) ([]byte, error) { return v.data, nil }})
		}
	}
	return jobs
}
