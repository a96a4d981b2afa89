// Package site embeds the sources the site's function needs at run time,
// where it cannot read the repository: the settings and the quiz
// (content/site.toml, content/quiz.toml), the layouts, the CSS and
// JavaScript of static/ (to link the same fingerprinted URLs as the built
// site), and the content's markdown, whose front matter names the pages a
// quiz result recommends.
//
// It is the one package at the module root because go:embed reaches only
// its own folder and below. Nothing generates these files: a function
// built from a fresh clone embeds the sources as they are committed, and
// site serve and the tests read the same folders from disk instead
// (theme.FromRoot(os.DirFS("."))).
package site

import (
	"embed"
	"io/fs"
)

//go:embed content/*.toml content/*.md content/articles layouts static/css static/js
var files embed.FS

// FS is the embedded sources, rooted like the repository:
// content/site.toml, layouts/base.html, static/css/site.css, ...
var FS fs.FS = files
