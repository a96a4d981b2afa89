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
		if d.IsDir() || path.Ext(name) != ".md" {
			return nil
		}
		if name == "_index.md" && p != "_index.md" && p != "articles/_index.md" {
			return nil
		}
		files = append(files, p)
		return nil
	})
	return files, err
}
