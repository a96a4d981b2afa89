package content

import (
	"io/fs"
	"path"
	"strings"
)

// Files lists the markdown content files of fsys in lexical order, as paths
// relative to its root: _index.md, the pages and the articles. It skips
// files and folders starting with "." or "_", other than the two _index.md
// files, and anything that is not markdown.
func Files(fsys fs.FS) ([]string, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != "." && (strings.HasPrefix(name, ".") || (strings.HasPrefix(name, "_") && name != "_index.md")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && IsContentFile(p) {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// IsContentFile reports whether rel, a path inside the content folder, is a
// content file that Files would list.
func IsContentFile(rel string) bool {
	if path.Ext(rel) != ".md" {
		return false
	}
	parts := strings.Split(rel, "/")
	for _, part := range parts {
		if strings.HasPrefix(part, ".") || (strings.HasPrefix(part, "_") && part != "_index.md") {
			return false
		}
	}
	return parts[len(parts)-1] != "_index.md" || rel == "_index.md" || rel == "articles/_index.md"
}
