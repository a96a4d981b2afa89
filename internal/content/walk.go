package content

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// quizFile is content/quiz.toml, read by package quiz; like site.toml it is
// a setting, not a file to publish.
const quizFile = "quiz.toml"

// Tree is what Scan finds in a content folder.
type Tree struct {
	// Pages are the markdown content files, in fs.WalkDir's order.
	Pages []string
	// Files are the other files, in the same order: each is published as it
	// is, beside the page whose bundle holds it (see Owner) or, outside
	// bundles, at its own path.
	Files []string
	// Problems are files the build cannot publish faithfully, each an
	// *Error naming the file: content in formats other than markdown, and
	// markdown inside a page bundle (which Hugo makes a resource, not a
	// page).
	Problems []error

	bundles map[string]string // leaf bundle folder → its index file
}

// Scan walks a content folder; dir is its path for messages ("content").
// It skips what Hugo skips (names starting
// with "." or "#", or ending in "~": editor droppings) and, unlike Hugo,
// files and folders starting with "_" other than _index.md, which hold
// work in progress; and the settings, site.toml and quiz.toml.
func Scan(fsys fs.FS, dir string) (*Tree, error) {
	t := &Tree{bundles: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && skipped(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		switch {
		case p == SiteFile || p == quizFile:
		case IsMarkdown(p) && languageSuffix(p) != "":
			t.Problems = append(t.Problems, Errorf(path.Join(dir, p), 0, "the language suffix %s is a translation in Hugo, and this site has one language: rename it %s", languageSuffix(p), strings.Replace(path.Base(p), languageSuffix(p), "", 1)))
		case IsMarkdown(p):
			if indexName(p) == "index" && path.Dir(p) != "." {
				// One index per bundle: index.md wins over index.markdown.
				if other, ok := t.bundles[path.Dir(p)]; ok {
					keep, drop := other, p
					if path.Ext(p) == ".md" {
						keep, drop = p, other
					}
					t.Problems = append(t.Problems, Errorf(path.Join(dir, drop), 0, "a page bundle has one index file: %s is one already", path.Join(dir, keep)))
					t.bundles[path.Dir(p)] = keep
					if keep == other {
						return nil
					}
					t.Pages = slices.DeleteFunc(t.Pages, func(q string) bool { return q == other })
				}
				t.bundles[path.Dir(p)] = p
			}
			t.Pages = append(t.Pages, p)
		default:
			if format := unsupportedFormat(p); format != "" {
				t.Problems = append(t.Problems, Errorf(path.Join(dir, p), 0, "%s content is not supported: convert it to markdown (.md), or move it to static/ to publish it as it is", format))
				return nil
			}
			t.Files = append(t.Files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Markdown below a leaf bundle's folder is one of its resources in
	// Hugo, never a page: say so rather than publish or drop it.
	// A bundle inside a bundle is its resources too, as in Hugo.
	for dir := range t.bundles {
		if t.Owner(dir) != "" {
			delete(t.bundles, dir)
		}
	}
	pages := t.Pages[:0]
	for _, p := range t.Pages {
		owner := t.Owner(p)
		switch {
		case owner == "" || owner == p:
			pages = append(pages, p)
		case path.Dir(owner) == path.Dir(p) && indexName(p) == "_index":
			t.Problems = append(t.Problems, Errorf(path.Join(dir, p), 0, "%s/ holds both %s and %s: a folder is either a page bundle (index.md) or a section (_index.md)", path.Join(dir, path.Dir(p)), path.Base(owner), path.Base(p)))
		default:
			t.Problems = append(t.Problems, Errorf(path.Join(dir, p), 0, "markdown inside the page bundle of %s is not a page (Hugo makes it a resource of that page): move it out of %s/ to publish it as a page", path.Join(dir, owner), path.Join(dir, path.Dir(owner))))
		}
	}
	t.Pages = pages
	return t, nil
}

// Owner returns the index file of the leaf bundle whose folder holds rel
// (the page whose resource it is), or "" when rel is in no leaf bundle.
func (t *Tree) Owner(rel string) string {
	for dir := path.Dir(rel); dir != "."; dir = path.Dir(dir) {
		if index, ok := t.bundles[dir]; ok {
			return index
		}
	}
	return ""
}

// Files lists the markdown content files of fsys in fs.WalkDir's order, as
// paths relative to its root (see Scan).
func Files(fsys fs.FS) ([]string, error) {
	t, err := Scan(fsys, "")
	if err != nil {
		return nil, err
	}
	return t.Pages, nil
}

// IsContentFile reports whether rel, a path inside the content folder, is
// a file the build reads: markdown, or a file it publishes (a page
// bundle's image, ...). Settings files are not.
func IsContentFile(rel string) bool {
	if rel == SiteFile || rel == quizFile {
		return false
	}
	for _, part := range strings.Split(rel, "/") {
		if skipped(part) {
			return false
		}
	}
	return true
}

// skipped reports whether Scan skips a file or folder by its name.
func skipped(name string) bool {
	if name == "" {
		return true
	}
	if indexName(name) == "_index" {
		return false
	}
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~")
}

// markdownExts are the extensions of markdown files, as Hugo reads them.
var markdownExts = []string{".md", ".markdown", ".mdown"}

// IsMarkdown reports whether a file name is markdown content.
func IsMarkdown(name string) bool {
	return slices.Contains(markdownExts, strings.ToLower(path.Ext(name)))
}

// indexName returns "index" for the index.md of a leaf bundle (a page
// with its files), "_index" for the _index.md of a branch bundle (the home
// page or a section), and "" for other files.
func indexName(name string) string {
	base := strings.TrimSuffix(path.Base(name), path.Ext(name))
	if (base == "index" || base == "_index") && IsMarkdown(name) {
		return base
	}
	return ""
}

// languageRE matches Hugo's language code before a content file's
// extension: post.en.md, _index.pt-br.md.
var languageRE = regexp.MustCompile(`\.[a-z]{2}(-[a-z]{2,4})?$`)

// languageSuffix returns a markdown file's language suffix (".en" in
// post.en.md), or "".
func languageSuffix(name string) string {
	base := path.Base(name)
	return languageRE.FindString(strings.TrimSuffix(base, path.Ext(base)))
}

// unsupportedFormat names the content format of a file Hugo would render
// as a page but this builder cannot, or "".
func unsupportedFormat(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".html", ".htm":
		return "HTML"
	case ".adoc", ".asciidoc", ".ad":
		return "AsciiDoc"
	case ".org":
		return "Emacs Org Mode"
	case ".rst":
		return "reStructuredText"
	case ".pdc", ".pandoc":
		return "Pandoc"
	}
	return ""
}

// URLize turns a file or folder name, a slug, or a tag into a URL path
// segment as Hugo does: lower case, spaces (and runs of them) become one
// dash, and only letters, digits, marks and . _ - + ~ @ are kept. Unlike
// Hugo it also drops # and %, which would end or escape the path.
func URLize(s string) string {
	var b strings.Builder
	dash := false // a space is pending
	lastDash := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || strings.ContainsRune("._-+~@", r):
			if dash && !lastDash && r != '-' {
				b.WriteByte('-')
			}
			dash = false
			lastDash = r == '-'
			b.WriteString(strings.ToLower(string(r)))
		case unicode.IsSpace(r):
			if b.Len() > 0 && !lastDash {
				dash = true
			}
		}
	}
	return b.String()
}

// urlizePath urlizes each segment of a slash-separated folder path.
func urlizePath(dir string) string {
	parts := strings.Split(dir, "/")
	for i, p := range parts {
		parts[i] = URLize(p)
	}
	return strings.Join(parts, "/")
}
