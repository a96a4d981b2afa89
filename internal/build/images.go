package build

import (
	"net/url"
	"path"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/images"
	"github.com/cassidine/site/internal/markdown"
)

// imageSizes describes the column an article's images fill, for the
// browser to pick from srcset before it has laid out the page: the
// article column (42rem) on wide screens, the viewport less its padding
// on phones. It matches static/css/site.css's .narrow.
const imageSizes = "(min-width: 44.5rem) 42rem, calc(100vw - 2.5rem)"

// variant is a resized copy of an image, published beside the original.
type variant struct {
	path string // output path, "articles/x/chart-800w.png"
	data []byte
	from string // site path of the original, for messages
}

// finishPage rewrites the <img> elements of a rendered page so images
// reserve their space and cost only the pixels shown: every local image
// gets width and height from its file, a large JPEG or PNG also a srcset
// of resized copies (made through the cache folder) with sizes, and every
// image but the first loading="lazy" and decoding="async", as it is
// below the first screen. A front-matter image relative to the page
// ("cover.jpg" in a bundle) becomes a site path.
func (b *builder) finishPage(src source) source {
	p, doc := src.page, src.doc
	src.variants, src.imageErr = nil, nil
	base := &url.URL{Path: p.URL}
	if img := p.Image; img != "" && !strings.Contains(img, "://") && !strings.HasPrefix(img, "/") {
		if u, err := url.Parse(img); err == nil {
			if rel := base.ResolveReference(u).Path; b.hasFile(rel) {
				p.Image = rel
			} // else a path under static/, as site.toml's image

		}
	}
	if !strings.Contains(doc.HTML, "<img") {
		return src
	}
	var errs content.ErrorList
	n := 0 // images so far
	out, err := rewriteTags([]byte(doc.HTML), []string{"img"}, func(t *html.Token) (bool, error) {
		n++
		first := n == 1
		changed := false
		if !first {
			setAttr(t, "loading", "lazy")
			setAttr(t, "decoding", "async")
			changed = true
		}
		s, _ := attr(t, "src")
		u, err := url.Parse(s)
		if s == "" || err != nil || u.Scheme != "" || u.Host != "" {
			return changed, nil // external, or reported by the link check
		}
		sitePath := base.ResolveReference(u).Path
		data, ok, err := b.fileData(sitePath)
		if err != nil {
			errs.Add(err)
			return changed, nil
		}
		if !ok {
			return changed, nil // the link check reports it
		}
		line := imageLine(p, doc, base, sitePath)
		vs, err := b.resizer.Variants(path.Base(sitePath), data, images.DefaultWidths)
		if err != nil {
			errs.Add(content.Errorf(p.File, line, "image %q: %v", s, err))
			return changed, nil
		}
		dir := pageDir(sitePath)
		urlOf := func(v images.Variant) string {
			if v.Original {
				return sitePath
			}
			return dir + v.Name
		}
		for _, v := range vs {
			if !v.Original {
				src.variants = append(src.variants, variant{path: strings.TrimPrefix(urlOf(v), "/"), data: v.Data, from: b.sourceOf(sitePath)})
			}
		}
		widest := vs[len(vs)-1]
		if len(vs) > 1 {
			setAttr(t, "src", escapePath(urlOf(widest)))
			setAttr(t, "srcset", images.Srcset(vs, func(v images.Variant) string { return escapePath(urlOf(v)) }))
			setAttr(t, "sizes", imageSizes)
		}
		setAttr(t, "width", strconv.Itoa(widest.Width))
		setAttr(t, "height", strconv.Itoa(widest.Height))
		return true, nil
	})
	if err == nil {
		err = errs.Err()
	}
	if err != nil {
		// Reported with the build's other problems; the page is still
		// checked (its links, its front-matter image) so they all come at once.
		src.imageErr = err
		return src
	}
	p.Content = htmlOf(out)
	return src
}

// hasFile reports whether the site publishes a file at a site path from
// content/ or static/.
func (b *builder) hasFile(sitePath string) bool {
	_, ok := b.files[sitePath]
	return ok || (b.assets != nil && b.assets.Has(sitePath))
}

// sourceOf names the source file published at a site path, for messages.
func (b *builder) sourceOf(sitePath string) string {
	if f, ok := b.files[sitePath]; ok {
		return path.Join(b.o.ContentDir, f.rel)
	}
	return path.Join(b.o.StaticDir, strings.TrimPrefix(sitePath, "/"))
}

// imageLine returns the line of p's markdown that shows the image at a
// site path, or the body's first line.
func imageLine(p *Page, doc *markdown.Doc, base *url.URL, sitePath string) int {
	for _, l := range doc.Links {
		if u, err := url.Parse(l.Dest); err == nil && l.Image && base.ResolveReference(u).Path == sitePath {
			return p.BodyLine + l.Line - 1
		}
	}
	return p.BodyLine
}

// escapePath writes a site path as it goes in an attribute: "/a b.png"
// is "/a%20b.png".
func escapePath(p string) string { return (&url.URL{Path: p}).EscapedPath() }
