// Package assets minifies the site's outputs and fingerprints its CSS and
// JavaScript, so they can be cached for a year without going stale.
package assets

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"

	"github.com/cassidine/site/internal/theme"
)

// Media types of the outputs the minifier handles.
const (
	HTML = "text/html"
	CSS  = "text/css"
	JS   = "application/javascript"
	SVG  = "image/svg+xml"
	XML  = "application/xml"
	JSON = "application/json"
)

// NewMinifier returns a minifier for every text format the site writes.
// It is safe for concurrent use.
func NewMinifier() *minify.M {
	m := minify.New()
	opts := htmlOptions
	m.Add(HTML, &opts)
	m.AddFunc(CSS, css.Minify)
	m.AddFunc(JS, js.Minify)
	m.AddFunc(SVG, svg.Minify)
	m.AddFuncRegexp(regexp.MustCompile(`[/+]xml$`), xml.Minify)
	m.AddFuncRegexp(regexp.MustCompile(`[/+]json$`), json.Minify) // also JSON-LD in <script>
	return m
}

// TypeByExt returns the media type the minifier uses for a file extension,
// or "" when the file is copied as it is.
func TypeByExt(ext string) string {
	switch strings.ToLower(ext) {
	case ".html", ".htm":
		return HTML
	case ".css":
		return CSS
	case ".js", ".mjs":
		return JS
	case ".svg":
		return SVG
	case ".xml":
		return XML
	case ".json", ".webmanifest":
		return JSON
	}
	return ""
}

// File is one output file from static/.
type File struct {
	Path string // output path, e.g. "assets/site.3f2a9c1e0b.css" or "favicon.svg"
	Data []byte
}

// Set is the processed static folder: fingerprinted CSS and JS, other
// files copied (text formats minified).
type Set struct {
	Files []File
	urls  map[string]string // source path ("css/site.css") → URL
}

// Load reads every file of static, minifies text formats, and gives CSS
// and JS a content hash in their name under /assets/.
func Load(static fs.FS, m *minify.M) (*Set, error) {
	s := &Set{urls: map[string]string{}}
	err := fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		data, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		out := p
		if theme.Fingerprinted(p) {
			// Named by the source's hash, as the function names them.
			out = theme.AssetPath(p, data)
			s.urls[p] = "/" + out
		}
		if mt := TypeByExt(path.Ext(p)); mt != "" {
			var min bytes.Buffer
			if err := m.Minify(mt, &min, bytes.NewReader(data)); err != nil {
				return fmt.Errorf("static/%s: minify: %w", p, err)
			}
			data = min.Bytes()
		}
		s.Files = append(s.Files, File{Path: out, Data: data})
		return nil
	})
	sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Path < s.Files[j].Path })
	return s, err
}

// URLs maps each fingerprinted source path ("css/site.css") to its URL.
// The map must not be modified.
func (s *Set) URLs() map[string]string { return s.urls }

// Has reports whether the set writes a file at the site path p ("/favicon.svg").
func (s *Set) Has(p string) bool {
	p = strings.TrimPrefix(p, "/")
	i := sort.Search(len(s.Files), func(i int) bool { return s.Files[i].Path >= p })
	return i < len(s.Files) && s.Files[i].Path == p
}

// Data returns the content of the file at site path p, if any.
func (s *Set) Data(p string) ([]byte, bool) {
	p = strings.TrimPrefix(p, "/")
	i := sort.Search(len(s.Files), func(i int) bool { return s.Files[i].Path >= p })
	if i < len(s.Files) && s.Files[i].Path == p {
		return s.Files[i].Data, true
	}
	return nil, false
}
