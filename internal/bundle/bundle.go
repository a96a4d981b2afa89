// Package bundle carries the site's sources that the function needs at run
// time, where it cannot read the repository: content/site.toml (settings
// and availability), content/quiz.toml, layouts/ and the CSS and JS of
// static/ (for the same fingerprinted URLs as the static site).
//
// site build refreshes files/ (gitignored) after every successful build,
// and the function is compiled after it (see netlify.toml), so the two
// always agree. A binary built from a fresh clone without a build embeds
// only files/README.md and FS reports that clearly.
package bundle

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Dir is files/ relative to the repository root, where site build writes.
const Dir = "internal/bundle/files"

//go:embed all:files
var embedded embed.FS

// FS returns the embedded sources, rooted like the repository
// (content/site.toml, layouts/base.html, static/css/site.css, ...).
func FS() (fs.FS, error) {
	sub, err := fs.Sub(embedded, "files")
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(sub, "content/site.toml"); err != nil {
		return nil, errors.New("bundle: this binary embeds no site: run `go run ./cmd/site build` before building cmd/api")
	}
	return sub, nil
}

// wanted reports whether a source file belongs in the bundle.
func wanted(rel string) bool {
	switch {
	case rel == "content/site.toml", rel == "content/quiz.toml":
		return true
	case strings.HasPrefix(rel, "layouts/"):
		return path.Ext(rel) == ".html"
	case strings.HasPrefix(rel, "static/"):
		ext := path.Ext(rel)
		return ext == ".css" || ext == ".js"
	}
	return false
}

// TitlesFile holds the titles of the site's pages by URL, so the function
// can name recommended articles.
const TitlesFile = "pages.json"

// Titles returns the page titles carried in fsys (a bundle's FS).
func Titles(fsys fs.FS) (map[string]string, error) {
	data, err := fs.ReadFile(fsys, TitlesFile)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	var titles map[string]string
	if err := json.Unmarshal(data, &titles); err != nil {
		return nil, fmt.Errorf("bundle: %s: %w", TitlesFile, err)
	}
	return titles, nil
}

// Write replaces dst with the bundle's files, read from the given content,
// layouts and static folders, and the page titles of the build.
func Write(dst, contentDir, layoutsDir, staticDir string, titles map[string]string) error {
	tmp := dst + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	roots := map[string]string{"content": contentDir, "layouts": layoutsDir, "static": staticDir}
	for name, dir := range roots {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			rel = name + "/" + filepath.ToSlash(rel)
			if !wanted(rel) {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out := filepath.Join(tmp, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				return err
			}
			return os.WriteFile(out, data, 0o644)
		})
		if err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("bundle: %w", err)
		}
	}
	readme, err := embedded.ReadFile("files/README.md")
	if err == nil {
		err = os.WriteFile(filepath.Join(tmp, "README.md"), readme, 0o644)
	}
	if err == nil {
		var data []byte
		data, err = json.Marshal(titles)
		if err == nil {
			err = os.WriteFile(filepath.Join(tmp, TitlesFile), data, 0o644)
		}
	}
	if err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("bundle: %w", err)
	}
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
